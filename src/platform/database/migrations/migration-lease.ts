import type { mongo } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { SINGLE_USE_WRITE } from '../single-use';
import {
  MIGRATION_LEASE_ID,
  type MigrationLeaseRecord,
  dataVersionCollection,
} from './data-version';

/**
 * The lease one instance holds while it runs the migrations: a document with its holder and an
 * expiry, taken by one atomic upsert whose filter matches only a lease that is the holder's own
 * or has expired, so that of the instances starting together one gets it and the others' upserts
 * meet its `_id` (a duplicate key). No transaction, and no TTL deletion: an expired lease is one
 * whose `expiresAt` has passed, by the taker's clock, whether or not anything deleted it. The
 * holder renews it while a migration runs, so a long one keeps it on a real replica set too.
 */
export class MigrationLease {
  private readonly leases: mongo.Collection<MigrationLeaseRecord>;

  constructor(
    db: mongo.Db,
    readonly holder: string,
    private readonly seconds: number,
    private readonly now: () => Date,
  ) {
    this.leases = dataVersionCollection(db) as unknown as mongo.Collection<MigrationLeaseRecord>;
  }

  /** Takes the lease if it is free, expired or already this holder's; false if another holds it. */
  async take(): Promise<boolean> {
    const now = this.now();
    try {
      await this.leases.findOneAndUpdate(
        {
          _id: MIGRATION_LEASE_ID,
          $or: [{ holder: this.holder }, { expiresAt: { $lte: now } }],
        },
        { $set: { holder: this.holder, takenAt: now, expiresAt: this.expiryFrom(now) } },
        { upsert: true, ...SINGLE_USE_WRITE },
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Moves the expiry on; false when the lease is no longer this holder's. */
  async renew(): Promise<boolean> {
    const now = this.now();
    const result = await this.leases.updateOne(
      { _id: MIGRATION_LEASE_ID, holder: this.holder, expiresAt: { $gt: now } },
      { $set: { expiresAt: this.expiryFrom(now) } },
      SINGLE_USE_WRITE,
    );
    return result.matchedCount === 1;
  }

  /** Gives the lease up (if still this holder's), so that a waiting instance need not wait out its expiry. */
  async release(): Promise<void> {
    await this.leases.deleteOne({ _id: MIGRATION_LEASE_ID, holder: this.holder }, SINGLE_USE_WRITE);
  }

  /**
   * Renews the lease every third of its length until the returned function is called; `lost` is
   * called once if a renewal finds it another's (the holder then records nothing more).
   */
  keepRenewed(lost: () => void): () => void {
    let stopped = false;
    const timer = setInterval(
      () => {
        void this.renew().then(
          (held) => {
            if (!held && !stopped) {
              stopped = true;
              clearInterval(timer);
              lost();
            }
          },
          // A renewal that failed (the database away a moment) is tried again at the next tick;
          // the lease lasts three of them.
          () => undefined,
        );
      },
      Math.max(100, (this.seconds * 1000) / 3),
    );
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.seconds * 1000);
  }
}
