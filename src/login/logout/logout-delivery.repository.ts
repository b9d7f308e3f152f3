import type { LogoutDelivery, NewLogoutDelivery } from './logout-delivery';

/**
 * The back-channel logout outbox. Every instance polls it; a delivery is claimed with one atomic
 * conditional update (a lease), so that each is attempted by at most one instance at a time and,
 * since an unreleased lease runs out, at least once overall even if an instance dies mid-attempt.
 * Nothing relies on transactions or on TTL deletion: finished rows carry `expiresAt` for the TTL
 * index to clean up, and every query filters on status and times itself.
 */
export abstract class LogoutDeliveryRepository {
  /**
   * Records deliveries due at once (`now`), to be retried until `giveUpAt`. Idempotent: a
   * delivery of the same session (`sid`) to the same client already recorded is left as it is.
   */
  abstract enqueue(
    deliveries: readonly NewLogoutDelivery[],
    now: Date,
    giveUpAt: Date,
  ): Promise<void>;

  /**
   * Claims one pending delivery that is due at `now` and not leased (or whose lease ran out),
   * leasing it to `owner` until `leaseUntil` and counting the attempt; null when none is due.
   */
  abstract claimDue(owner: string, now: Date, leaseUntil: Date): Promise<LogoutDelivery | null>;

  /** Marks the delivery done, if `owner` still holds its lease; true if this call did. */
  abstract markDelivered(deliveryId: string, owner: string, now: Date): Promise<boolean>;

  /** Releases `owner`'s lease and makes the delivery due again at `retryAt`. */
  abstract scheduleRetry(
    deliveryId: string,
    owner: string,
    retryAt: Date,
    error: string,
  ): Promise<boolean>;

  /** Gives the delivery up for good (its retry time is over), if `owner` holds its lease. */
  abstract markFailed(
    deliveryId: string,
    owner: string,
    now: Date,
    error: string,
  ): Promise<boolean>;
}
