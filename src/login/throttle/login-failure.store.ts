/** A failure counter as stored: one document per key, counted with `$inc`. */
export interface FailureCounter {
  readonly failures: number;
  /** The most recent failure (absent on a marker that counts nothing). */
  readonly lastFailureAt?: Date;
  readonly expiresAt: Date;
}

/** A counter to write, and when it may be forgotten (a TTL index cleans it up). */
export interface CounterKey {
  readonly id: string;
  readonly expiresAt: Date;
}

/**
 * Where login failure counters live: shared by every instance, so limits hold across a fleet.
 * Each call is one round trip; writes filter on `_id` only.
 */
export abstract class LoginFailureStore {
  /** The counters among `ids` that have not expired at `now`. */
  abstract read(ids: readonly string[], now: Date): Promise<ReadonlyMap<string, FailureCounter>>;

  /** Adds one failure at `at` to each counter, creating it with its expiry when absent. */
  abstract addFailure(counters: readonly CounterKey[], at: Date): Promise<void>;

  /** Resets counter `reset` to no failures, and creates or extends the marker `keep` (a success). */
  abstract recordSuccess(reset: string, keep: CounterKey): Promise<void>;
}
