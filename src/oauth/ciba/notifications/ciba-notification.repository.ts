import type { OutboxLeases } from '../../../platform/outbox/outbox-leases';
import type { CibaNotification, CibaNotificationKind } from './ciba-notification';

/** A row to record: its content sealed for its id. */
export interface NewCibaNotification {
  readonly deliveryId: string;
  readonly kind: CibaNotificationKind;
  readonly clientId: string;
  readonly sealed: string;
  /** The request's expiry: past it nobody needs the notification. */
  readonly giveUpAt: Date;
}

/**
 * The CIBA outbox, a durable outbox (MongoOutbox: one lease per attempt, at least once, nothing
 * relying on transactions or TTL deletion). A row ends `delivered` or `dead`, its sealed content
 * dropped either way.
 */
export abstract class CibaNotificationRepository {
  abstract readonly leases: OutboxLeases;

  /** Records the row, due at `now`; a row of the same id already recorded is left as it is. */
  abstract enqueue(row: NewCibaNotification, now: Date): Promise<void>;

  /** Claims one due row, leased to `owner` until `leaseUntil`; null when none is due. */
  abstract claimDue(owner: string, now: Date, leaseUntil: Date): Promise<CibaNotification | null>;

  /** Dead-letters pending rows past their give-up time that nobody attempts; how many. */
  abstract giveUpOverdue(before: Date, now: Date): Promise<number>;
}
