import type { QueryFilter, Model, SortOrder, UpdateQuery } from 'mongoose';
import type { OutboxLeases } from './outbox-leases';
import { PENDING, type OutboxRecord } from './outbox-record';

/** How one outbox names its states and what its finished rows keep. */
export interface OutboxShape {
  /** The status of a row whose attempt succeeded, and of one given up (its dead letter). */
  readonly done: string;
  readonly dead: string;
  /** Every status that is given up: `dead`, and any other the outbox has (absent: `dead` alone). */
  readonly givenUp?: readonly string[];
  /** The order claims take due rows in. */
  readonly claimOrder: Readonly<Record<string, SortOrder>>;
  /** Fields a finished row no longer keeps (a sealed body). */
  readonly dropWhenFinished?: readonly string[];
  /** Whether a finished row records when it finished (`finishedAt`: FinishStampedOutboxRecord). */
  readonly stampFinished?: boolean;
  /** How long a row is kept past its give-up time, then the TTL index may remove it. */
  readonly keepMs: number;
}

/**
 * The shape of an outbox whose rows carry a sealed body (SealedBodyOutboxRecord): claimed by due
 * time, `dead` when given up, the body dropped once finished, and kept a day past the give-up time
 * (no body), then the TTL index may remove them. `done` names the outbox's success (`sent`,
 * `delivered`).
 */
export function sealedBodyOutbox(done: string): OutboxShape {
  return {
    done,
    dead: 'dead',
    claimOrder: { nextAttemptAt: 1 },
    dropWhenFinished: ['sealed'],
    stampFinished: true,
    keepMs: 24 * 3600 * 1000,
  };
}

/** The fields of a row just queued: due at once, leased by nobody, attempted never. */
export type FreshOutboxRow = Omit<OutboxRecord, '_id' | 'leaseOwner' | 'lastError'> & {
  readonly status: typeof PENDING;
};

/**
 * One durable outbox on one collection: the atomic claim, and the lease holder's records
 * (OutboxLeases). Every instance polls it; a row is claimed with one conditional update (a
 * lease), so that each is attempted by at most one instance at a time and, since an unreleased
 * lease runs out, at least once overall even if an instance dies mid-attempt. Nothing relies on
 * transactions or on TTL deletion: finished rows carry `expiresAt` for the TTL index to clean
 * up, and every query filters on status and times itself. Each outbox's repository keeps one,
 * its model and words passed in (the mail outbox, the back-channel logout outbox).
 */
export class MongoOutbox<R extends OutboxRecord> implements OutboxLeases {
  constructor(
    readonly model: Model<R>,
    readonly shape: OutboxShape,
  ) {}

  /** The statuses of given-up rows. */
  get givenUp(): readonly string[] {
    return this.shape.givenUp ?? [this.shape.dead];
  }

  /** A new row's fields, due at `now`, worth attempting until `giveUpAt`. */
  fresh(now: Date, giveUpAt: Date): FreshOutboxRow {
    return {
      status: PENDING,
      createdAt: now,
      giveUpAt,
      nextAttemptAt: now,
      leaseUntil: now,
      attempts: 0,
      expiresAt: new Date(giveUpAt.getTime() + this.shape.keepMs),
    };
  }

