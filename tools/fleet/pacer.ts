/**
 * Spaces the starts of the traffic loops' scenarios evenly, `perSecond` a second over all loops
 * (0: no pacing, each loop starts its next scenario as soon as the last is answered). A loop held
 * up by a fault does not make up for lost starts afterwards: a start is never scheduled in the past.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Elapsed } from './processes';

export class Pacer {
  private readonly spacingMs: number;
  private nextAt: number;

  constructor(
    perSecond: number,
    private readonly elapsed: Elapsed,
    private readonly wait: (ms: number) => Promise<unknown> = (ms) => sleep(ms),
  ) {
    this.spacingMs = perSecond > 0 ? 1000 / perSecond : 0;
    this.nextAt = elapsed();
  }

  /** Resolves at this caller's turn to start a scenario (at once when unpaced). */
  async turn(): Promise<void> {
    if (this.spacingMs === 0) return;
    const now = this.elapsed();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.spacingMs;
    if (at > now) await this.wait(at - now);
  }
}
