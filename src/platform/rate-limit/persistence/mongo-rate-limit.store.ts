import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { ensureIndexes } from '../../database/ensure-indexes';
import { RateLimitStore, WindowCounter } from '../rate-limit.store';
import { RATE_LIMIT_COUNTER_COLLECTION, RateLimitCounterRecord } from './rate-limit-counter.schema';

type Write = mongo.AnyBulkWriteOperation<RateLimitCounterRecord>;

const DUPLICATE_KEY = 11000;
/**
 * Acknowledged by the primary alone: a count that a failover rolls back lets a few more requests
 * through in one window, which is not worth a majority wait on every limited request.
 */
const COUNTER_WRITE_CONCERN = { w: 1 } as const;

/**
 * Counters in MongoDB, one document per limit, key and window, always found through `_id`.
 *
 * One counter (most routes): one `findOneAndUpdate` upsert with `$inc`, filtered on `_id` only,
 * which returns the count.
 *
 * Several counters (per IP and per client or address): one unordered bulk of upserts, one command.
 * A bulk returns no documents, so each write carries its limit: `{ _id, count: { $lt: limit } }`.
 * A full counter does not match, its upsert collides with the existing `_id`, and that duplicate
 * key error, reported per write, is the refusal. (An update pipeline that stops at the limit would
 * keep the filter on `_id` alone, but the embedded development server does not run pipelines.)
 * A refused request costs a second round trip, to tell a full counter from a first-upsert race.
 */
@Injectable()
export class MongoRateLimitStore extends RateLimitStore implements OnModuleInit {
  constructor(
    @InjectModel(RateLimitCounterRecord.name)
    private readonly model: Model<RateLimitCounterRecord>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async hit(counters: readonly WindowCounter[]): Promise<boolean> {
    if (counters.length === 0) return true;
    if (counters.length === 1) return this.hitOne(counters[0]);
    return this.hitAll(counters);
  }

  private async hitOne({ id, limit, expiresAt }: WindowCounter): Promise<boolean> {
    const increment = () =>
      this.collection().findOneAndUpdate(
        { _id: id },
        { $inc: { count: 1 }, $setOnInsert: { expireAt: expiresAt } },
        {
          upsert: true,
          returnDocument: 'after',
          projection: { count: 1 },
          writeConcern: COUNTER_WRITE_CONCERN,
        },
      );
    let counter: RateLimitCounterRecord | null;
    try {
      counter = await increment();
    } catch (error) {
      // Two first upserts of one `_id` raced (servers before 4.2 do not retry it themselves):
      // the document exists now, so the same increment counts once.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      counter = await increment();
    }
    return (counter?.count ?? 1) <= limit;
  }

  private async hitAll(counters: readonly WindowCounter[]): Promise<boolean> {
    const writes: Write[] = counters.map(({ id, limit, expiresAt }) => ({
      updateOne: {
        filter: { _id: id, count: { $lt: limit } },
        update: { $inc: { count: 1 }, $setOnInsert: { expireAt: expiresAt } },
        upsert: true,
      },
    }));
    const refused = await this.duplicateKeyFailures(writes);
    if (refused.length === 0) return true;
    // A duplicate key means the counter is full, or that its first upsert in this window raced
    // another one: the failed writes alone are tried once more, and fail again only if full.
    return (await this.duplicateKeyFailures(refused)).length === 0;
  }

  /** Runs the writes as one unordered bulk; returns those refused with a duplicate key. */
  private async duplicateKeyFailures(writes: readonly Write[]): Promise<Write[]> {
    try {
      await this.collection().bulkWrite([...writes], {
        ordered: false,
        writeConcern: COUNTER_WRITE_CONCERN,
      });
      return [];
    } catch (error) {
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
      const failed = ([] as mongo.WriteError[]).concat(error.writeErrors);
      if (failed.length === 0 || failed.some((e) => e.code !== DUPLICATE_KEY)) throw error;
      return failed.map((e) => writes[e.index]);
    }
  }

  /** The driver's collection, typed with the schema's string `_id`. */
  private collection(): mongo.Collection<RateLimitCounterRecord> {
    return this.model.db.collection<RateLimitCounterRecord>(RATE_LIMIT_COUNTER_COLLECTION);
  }
}
