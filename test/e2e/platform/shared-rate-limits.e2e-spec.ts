import { DEMO_CLIENT, basic } from '../../support/oauth';
import { TestApp } from '../../support/test-app';
import { useTwoInstances } from '../../support/two-instances';
import { useAppWithOwnDatabase } from '../../support/use-test-app';
import { expectRefusal } from '../../support/refusal';
import { placeInWindow } from '../../support/rate-limit-window';

/** A /token request every instance answers 400 (an unknown refresh token). */
const badToken = (t: TestApp) =>
  t
    .http()
    .post('/token')
    .type('form')
    .set('Authorization', basic(DEMO_CLIENT.id, DEMO_CLIENT.secret))
    .send({ grant_type: 'refresh_token', refresh_token: 'not-a-token' });

describe('rate limits shared by two instances on one database (RATE_LIMIT_STORE=mongo)', () => {
  const env = { RATE_LIMIT_TOKEN_PER_IP: '4', RATE_LIMIT_TOKEN_PER_CLIENT: '100' };
  const instances = useTwoInstances(env);

  it('counts requests to either instance against one limit, with the exact Retry-After', async () => {
    const { a, b } = instances;
    placeInWindow([a, b], 0);
    for (const t of [a, b, a, b]) expect((await badToken(t)).status).toBe(400);

    for (const t of [a, b]) {
      placeInWindow([a, b], 15, false);
      const limited = await badToken(t);
      expectRefusal(limited, 429, 'too_many_requests', 'Too many requests; slow down');
      // 15.5 s into the window: 44.5 s remain, rounded up.
      expect(limited.headers['retry-after']).toBe('45');
      expect(Object.keys(limited.headers).filter((h) => h.startsWith('retry-after-'))).toEqual([]);
    }
  });

  it('counts concurrent first requests of a window exactly (no refusal from an upsert race)', async () => {
    const { a, b } = instances;
    placeInWindow([a, b], 0);
    // A public client: no scrypt, so the four really arrive together.
    const spa = (t: TestApp) =>
      t
        .http()
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'demo-spa' });
    const statuses = await Promise.all([a, b, a, b].map((t) => spa(t).then((r) => r.status)));
    expect(statuses).toEqual([400, 400, 400, 400]);
    expect((await spa(b)).status).toBe(429);
  });

  it('gives the next window a fresh count on both instances', async () => {
    const { a, b } = instances;
    placeInWindow([a, b], 0);
    expect((await badToken(b)).status).toBe(400);
    expect((await badToken(a)).status).toBe(400);
  });
});

describe('RATE_LIMIT_STORE=memory counts per instance', () => {
  const env = { RATE_LIMIT_STORE: 'memory', RATE_LIMIT_TOKEN_PER_IP: '2' };
  const instances = useTwoInstances(env);

  it('limits each instance on its own, with the exact Retry-After', async () => {
    const { a, b } = instances;
    placeInWindow([a, b], 0);
    for (const t of [a, a]) expect((await badToken(t)).status).toBe(400);
    placeInWindow([a, b], 30, false);
    const limited = await badToken(a);
    expect(limited.status).toBe(429);
    // 30.5 s into the window: 29.5 s remain, rounded up.
    expect(limited.headers['retry-after']).toBe('30');

    expect((await badToken(b)).status).toBe(400);
    expect((await badToken(b)).status).toBe(400);
    expect((await badToken(b)).status).toBe(429);
  });
});

describe('the limiter when its database is unreachable', () => {
  // A per-IP /token limit of 100: leases of 5 counts (a twentieth). /login's 30: no lease. The
  // client's record stays cached through the test, which reads none while the database is down.
  const t = useAppWithOwnDatabase('proofgate_test_limiter_outage', {
    RATE_LIMIT_TOKEN_PER_IP: '100',
    CLIENT_CACHE_TTL_SECONDS: '300',
  });

  it('serves the counts leased before the outage, then refuses /token and login with 503 (closed); metadata still served (open)', async () => {
    placeInWindow([t], 0);
    expect((await badToken(t)).status).toBe(400);
    await t.http().get('/.well-known/oauth-authorization-server').expect(200);

    await t.stopDatabase();

    // Counted already: the four counts the first request's write leased beside its own.
    for (let i = 0; i < 4; i++) expect((await badToken(t)).status).toBe(400);
    for (const res of [
      await badToken(t),
      await t.http().post('/login').type('form').send({ username: 'alice', password: 'x' }),
    ]) {
      expectRefusal(
        res,
        503,
        'temporarily_unavailable',
        'Rate limits cannot be checked; retry shortly',
      );
      expect(res.headers['retry-after']).toBe('5');
    }
    const metadata = await t.http().get('/.well-known/oauth-authorization-server');
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ issuer: t.config.server.issuer });
  });
});
