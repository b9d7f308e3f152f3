import type { OutboxLeases } from '../../platform/outbox/outbox-leases';
import type { OutboxRows } from '../../platform/outbox/outbox-rows';
import type { DeliveryLane, LogoutDelivery, NewLogoutDelivery } from './logout-delivery';
import type { HostState } from './logout-delivery.lanes';

/**
 * Where a delivery goes, as an operator may see it: the client and the ended session's `sid`
 * (the logout token itself is signed at each attempt and never stored).
 */
export interface LogoutDeliveryTarget {
  readonly clientId: string;
  readonly sid: string;
}

/** A delivery leased to one instance for one attempt. */
export interface ClaimedDelivery {
  readonly delivery: LogoutDelivery;
  readonly lane: DeliveryLane;
  /**
   * Self-registered lane: timed-out attempts in a row at the delivery's host before this one
   * (its circuit breaker, shared by the instances); 0 in the operator's lane.
   */
  readonly hostTimeouts: number;
}

/**
 * The back-channel logout outbox, a durable outbox (MongoOutbox: one lease per attempt, at least
 * once, nothing relying on transactions or TTL deletion), with a lane per kind of client. A
 * delivery ends `delivered`, `failed` (its dead letter) or `dropped`.
 */
export abstract class LogoutDeliveryRepository {
  /** What the lease holder records after an attempt: delivered, due again, or failed. */
  abstract readonly leases: OutboxLeases;

  /** The rows for an operator (`failed` and `dropped` are given up): never the logout token. */
  abstract readonly rows: OutboxRows<LogoutDeliveryTarget>;

  /**
   * Records deliveries due at once (`now`), to be retried until `giveUpAt`, each in its client's
   * lane. Idempotent: a delivery of the same session (`sid`) to the same client already recorded
   * is left as it is.
   */
  abstract enqueue(
    deliveries: readonly NewLogoutDelivery[],
    now: Date,
    giveUpAt: Date,
  ): Promise<void>;

  /**
   * Claims one pending delivery of `lane` that is due at `now` and not leased (or whose lease ran
   * out), leasing it to `owner` until `leaseUntil` and counting the attempt; null when none is
   * due. First attempts before retries, then the longest due first. In the self-registered lane,
   * also: at most one attempt in flight per client and per host across every instance (a hold
   * on each, leased with the delivery), and none at a host in its backoff.
   */
  abstract claimDue(
    lane: DeliveryLane,
    owner: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<ClaimedDelivery | null>;

  /**
   * After the attempt of `claimed` (its row recorded): lets its client and host be attempted
   * again, the host in `host`'s state (its backoff, if the attempt timed out). Nothing to do in
   * the operator's lane.
   */
  abstract release(
    claimed: ClaimedDelivery,
    owner: string,
    now: Date,
    host: HostState,
  ): Promise<void>;

  /**
   * Keeps the `keep` newest pending deliveries of `clientId` and drops the rest (status
   * `dropped`, never attempted again); resolves to how many this dropped.
   */
  abstract keepNewest(clientId: string, keep: number, now: Date): Promise<number>;

  /**
   * Gives up pending deliveries of a lane whose give-up time was before `before` and that nobody
   * is attempting (their host stayed in backoff past it, or every worker was busy); resolves to
   * how many, per lane (a row not yet in a lane waits for assignLanes).
   */
  abstract giveUpOverdue(before: Date, now: Date): Promise<Readonly<Record<DeliveryLane, number>>>;

  /**
   * Puts pending rows queued by an instance of a version without lanes into their lane (at most
   * `limit` of them); resolves to how many. Until then no lane's claim sees them.
   */
  abstract assignLanes(limit: number): Promise<number>;
}
