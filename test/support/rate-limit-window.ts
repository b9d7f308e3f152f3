import type { TestApp } from './test-app';

/**
 * Moves every app's clock to `secondsIn` seconds (and a half) into the next minute, or into the
 * current one, so that a test of a per-minute limit has one fixed window to itself and knows
 * exactly where in it it stands: under load, a few requests can otherwise straddle two windows.
 */
export function placeInWindow(apps: readonly TestApp[], secondsIn = 0, next = true): void {
  const now = apps[0].clock.now().getTime();
  const target = now - (now % 60_000) + (next ? 60_000 : 0) + secondsIn * 1000 + 500;
  for (const t of apps) t.clock.advance((target - t.clock.now().getTime()) / 1000);
}
