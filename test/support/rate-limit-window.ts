import type { TestApp } from './test-app';

/**
 * Moves every app's clock to `secondsIn` seconds (and a half) into the next fixed window of
 * `windowSeconds` (a minute unless said), or into the current one, so that a test of a limit has
 * one window to itself and knows exactly where in it it stands: the limiter's windows are aligned
 * on their length (src/platform/rate-limit/rate-limiter.ts), and a few requests on the real-time
 * test clock can otherwise straddle two of them, each then under the limit.
 */
export function placeInWindow(
  apps: readonly TestApp[],
  secondsIn = 0,
  next = true,
  windowSeconds = 60,
): void {
  const windowMs = windowSeconds * 1000;
  const now = apps[0].clock.now().getTime();
  const target = now - (now % windowMs) + (next ? windowMs : 0) + secondsIn * 1000 + 500;
  for (const t of apps) t.clock.advance((target - t.clock.now().getTime()) / 1000);
}
