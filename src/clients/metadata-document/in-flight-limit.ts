/** Gives back a slot taken from an `InFlightLimit`; calling it again does nothing. */
export type Release = () => void;

/**
 * At most `limit` pieces of work in flight per key (a client address, a host). A key is held
 * only while it has work in flight, so the map never holds more keys than there is work under
 * way: nothing to expire, nothing an idle caller leaves behind.
 */
export class InFlightLimit<K> {
  private readonly counts = new Map<K, number>();

  constructor(readonly limit: number) {}

  /** A slot for `key`, or undefined when `limit` are taken; give it back with the release. */
  tryAcquire(key: K): Release | undefined {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left === 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  /** Work in flight for `key`. */
  inFlight(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with work in flight (what the map holds). */
  get size(): number {
    return this.counts.size;
  }
}
