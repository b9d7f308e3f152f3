/**
 * Collapses concurrent calls with the same key into one: while a call for a key is in flight,
 * later callers get its promise instead of starting the work again. Nothing is kept once it
 * settles (caching the result is the caller's choice), so a failure is not remembered either.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  run(key: K, work: () => Promise<V>): Promise<V> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
