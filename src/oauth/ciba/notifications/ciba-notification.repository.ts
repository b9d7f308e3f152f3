import type { OutboxLeases } from '../../../platform/outbox/outbox-leases';
import type { OutboxRows } from '../../../platform/outbox/outbox-rows';
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
 * Where a CIBA notification goes, as an operator may see it: its kind and the client whose
 * request it is about. Never the auth_req_id, the client's notification token nor the account
 * (all sealed in the row).
 */
export interface CibaNotificationTarget {
  readonly kind: CibaNotificationKind;
  readonly clientId: string;
}

/**
 * The CIBA outbox, a durable outbox (MongoOutbox: one lease per attempt, at least once, nothing
 * relying on transactions or TTL deletion). A row ends `delivered` or `dead`, its sealed content
 * dropped either way (a row refused for good before its request expired keeps it until then, for
 * an operator's retry: forgetSpent).
 */
export abstract class CibaNotificationRepository {
  abstract readonly leases: OutboxLeases;

  /** The rows for an operator: never their sealed content. */
  abstract readonly rows: OutboxRows<CibaNotificationTarget>;

  /** Drops the sealed content of dead rows past their request's expiry; how many. */
  abstract forgetSpent(now: Date): Promise<number>;

  /** Records the row, due at `now`; a row of the same id already recorded is left as it is. */
  abstract enqueue(row: NewCibaNotification, now: Date): Promise<void>;

  /** Claims one due row, leased to `owner` until `leaseUntil`; null when none is due. */
  abstract claimDue(owner: string, now: Date, leaseUntil: Date): Promise<CibaNotification | null>;

  /** Dead-letters pending rows past their give-up time that nobody attempts; how many. */
  abstract giveUpOverdue(before: Date, now: Date): Promise<number>;
}
