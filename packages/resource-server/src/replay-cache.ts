/**
 * Where the `jti`s of accepted DPoP proofs are recorded (RFC 9449 §11.1), so that a second use is
 * refused. `recordOnce` answers true the first time a key is recorded within its lifetime and
 * false for a replay, atomically: two concurrent calls with one key never both get true. The
 * default is ReplayCache, in this process's memory; an API of several instances passes a store
 * they share (a database's unique insert, Redis `SET NX PX`), so that a proof replayed at another
 * instance is refused too.
 */
export interface ReplayStore {
  recordOnce(key: string, nowMs: number, lifetimeMs: number): boolean | Promise<boolean>;
}

/**
 * RFC 9449 §11.1: the `jti` of each DPoP proof accepted, remembered for as long as the proof
 * could be accepted, so a second use is refused. Bounded: at most `capacity` entries, expired ones
 * dropped first; when it is full of live ones, the oldest goes (it is the nearest to expiry, all
 * entries living equally long). One process only: behind several instances, a proof replayed at
 * another instance is not seen (a shared ReplayStore, `dpop.replays`, closes that window).
 */
export class ReplayCache implements ReplayStore {
  /** Key -> expiry (ms), in insertion order, which is expiry order for one lifetime. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError('The replay cache needs a capacity of at least 1');
    }
  }

  /** Records `key` at `nowMs` for `lifetimeMs`: true the first time, false for a replay. */
  recordOnce(key: string, nowMs: number, lifetimeMs: number): boolean {
    this.dropExpired(nowMs);
    const expiry = this.entries.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(key);
    this.entries.set(key, nowMs + lifetimeMs);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private dropExpired(nowMs: number): void {
    for (const [key, expiry] of this.entries) {
      if (expiry > nowMs) return;
      this.entries.delete(key);
    }
  }
}
