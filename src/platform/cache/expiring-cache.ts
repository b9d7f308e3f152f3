/**
 * An in-memory map whose entries expire at a time the caller gives (from its `Clock`, so tests
 * can move time), holding at most `maxEntries` and, when the caller weighs its entries (their
 * bytes), at most `maxWeight` in all: when full, the oldest entries make room.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  /** The value, when present and not expired at `nowMs`. */
  get(key: K, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` until `expiresAt`; one heavier than `maxWeight` alone is not kept at all. */
  set(key: K, value: V, expiresAt: number, weight = 0): void {
    // Re-inserted at the end: Map keeps insertion order, so the first key is the oldest write.
    this.delete(key);
    if (weight > this.maxWeight) return;
    while (
      this.entries.size > 0 &&
      (this.entries.size >= this.maxEntries || this.weight + weight > this.maxWeight)
    ) {
      this.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt, weight });
    this.weight += weight;
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }
}
