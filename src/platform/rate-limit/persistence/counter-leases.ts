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
  /** Counters for which a write of this instance asking for a lease is under way. */
  private readonly leasing = new Set<string>();

  /** `maxLease`: RATE_LIMIT_LEASE, the most counts taken in one write (1: no lease). */
  constructor(private readonly maxLease: number) {}

  /**
   * Counts one request against `counter` if this instance can say so alone: `leased` (one of its
   * counts given to the request), `full` (refused), else `unknown` (the database must count it).
   * A count held is given even when the counter was since found full: it was counted when taken.
   */
  take(counter: WindowCounter): LocalCount {
    const held = this.held.get(counter.id);
    if (held === undefined) return this.full.has(counter.id) ? 'full' : 'unknown';
    if (held <= 1) this.held.delete(counter.id);
    else this.held.set(counter.id, held - 1);
    return 'leased';
  }

  /**
   * The counts to take beyond `requests` in the write that counts them: up to a lease less the
   * one the first request uses, without asking for more than the limit holds. None while another
   * write of this instance is taking a lease of the counter: a burst spread over many batches
   * would otherwise ask for a lease in each of them, many leases for one instance's requests,
   * and be refused far below the limit. A write given a lease must be `settled`.
   */
  leaseFor(counter: WindowCounter, requests: number): number {
    if (this.leasing.has(counter.id)) return 0;
    const lease = Math.min(this.maxLease, Math.floor(counter.limit / LEASE_SHARE));
    const extra = Math.max(0, Math.min(lease - 1, counter.limit - requests));
    if (extra > 0) this.leasing.add(counter.id);
    return extra;
  }

  /**
   * The write given `counts` by `leaseFor` is answered: keeps them for the next requests of the
   * counter's window if it `counted` them, and lets the next write ask for a lease.
   */
  settle(counter: WindowCounter, counts: number, counted: boolean): void {
    if (counts <= 0) return;
    this.leasing.delete(counter.id);
    if (!counted) return;
    this.makeRoom();
    this.held.set(counter.id, (this.held.get(counter.id) ?? 0) + counts);
  }

  /** Remembers that the counter refused a request: it refuses every other until its window ends. */
  markFull(counter: WindowCounter): void {
    this.makeRoom();
    this.full.add(counter.id);
  }

  private makeRoom(): void {
    if (this.held.size + this.full.size < MAX_REMEMBERED) return;
    this.held.clear();
    this.full.clear();
  }
}
