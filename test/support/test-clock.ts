import { Clock } from '../../src/platform/clock/clock';

/** Real time plus an offset that tests move forward, so expiry is tested without waiting. */
export class TestClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
