import type { WindowCounter } from '../rate-limit.store';

/** A lease is at most this share of its counter's limit (1/20: 15 of 300, 30 capped of 600). */
const LEASE_SHARE = 20;
/**
 * Counters remembered, leased or full, at most. Past it they are all forgotten: a lease forgotten
 * is counts never used (stricter, never looser), a full counter forgotten one more write.
 */
const MAX_REMEMBERED = 10_000;

/** What this instance knows of a counter without asking the database. */
export type LocalCount = 'leased' | 'full' | 'unknown';

/**
 * Counts this instance took from shared counters ahead of its requests, and the counters it
 * found full. A counter's document only ever grows within its window (its `_id` names the
 * window), so both stay true until the window ends: a leased count was counted in the database
 * when it was taken, so giving it to a request later lets no more through than the limit; a
 * full counter stays full. Across a fleet, counts leased by one instance and not used in the
 * window are counts the others never get: each other instance may be refused up to a lease
 * early, never let through past the limit.
 */
export class CounterLeases {
  private readonly held = new Map<string, number>();
  private readonly full = new Set<string>();

  /** `maxLease`: RATE_LIMIT_LEASE, the most counts taken in one write (1: no lease). */
  constructor(private readonly maxLease: number) {}

  /**
   * Counts one request against `counter` if this instance can say so alone: `leased` (one of its
   * counts given to the request), `full` (refused), else `unknown` (the database must count it).
   */
  take(counter: WindowCounter): LocalCount {
    if (this.full.has(counter.id)) return 'full';
    const held = this.held.get(counter.id);
    if (held === undefined) return 'unknown';
    if (held <= 1) this.held.delete(counter.id);
    else this.held.set(counter.id, held - 1);
    return 'leased';
  }

  /**
   * The counts to take beyond `requests` in the write that counts them: up to a lease less the
   * one the first request uses, without asking for more than the limit holds.
   */
  extraFor(counter: WindowCounter, requests: number): number {
    const lease = Math.min(this.maxLease, Math.floor(counter.limit / LEASE_SHARE));
    return Math.max(0, Math.min(lease - 1, counter.limit - requests));
  }

  /** Keeps `counts` taken in the database for the next requests of the counter's window. */
  keep(counter: WindowCounter, counts: number): void {
    if (counts <= 0) return;
    this.makeRoom();
    this.held.set(counter.id, (this.held.get(counter.id) ?? 0) + counts);
  }

  /** Remembers that the counter refused a request: it refuses every other until its window ends. */
  markFull(counter: WindowCounter): void {
    this.held.delete(counter.id);
    this.makeRoom();
    this.full.add(counter.id);
  }

  private makeRoom(): void {
    if (this.held.size + this.full.size < MAX_REMEMBERED) return;
    this.held.clear();
    this.full.clear();
  }
}
