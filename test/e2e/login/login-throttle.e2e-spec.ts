import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';
import { UserRepository } from '../../../src/accounts/users/user.repository';
import { LOGIN_FAILURE_COLLECTION } from '../../../src/login/throttle/persistence/login-failure.schema';
import { LoopbackBrowser, LoopbackReply, listenOnLoopback } from '../../support/loopback-browser';
import { TestApp, createTestApp } from '../../support/test-app';
import { errorText } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

/**
 * NIST SP 800-63B §5.2.2: failed password attempts are limited per account, with a growing delay,
 * without handing an attacker a cheap way to lock the user out. Each source address has its own
 * back-off for an account; a ceiling per account holds across addresses (and instances).
 */
const ENV = {
  RATE_LIMIT_LOGIN_PER_IP: '100000',
  LOGIN_FAILURES_PER_ACCOUNT_IP: '3',
  LOGIN_FAILURES_PER_ACCOUNT: '7',
};

/**
 * Counters live in fixed windows of LOGIN_FAILURE_WINDOW_SECONDS; start each app just after a
 * window boundary so that no test straddles one.
 */
function startOfWindow(t: TestApp): void {
  const windowMs = t.config.loginThrottle.failureWindowSeconds * 1000;
  const now = t.clock.now().getTime();
  t.clock.advance((windowMs - (now % windowMs)) / 1000 + 1);
}

function setsSession(reply: LoopbackReply): boolean {
  return (reply.headers['set-cookie'] ?? []).some((line) => line.startsWith('pg_session='));
}

