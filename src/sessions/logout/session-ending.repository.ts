import type { SessionEnding } from './session-ending';

/**
 * The durable record of login sessions being ended (see SessionEnding). Like the logout outbox,
 * it relies on single-document atomic writes only: no transaction, no TTL deletion.
 */
export abstract class SessionEndingRepository {
  /**
   * Records that the session is ending, leased to `owner` until `leaseUntil`; true if this call
   * recorded it, false if it was already (another request or instance is ending it, or did).
   */
  abstract begin(
    ending: SessionEnding,
    owner: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<boolean>;

  /**
   * Claims one unfinished ending whose lease ran out at `now` (its instance died or stalled),
   * leasing it to `owner` until `leaseUntil`; null when there is none.
   */
  abstract claimAbandoned(
    owner: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<SessionEnding | null>;

  /** Marks the ending finished (idempotent); the record stays, without the session's id hash. */
  abstract finish(sid: string, now: Date): Promise<void>;

  /** True if a session with this `sid` has begun ending (finished or not). */
  abstract hasBegun(sid: string): Promise<boolean>;
}
