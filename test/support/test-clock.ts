import { Clock } from '../../src/platform/clock/clock';

/** Real time plus an offset that tests move forward, so expiry is tested without waiting. */
export class TestClock extends Clock {
  private offsetMs = 0;
  private frozenAtMs: number | undefined;

  now(): Date {
    return new Date((this.frozenAtMs ?? Date.now()) + this.offsetMs);
  }

  /**
   * From now on the clock moves only when the test advances it: a test that checks a bound to the
   * second (valid one second before, gone one after) cannot lose its margin to a slow machine.
   */
  freeze(): void {
    this.frozenAtMs ??= Date.now();
  }

  /** Real time again from where the frozen clock stands: it neither jumps nor goes back. */
  thaw(): void {
    if (this.frozenAtMs === undefined) return;
    this.offsetMs += this.frozenAtMs - Date.now();
    this.frozenAtMs = undefined;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