describe('password login throttling (NIST SP 800-63B §5.2.2)', () => {
  let baseUrl: string;
  const from = (address: string) => new LoopbackBrowser(baseUrl, address);

  const t = useTestApp(ENV);
  beforeAll(async () => {
    startOfWindow(t);
    baseUrl = await listenOnLoopback(t);
    const hasher = t.app.get(PasswordHasher, { strict: false });
    const users = t.app.get(UserRepository, { strict: false });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      await users.insertIfAbsent({
        username: name,
        passwordHash: await hasher.hash(`${name}-password`),
        createdAt: new Date(),
      });
    }
  });

  it('answers 429 with Retry-After after the allowed failures from one address, even with the right password', async () => {
    const browser = from('127.0.0.2');
    for (let i = 0; i < 3; i++) {
      expect((await browser.login('alice', `wrong-${i}`)).status).toBe(401);
    }

    const page = await browser.login('alice', 'alice-password');
    const json = await browser.login('alice', 'alice-password', { accept: 'application/json' });

    expect(page.status).toBe(429);
    const retryAfter = Number(page.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(29);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(errorText(page.text)).toBe(
      `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`,
    );
    expect(setsSession(page)).toBe(false);
    expect(page.text).not.toContain('alice-password');

    expect(json.status).toBe(429);
    expect(json.headers['retry-after']).toBeDefined();
    expect(json.json).toEqual({
      error: 'too_many_requests',
      error_description: expect.stringMatching(
        /^Too many failed sign-in attempts\. Try again in \d+ seconds\.$/,
      ) as string,
    });
    expect(setsSession(json)).toBe(false);
  });

  it('still lets the user in from another address', async () => {
    const res = await from('127.0.0.3').login('alice', 'alice-password');
    expect(res.status).toBe(303);
    expect(setsSession(res)).toBe(true);
  });

  it('doubles the delay with every further failure from that address', async () => {
    const browser = from('127.0.0.2');
    const wait = Number((await browser.login('alice', 'wrong-x')).headers['retry-after']);
    expect(wait).toBeGreaterThan(0);

    t.clock.advance(wait + 1);
    expect((await browser.login('alice', 'wrong-3')).status).toBe(401);
    const next = await browser.login('alice', 'alice-password');

    expect(next.status).toBe(429);
    const doubled = Number(next.headers['retry-after']);
    expect(doubled).toBeGreaterThanOrEqual(59);
    expect(doubled).toBeLessThanOrEqual(60);
  });

  it('resets the counter of an address on a successful login', async () => {
    const browser = from('127.0.0.4');
    for (let i = 0; i < 2; i++) expect((await browser.login('bob', `wrong-${i}`)).status).toBe(401);
    expect((await browser.login('bob', 'bob-password')).status).toBe(303);

    for (let i = 0; i < 3; i++) expect((await browser.login('bob', `again-${i}`)).status).toBe(401);
    expect((await browser.login('bob', 'bob-password')).status).toBe(429);
  });

  it('holds a per-account ceiling across addresses, but not against an address the user signed in from', async () => {
    const known = from('127.0.1.9');
    expect((await known.login('carol', 'carol-password')).status).toBe(303);
    // 3 + 3 + 1 failures from three addresses reach the ceiling of 7.
    for (const [address, attempts] of [
      ['127.0.1.1', 3],
      ['127.0.1.2', 3],
      ['127.0.1.3', 1],
    ] as const) {
      for (let i = 0; i < attempts; i++) {
        expect((await from(address).login('carol', `guess-${i}`)).status).toBe(401);
      }
    }

    const fresh = await from('127.0.1.4').login('carol', 'carol-password');
    expect(fresh.status).toBe(429);
    const retryAfter = Number(fresh.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(t.config.loginThrottle.failureWindowSeconds);
    expect(errorText(fresh.text)).toMatch(/^Too many failed sign-in attempts\. Try again in /);

    // An address with a past successful login for this account is not locked out by others.
    expect((await known.login('carol', 'carol-password')).status).toBe(303);
  });

  it('keeps the counters in MongoDB: the ceiling holds on another instance, and no name or address is stored', async () => {
    for (let i = 0; i < 7; i++) {
      expect((await from(`127.0.2.${i + 1}`).login('dave', `guess-${i}`)).status).toBe(401);
    }
    const other = await createTestApp({ ...ENV, MONGODB_URI: process.env.MONGODB_URI! });
    try {
      other.clock.advance((t.clock.now().getTime() - other.clock.now().getTime()) / 1000);
      const otherUrl = await listenOnLoopback(other);
      const res = await new LoopbackBrowser(otherUrl, '127.0.2.50').login('dave', 'dave-password');
      expect(res.status).toBe(429);
    } finally {
      await other.close({ dropDatabase: false });
    }

    const stored = JSON.stringify(
      await t.connection.collection(LOGIN_FAILURE_COLLECTION).find().toArray(),
    );
    expect(stored.length).toBeGreaterThan(2);
    for (const secret of ['dave', 'carol', 'alice', '127.0.']) expect(stored).not.toContain(secret);
  });

  // Last: it moves the clock to a window's end.
  it('holds the account ceiling across a window boundary: the window before still counts, fading', async () => {
    const windowSeconds = t.config.loginThrottle.failureWindowSeconds;
    const intoWindow = (t.clock.now().getTime() / 1000) % windowSeconds;
    t.clock.advance(windowSeconds - intoWindow - 60);
    // The ceiling of 7, reached in the last minute of a window, one failure per address.
    for (let i = 0; i < 7; i++) {
      expect((await from(`127.0.3.${i + 1}`).login('erin', `guess-${i}`)).status).toBe(401);
    }
    expect((await from('127.0.3.50').login('erin', 'erin-password')).status).toBe(429);

    // A minute into the next window, the 7 still weigh 59/60 of theirs: one more guess, not 7.
    t.clock.advance(120);
    expect((await from('127.0.3.51').login('erin', 'guess-7')).status).toBe(401);
    const refused = await from('127.0.3.52').login('erin', 'erin-password');
    expect(refused.status).toBe(429);
    // 1 + 7 × (what is left of the window before) falls below 7 a seventh into this window.
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(windowSeconds / 7 - 60 - 5);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(windowSeconds / 7 - 60) + 1);

    t.clock.advance(retryAfter - 5);
    expect((await from('127.0.3.53').login('erin', 'erin-password')).status).toBe(429);
    t.clock.advance(5);
    expect((await from('127.0.3.54').login('erin', 'erin-password')).status).toBe(303);
  });
});
