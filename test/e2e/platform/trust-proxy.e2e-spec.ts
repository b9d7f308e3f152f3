/**
 * TRUST_PROXY: behind a reverse proxy the client is the X-Forwarded-For address, for the rate
 * limits and the request log alike; without it the header is the client's own say and ignored.
 */
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

async function loggedAddress(log: CapturedLog, forwardedFor: string): Promise<unknown> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const line = log
      .records()
      .find(
        (r) =>
          typeof r.req === 'object' &&
          (r.req as { headers?: Record<string, string> }).headers?.['user-agent'] === forwardedFor,
      );
    if (line) return (line.req as { remoteAddress?: unknown }).remoteAddress;
    if (Date.now() > deadline) throw new Error(`No request line for ${forwardedFor}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  ['unset', undefined],
  ['1 (one proxy hop)', '1'],
  ['the loopback range', 'loopback'],
])('TRUST_PROXY %s', (_what, trustProxy) => {
  const trusted = trustProxy !== undefined;
  const log = new CapturedLog();
  const t = useTestApp(
    {
      LOG_LEVEL: 'info',
      RATE_LIMIT_AUTHORIZE_PER_IP: '2',
      ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}),
    },
    [[LogDestination, log]],
  );

  const authorize = (forwardedFor: string) =>
    t.http().get('/authorize').set('X-Forwarded-For', forwardedFor).set('User-Agent', forwardedFor);

  it(`${trusted ? 'keys' : 'does not key'} the rate limit on X-Forwarded-For`, async () => {
    placeInWindow([t]);
    expect((await authorize('203.0.113.1')).status).not.toBe(429);
    expect((await authorize('203.0.113.1')).status).not.toBe(429);
    // A third request naming another address: a fresh bucket only if the proxy is trusted.
    const other = await authorize('203.0.113.2');
    expect(other.status === 429).toBe(!trusted);
    if (trusted) expect((await authorize('203.0.113.1')).status).toBe(429);
  });

  it(`${trusted ? 'logs' : 'does not log'} the forwarded address as the client's`, async () => {
    const address = await loggedAddress(log, '203.0.113.1');
    if (trusted) expect(address).toBe('203.0.113.1');
    else expect(address).toMatch(/127\.0\.0\.1|::1/);
  });
});
