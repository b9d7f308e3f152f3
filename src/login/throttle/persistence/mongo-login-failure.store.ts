import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { CounterKey, FailureCounter, LoginFailureStore } from '../login-failure.store';
import { LOGIN_FAILURE_COLLECTION, LoginFailureRecord } from './login-failure.schema';
import { isDuplicateKey } from '../../../platform/database/duplicate-key';

type Write = mongo.AnyBulkWriteOperation<LoginFailureRecord>;

/**
 * The writes of a bulk that failed only on duplicate keys, to be tried again. Two upserts of one
 * new `_id` can race (MongoDB 4.2+ retries that itself; not every server does): the loser's
 * document exists by then, so the same write, tried again, updates it. Only the failed writes
 * are repeated, never one that counted already.
 */
function duplicateKeyRetries(error: unknown, writes: readonly Write[]): Write[] | undefined {
  if (!(error instanceof mongo.MongoBulkWriteError)) return undefined;
  const failed = ([] as mongo.WriteError[]).concat(error.writeErrors);
  if (failed.length === 0 || failed.some((e) => !isDuplicateKey(e))) return undefined;
  return failed.map((e) => writes[e.index]);
}

@Injectable()
export class MongoLoginFailureStore extends LoginFailureStore {
  constructor(
    @InjectModel(LoginFailureRecord.name) private readonly model: Model<LoginFailureRecord>,
  ) {
    super();
  }

  async read(ids: readonly string[], now: Date): Promise<ReadonlyMap<string, FailureCounter>> {
    const records = await this.model
      .find({ _id: { $in: [...ids] }, expiresAt: { $gt: now } })
      .lean<LoginFailureRecord[]>()
      .exec();
    return new Map(records.map((record) => [record._id, record]));
  }

  async addFailure(counters: readonly CounterKey[], at: Date): Promise<void> {
    await this.write(
      counters.map(({ id, expiresAt }) => ({
        updateOne: {
          filter: { _id: id },
          update: {
            $inc: { failures: 1 },
            $set: { lastFailureAt: at },
            $setOnInsert: { expiresAt },
          },
          upsert: true,
        },
      })),
    );
  }

  async recordSuccess(reset: string, keep: CounterKey): Promise<void> {
    // Both writes are updates, so the bulk is one `update` command: a delete beside them would be
    // a command of its own (the driver sends each kind of write apart). A counter with no
    // failures and no last failure counts as none, as an absent one does, and keeps its window's
    // expiry for the failures that may follow.
    await this.write([
      {
        updateOne: {
          filter: { _id: reset },
          update: { $set: { failures: 0 }, $unset: { lastFailureAt: '' } },
        },
      },
      {
        updateOne: {
          filter: { _id: keep.id },
          update: { $set: { expiresAt: keep.expiresAt }, $setOnInsert: { failures: 0 } },
          upsert: true,
        },
      },
    ]);
  }

  /** The driver's collection, typed with the schema's string `_id`. */
  private collection(): mongo.Collection<LoginFailureRecord> {
    return this.model.db.collection<LoginFailureRecord>(LOGIN_FAILURE_COLLECTION);
  }

  /** One round trip (two only after a duplicate-key race). */
  private async write(writes: Write[]): Promise<void> {
    try {
      await this.collection().bulkWrite(writes, { ordered: false });
    } catch (error) {
      const retries = duplicateKeyRetries(error, writes);
      if (!retries) throw error;
      await this.collection().bulkWrite(retries, { ordered: false });
    }
  }
}
