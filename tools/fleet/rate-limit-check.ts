/**
 * The fleet's check of today's login limiter, before the load: one limit across the instances,
 * counted in the shared database (tools/fleet/checks.ts judges it: `rate-limit-fleet-wide`).
 */
import { MINUTE_MS } from '../../src/platform/rate-limit/rate-limit';
import type { RateLimitObservation } from './checks';
import type { FleetClient } from './client';
import { LOGIN_LIMIT } from './fleet';

/** What the check needs of the fleet's client. */
export type LoginSender = Pick<FleetClient, 'send' | 'size' | 'origins'>;

/**
 * Documentation addresses (RFC 5737), one per try: the check's own counters, apart from the load's.
 */
const RATE_LIMIT_CHECK_ADDRESSES = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];

/** The window a moment falls in: the login limit's are minutes aligned on the minute. */
const limitWindowOf = (ms: number) => Math.floor(ms / MINUTE_MS);

/**
 * What the fleet's login limiter does with limit + 1 attempts spread over the instances, then
 * with attempts at one instance alone, all in one window. Attempts that straddle a window's end
 * are counted in two windows, as fixed windows do, and would show no refusal: they are made again
 * from another address, in the next window.
 */
export async function observeRateLimit(
  client: LoginSender,
  now: () => number = Date.now,
): Promise<RateLimitObservation> {
  let observation: RateLimitObservation | undefined;
  for (const address of RATE_LIMIT_CHECK_ADDRESSES) {
    const window = limitWindowOf(now());
    observation = await observeRateLimitFrom(client, address);
    if (limitWindowOf(now()) === window) return observation;
  }
  return observation as RateLimitObservation;
}

async function observeRateLimitFrom(
  client: LoginSender,
  address: string,
): Promise<RateLimitObservation> {
  const attempt = (instance: number) =>
    client.send(
      'login',
      {
        method: 'POST',
        path: '/login',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': address,
        },
        // No CSRF cookie: answered 400 at once, no password hashed, after the limiter counted it.
        body: 'username=rate-limit-check&password=x',
      },
      { instance, retryLost: false },
    );
  const perInstance = client.origins.map(() => 0);
  let refusedFleetWide = 0;
  const sent = LOGIN_LIMIT + 1;
  for (let i = 0; i < sent; i++) {
    const instance = i % client.size;
    perInstance[instance]++;
    if ((await attempt(instance)).status === 429) refusedFleetWide++;
  }
  const controlInstance = client.size - 1;
  let accepted = perInstance[controlInstance];
  let acceptedByControlBefore429: number | null = null;
  for (let i = 0; i <= LOGIN_LIMIT; i++) {
    if ((await attempt(controlInstance)).status === 429) {
      acceptedByControlBefore429 = accepted;
      break;
    }
    accepted++;
  }
  return {
    limit: LOGIN_LIMIT,
    address,
    sent,
    perInstance,
    refusedFleetWide,
    controlInstance,
    acceptedByControlBefore429,
  };
}