  /** Pending rows due at `now` and not leased (or whose lease ran out). */
  due(now: Date) {
    return { status: PENDING, nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } };
  }

  /**
   * Claims one due row (of those `only` also matches), leasing it to `owner` until `leaseUntil`
   * and counting the attempt; null when none is due. One atomic conditional update: of two
   * instances claiming at once, one gets the row; the other's filter no longer matches it (its
   * lease is in the future).
   */
  claim(only: QueryFilter<R>, owner: string, now: Date, leaseUntil: Date): Promise<R | null> {
    return this.model
      .findOneAndUpdate(
        { ...this.due(now), ...only } as QueryFilter<R>,
        { $set: { leaseUntil, leaseOwner: owner }, $inc: { attempts: 1 } },
        { sort: this.shape.claimOrder, returnDocument: 'after' },
      )
      .lean<R>()
      .exec();
  }

  complete(deliveryId: string, owner: string, now: Date): Promise<boolean> {
    return this.finish(deliveryId, owner, this.finished(this.shape.done, now), ['lastError']);
  }

  async scheduleRetry(
    deliveryId: string,
    owner: string,
    retryAt: Date,
    error: string,
  ): Promise<boolean> {
    return this.update(deliveryId, owner, {
      $set: { nextAttemptAt: retryAt, leaseUntil: retryAt, lastError: error },
    });
  }

  deadLetter(
    deliveryId: string,
    owner: string,
    now: Date,
    error: string,
    keepPayload = false,
  ): Promise<boolean> {
    return this.update(
      deliveryId,
      owner,
      this.finishing(
        { ...this.finished(this.shape.dead, now), lastError: error },
        [],
        keepPayload ? [] : this.shape.dropWhenFinished,
      ),
    );
  }

  /**
   * Drops the sealed payload of given-up rows whose give-up time has passed (those given up
   * before it keep theirs until then, for an operator's retry); resolves to how many.
   */
  async forgetSpentPayloads(now: Date): Promise<number> {
    const fields = this.shape.dropWhenFinished ?? [];
    if (fields.length === 0) return 0;
    const result = await this.model
      .updateMany(
        {
          status: { $in: this.givenUp },
          giveUpAt: { $lte: now },
          $or: fields.map((field) => ({ [field]: { $exists: true } })),
        } as QueryFilter<R>,
        { $unset: Object.fromEntries(fields.map((field) => [field, 1])) } as UpdateQuery<R>,
      )
      .exec();
    return result.modifiedCount;
  }

  /**
   * Dead-letters the pending rows (of those `only` also matches) whose give-up time was before
   * `before` and that nobody is attempting; resolves to how many. Each row's update is
   * conditional: an attempt that leased one meanwhile keeps it.
   */
  async giveUpOverdue(
    only: QueryFilter<R>,
    before: Date,
    now: Date,
    error?: string,
  ): Promise<number> {
    const result = await this.model
      .updateMany(
        {
          ...only,
          status: PENDING,
          giveUpAt: { $lte: before },
          leaseUntil: { $lte: now },
        } as QueryFilter<R>,
        this.finishing(
          { ...this.finished(this.shape.dead, now), ...(error ? { lastError: error } : {}) },
          [],
        ),
      )
      .exec();
    return result.modifiedCount;
  }

  private finished(status: string, now: Date): Record<string, unknown> {
    return { status, leaseUntil: now, ...(this.shape.stampFinished ? { finishedAt: now } : {}) };
  }

  private finish(
    deliveryId: string,
    owner: string,
    set: Record<string, unknown>,
    unset: readonly string[] = [],
  ): Promise<boolean> {
    return this.update(deliveryId, owner, this.finishing(set, unset));
  }

  /** `set`, and drops `unset` and the fields a finished row no longer keeps (`payload`). */
  private finishing(
    set: Record<string, unknown>,
    unset: readonly string[],
    payload: readonly string[] = this.shape.dropWhenFinished ?? [],
  ): UpdateQuery<R> {
    const dropped = [...payload, ...unset];
    return {
      $set: set,
      ...(dropped.length > 0
        ? { $unset: Object.fromEntries(dropped.map((field) => [field, 1])) }
        : {}),
    } as UpdateQuery<R>;
  }

  /** One conditional update of a row `owner` has leased and that is still pending. */
  private async update(
    deliveryId: string,
    owner: string,
    update: UpdateQuery<R>,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        {
          _id: { $eq: deliveryId },
          status: PENDING,
          leaseOwner: { $eq: owner },
        } as QueryFilter<R>,
        update,
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
