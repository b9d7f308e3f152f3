import { LOGIN_LIMIT } from '../../tools/fleet/fleet';
import { observeRateLimit, type LoginSender } from '../../tools/fleet/rate-limit-check';

/**
 * Three instances sharing one fixed-window login limiter (per address, windows aligned on the
 * minute, as src/platform/rate-limit counts them), on a clock that moves `msPerAttempt` for each
 * attempt sent.
 */
function fleetFrom(startMs: number, msPerAttempt: number) {
  let now = startMs;
  const counters = new Map<string, number>();
  const addresses: string[] = [];
  const sender = {
    size: 3,
    origins: ['http://a', 'http://b', 'http://c'],
    send: (_endpoint: unknown, spec: { headers: Record<string, string> }) => {
      const address = spec.headers['x-forwarded-for'];
      if (!addresses.includes(address)) addresses.push(address);
      const key = `${address} ${Math.floor(now / 60_000)}`;
      const count = (counters.get(key) ?? 0) + 1;
      counters.set(key, count);
      now += msPerAttempt;
      return Promise.resolve({ status: count > LOGIN_LIMIT ? 429 : 400 });
    },
  } as unknown as LoginSender;
  return { sender, now: () => now, addresses };
}

const MINUTE = 60_000;

describe("the fleet's login limit check", () => {
  it('sees limit + 1 attempts over the instances refused once, and one instance alone refuse at once', async () => {
    const fleet = fleetFrom(100 * MINUTE, 50);
    const observed = await observeRateLimit(fleet.sender, fleet.now);
    expect(observed).toEqual({
      limit: LOGIN_LIMIT,
      address: '203.0.113.7',
      sent: LOGIN_LIMIT + 1,
      perInstance: [4, 4, 3],
      refusedFleetWide: 1,
      controlInstance: 2,
      acceptedByControlBefore429: 3,
    });
    expect(fleet.addresses).toEqual(['203.0.113.7']);
  });

  it('makes the attempts again from another address when they straddled a window', async () => {
    // Five seconds before the minute's end, a second an attempt: the first window sees six.
    const fleet = fleetFrom(101 * MINUTE - 5_000, 1_000);
    const observed = await observeRateLimit(fleet.sender, fleet.now);
    expect(observed.address).toBe('203.0.113.8');
    expect(observed.refusedFleetWide).toBe(1);
    expect(observed.acceptedByControlBefore429).toBe(observed.perInstance[2]);
    expect(fleet.addresses).toEqual(['203.0.113.7', '203.0.113.8']);
  });
});
