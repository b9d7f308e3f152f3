/** One fixed-window counter a request is counted against. */
export interface WindowCounter {
  /** Keyed hash of the limit's name, the key it counts (an IP, a client id) and the window start. */
  readonly id: string;
  readonly limit: number;
  /** The window's end: the counter is worthless after it (a TTL index cleans it up). */
  readonly expiresAt: Date;
}

/**
 * Where rate-limit counters live. `mongo` is shared by every instance, so a fleet allows the
 * configured rate, not N times it; `memory` counts per instance (one instance only).
 */
export abstract class RateLimitStore {
  /**
   * Counts one request against every counter, in one database round trip. False when any counter
   * had already reached its limit in this window. Throws when the store cannot be reached.
   */
  abstract hit(counters: readonly WindowCounter[]): Promise<boolean>;
}
