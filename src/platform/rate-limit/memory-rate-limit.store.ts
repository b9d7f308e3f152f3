import { Clock } from '../clock/clock';
import { RateLimitStore, WindowCounter } from './rate-limit.store';

const SWEEP_EVERY_HITS = 1024;

/**
 * Counters in this process's memory: a fleet of N instances allows N times each limit. Made by
 * RateLimitModule's factory when RATE_LIMIT_STORE is `memory`.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private hits = 0;

  constructor(private readonly clock: Clock) {
    super();
  }

  hit(counters: readonly WindowCounter[]): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (++this.hits % SWEEP_EVERY_HITS === 0) this.sweep(now);
    let allowed = true;
    for (const { id, limit, expiresAt } of counters) {
      const counter = this.counters.get(id) ?? { count: 0, expiresAt: expiresAt.getTime() };
      if (counter.count < limit) counter.count += 1;
      else allowed = false;
      this.counters.set(id, counter);
    }
    return Promise.resolve(allowed);
  }

  private sweep(now: number): void {
    for (const [id, counter] of this.counters) {
      if (counter.expiresAt <= now) this.counters.delete(id);
    }
  }
}
