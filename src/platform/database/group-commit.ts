import { mongo } from 'mongoose';
import { TurnBatcher, type ItemOutcome } from './turn-batcher';

/**
 * Group commit for independent writes to one collection. Writes asked for in the same turn of
 * the event loop leave together in one unordered `bulkWrite` (see `TurnBatcher`): one command,
 * acknowledged with the given write concern, for many writes. Each caller learns its
 * own write's outcome: resolved once the command is acknowledged, rejected with its own write
 * error (a duplicate key, say), or with the command's error when the command itself failed or its
 * write concern was not satisfied (then no write of the batch counts as acknowledged).
 *
 * Under load the per-command cost (driver, wire, server) is paid once per batch instead of once
 * per write; a lone write is a batch of one and costs what a single `updateOne` does. The
 * driver's retryable writes apply to the bulk as to any write, so each write must be safe to
 * apply twice (an upsert that sets fields, for instance).
 */
export class GroupCommit<T extends mongo.Document> {
  private readonly batches = new TurnBatcher<mongo.AnyBulkWriteOperation<T>, void>((writes) =>
    this.send(writes),
  );

  constructor(
    private readonly collection: mongo.Collection<T>,
    private readonly options: mongo.BulkWriteOptions,
  ) {}

  write(write: mongo.AnyBulkWriteOperation<T>): Promise<void> {
    return this.batches.add(write);
  }

  private async send(
    writes: readonly mongo.AnyBulkWriteOperation<T>[],
  ): Promise<ItemOutcome<void>[]> {
    try {
      await this.collection.bulkWrite([...writes], { ...this.options, ordered: false });
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) throw unwrapped(error);
      return writes.map((_, i) => {
        const own = failed.get(i);
        return own ? { error: own } : { value: undefined };
      });
    }
    return writes.map(() => ({ value: undefined }));
  }
}

/**
 * The per-write errors of a bulk that failed only write by write (no write concern error), by
 * index, each as the error a single write would have thrown; undefined for any other failure.
 */
function writeErrorsOf(error: unknown): Map<number, mongo.MongoServerError> | undefined {
  if (!(error instanceof mongo.MongoBulkWriteError)) return undefined;
  const result = error.result as mongo.BulkWriteResult | undefined;
  if (!result || result.getWriteConcernError()) return undefined;
  const errors = ([] as mongo.WriteError[]).concat(error.writeErrors);
  if (errors.length === 0) return undefined;
  return new Map(
    errors.map((e) => [e.index, new mongo.MongoServerError({ code: e.code, errmsg: e.errmsg })]),
  );
}

/**
 * The error a single write would have thrown. When a bulk fails as a whole for a driver-level
 * reason (the connection closed, no server could be selected), the driver wraps that error in a
 * MongoBulkWriteError with no write errors and no code, losing its class; the error filter, which
 * answers 503 for an unreachable database and 500 for anything unexpected, needs it back. A wrapped
 * server error keeps its code and stays as it is.
 */
function unwrapped(error: unknown): unknown {
  if (
    error instanceof mongo.MongoBulkWriteError &&
    error.code === undefined &&
    ([] as mongo.WriteError[]).concat(error.writeErrors).length === 0
  ) {
    return new mongo.MongoNetworkError(error.message, { cause: error });
  }
  return error;
}
