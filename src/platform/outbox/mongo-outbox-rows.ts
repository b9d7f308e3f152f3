import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { MongoOutbox } from './mongo-outbox';
import { PENDING, type OutboxRecord } from './outbox-record';
import {
  type GiveUpRead,
  outboxStateOf,
  type OutboxPosition,
  type OutboxRow,
  type OutboxRows,
  type OutboxState,
} from './outbox-rows';

/**
 * An outbox's rows for its operator (OutboxRows) on its MongoOutbox. `target` maps a row to what
 * may be shown of where it goes; nothing here reads or opens a sealed payload, it only asks
 * whether the row still has one.
 */
export class MongoOutboxRows<
  R extends OutboxRecord & { status: string },
  Target,
> implements OutboxRows<Target> {
  constructor(
    private readonly outbox: MongoOutbox<R>,
    private readonly target: (record: R) => Target,
  ) {}

  async page(
    state: OutboxState | undefined,
    { after, limit }: { readonly after?: OutboxPosition; readonly limit: number },
  ): Promise<OutboxRow<Target>[]> {
    const records = await this.outbox.model
      .find({
        ...this.inState(state),
        ...(after === undefined ? {} : afterPosition(after)),
      } as QueryFilter<R>)
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<R[]>()
      .exec();
    return records.map((record) => this.rowOf(record));
  }

  async find(id: string): Promise<OutboxRow<Target> | null> {
    const record = await this.outbox.model
      .findOne({ _id: { $eq: id } } as QueryFilter<R>)
      .lean<R>()
      .exec();
    return record ? this.rowOf(record) : null;
  }

  async retry(
    id: string,
    now: Date,
    renewedGiveUpAt?: Date,
    read?: GiveUpRead,
  ): Promise<OutboxRow<Target> | null> {
    const record = await this.outbox.model
      .findOneAndUpdate(
        {
          _id: { $eq: id },
          ...this.retryable(now, renewedGiveUpAt),
          ...(read === undefined ? {} : this.giveUp(read)),
        } as QueryFilter<R>,
        this.retried(now, renewedGiveUpAt),
        { returnDocument: 'after' },
      )
      .lean<R>()
      .exec();
    return record ? this.rowOf(record) : null;
  }

  async retryAll(now: Date, renewedGiveUpAt?: Date): Promise<number> {
    const result = await this.outbox.model
      .updateMany(
        this.retryable(now, renewedGiveUpAt) as QueryFilter<R>,
        this.retried(now, renewedGiveUpAt),
      )
      .exec();
    return result.modifiedCount;
  }

  async countNotRetryable(now: Date, renewedGiveUpAt?: Date): Promise<number> {
    if (renewedGiveUpAt !== undefined) return 0;
    return this.outbox.model
      .countDocuments({
        status: { $in: this.outbox.givenUp },
        $or: [
          { giveUpAt: { $lte: now } },
          ...this.payloadFields().map((field) => ({ [field]: { $exists: false } })),
        ],
      } as QueryFilter<R>)
      .exec();
  }

  /** The filter of the rows in `state` (absent: every unfinished row). */
  private inState(state: OutboxState | undefined): Record<string, unknown> {
    switch (state) {
      case 'pending':
        return { status: PENDING, lastError: { $exists: false } };
      case 'retrying':
        return { status: PENDING, lastError: { $exists: true } };
      case 'given_up':
        return { status: { $in: this.outbox.givenUp } };
      case undefined:
        return { status: { $in: [PENDING, ...this.outbox.givenUp] } };
    }
  }

  /**
   * The given-up rows a retry takes: with a renewed give-up time, every one; else those still
   * before their own give-up time and holding their payload (retryRefusal says it in words).
   */
  private retryable(now: Date, renewedGiveUpAt: Date | undefined): Record<string, unknown> {
    return {
      status: { $in: this.outbox.givenUp },
      ...(renewedGiveUpAt !== undefined
        ? {}
        : {
            giveUpAt: { $gt: now },
            ...Object.fromEntries(this.payloadFields().map((field) => [field, { $exists: true }])),
          }),
    };
  }

  /**
   * The filter of the give-up `read` saw: its attempts, and when it was given up as rowOf reads
   * it (the finish stamp of an outbox that keeps one, else the lease its finish set). A retry
   * changes both (attempts from zero, a new lease); a later give-up has later ones.
   */
  private giveUp(read: GiveUpRead): Record<string, unknown> {
    const at = read.givenUpAt ?? null;
    return {
      attempts: read.attempts,
      ...(this.outbox.shape.stampFinished
        ? { $or: [{ finishedAt: at }, { finishedAt: { $exists: false }, leaseUntil: at }] }
        : { leaseUntil: at }),
    };
  }

  /** Back to pending, due at once, attempted never, nobody's lease, no failure on record. */
  private retried(now: Date, renewedGiveUpAt: Date | undefined): UpdateQuery<R> {
    return {
      $set: {
        status: PENDING,
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: now,
        ...(renewedGiveUpAt === undefined
          ? {}
          : {
              giveUpAt: renewedGiveUpAt,
              expiresAt: new Date(renewedGiveUpAt.getTime() + this.outbox.shape.keepMs),
            }),
      },
      $unset: {
        lastError: 1,
        leaseOwner: 1,
        ...(this.outbox.shape.stampFinished ? { finishedAt: 1 } : {}),
      },
    };
  }

  private payloadFields(): readonly string[] {
    return this.outbox.shape.dropWhenFinished ?? [];
  }

  private rowOf(record: R): OutboxRow<Target> {
    const state = outboxStateOf(record, this.outbox.givenUp);
    const finishedAt = (record as { finishedAt?: Date }).finishedAt;
    const fields = record as unknown as Record<string, unknown>;
    return {
      id: record._id,
      state,
      status: record.status,
      target: this.target(record),
      attempts: record.attempts,
      ...(record.lastError ? { lastError: record.lastError } : {}),
      createdAt: record.createdAt,
      nextAttemptAt: record.nextAttemptAt,
      giveUpAt: record.giveUpAt,
      // A finished row's lease is set to when it finished; the sealed outboxes stamp it too.
      ...(state === 'given_up' ? { givenUpAt: finishedAt ?? record.leaseUntil } : {}),
      holdsPayload: this.payloadFields().every((field) => fields[field] !== undefined),
    };
  }
}

/** Rows after `after` in queue order (created, then id): keyset pagination. */
function afterPosition(after: OutboxPosition): Record<string, unknown> {
  return {
    $or: [
      { createdAt: { $gt: after.createdAt } },
      { createdAt: after.createdAt, _id: { $gt: after.id } },
    ],
  };
}
