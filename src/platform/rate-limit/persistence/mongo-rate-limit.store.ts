import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { ensureIndexes } from '../../database/ensure-indexes';
import { RateLimitStore, WindowCounter } from '../rate-limit.store';
import { RATE_LIMIT_COUNTER_COLLECTION, RateLimitCounterRecord } from './rate-limit-counter.schema';

/** One statement of an `update` command. */
interface CounterUpdate {
  readonly q: mongo.Document;
  readonly u: mongo.Document;
  readonly upsert: true;
}

/** The part of an `update` command's reply that says which statements failed. */
interface UpdateReply {
  readonly writeErrors?: readonly { index: number; code: number; errmsg?: string }[];
  readonly writeConcernError?: { code: number; errmsg: string };
}

/** A failure the driver would retry a write after (a failover, a dropped connection). */
function retryable(error: unknown): boolean {
  return (
    error instanceof mongo.MongoNetworkError ||
    (error instanceof mongo.MongoError && error.hasErrorLabel('RetryableWriteError'))
  );
}

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
 * Several counters (per IP and per client or address): one unordered `update` command of upserts.
 * It returns no documents, so each write carries its limit: `{ _id, count: { $lt: limit } }`.
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
    const writes: CounterUpdate[] = counters.map(({ id, limit, expiresAt }) => ({
      q: { _id: id, count: { $lt: limit } },
      u: { $inc: { count: 1 }, $setOnInsert: { expireAt: expiresAt } },
      upsert: true,
    }));
    const refused = await this.duplicateKeyFailures(writes);
    if (refused.length === 0) return true;
    // A duplicate key means the counter is full, or that its first upsert in this window raced
    // another one: the failed writes alone are tried once more, and fail again only if full.
    return (await this.duplicateKeyFailures(refused)).length === 0;
  }

  /**
   * Sends the writes as one unordered `update` command; returns those refused with a duplicate
   * key. The command itself rather than `bulkWrite`: the driver's bulk API builds batches and
   * merges results for any mix of operations, about 150 µs of CPU on every limited request, for
   * what is here always one command of a few upserts. The command is the one `bulkWrite` sent.
   */
  private async duplicateKeyFailures(writes: readonly CounterUpdate[]): Promise<CounterUpdate[]> {
    const command = {
      update: RATE_LIMIT_COUNTER_COLLECTION,
      updates: writes,
      ordered: false,
      writeConcern: COUNTER_WRITE_CONCERN,
    };
    let reply: UpdateReply;
    try {
      reply = await this.database().command(command);
    } catch (error) {
      // The driver retries a bulk's upserts once after a failover (retryable writes); so does
      // this. A count the first attempt made before failing may be counted twice: a limit
      // slightly stricter for one window, never looser.
      if (!retryable(error)) throw error;
      reply = await this.database().command(command);
    }
    const failed = reply.writeErrors ?? [];
    if (failed.some((e) => e.code !== DUPLICATE_KEY)) {
      throw new mongo.MongoServerError({ ...failed[0], errmsg: failed[0].errmsg });
    }
    if (reply.writeConcernError) {
      throw new mongo.MongoServerError({ ...reply.writeConcernError });
    }
    return failed.map((e) => writes[e.index]);
  }

  private database(): mongo.Db {
    const db = this.model.db.db;
    if (!db) throw new mongo.MongoNotConnectedError('Not connected to the database');
    return db;
  }

  /** The driver's collection, typed with the schema's string `_id`. */
  private collection(): mongo.Collection<RateLimitCounterRecord> {
    return this.model.db.collection<RateLimitCounterRecord>(RATE_LIMIT_COUNTER_COLLECTION);
  }
}
