import { ClientRepository } from '../../../src/clients/client.repository';
import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';
import { LoopbackBrowser, listenOnLoopback } from '../../support/loopback-browser';
import { DEMO_CLIENT, authorizePath, basic, pkcePair } from '../../support/oauth';
import { TestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

/**
 * Client authentication must not be a CPU lever: scrypt (32 MiB, tens of ms) runs only for a
 * registered confidential client, once per distinct (client, secret) however many requests
 * present it at once, a bounded number at a time, and not at all for a client id that keeps
 * failing. The registry is read from memory, not from MongoDB on every request.
 */
const CLIENTS = [
  {
    client_id: 'shared-client',
    client_secret: 'shared-secret-1',
    redirect_uris: ['https://a.example/cb'],
  },
  {
    client_id: 'flood-client',
    client_secret: 'flood-secret-1',
    redirect_uris: ['https://b.example/cb'],
  },
  {
    client_id: 'guarded-client',
    client_secret: 'guarded-secret-1',
    redirect_uris: ['https://c.example/cb'],
  },
  { client_id: 'short-lived', redirect_uris: ['https://d.example/cb'] },
];

const NO_LIMITS = {
  RATE_LIMIT_TOKEN_PER_IP: '100000',
  RATE_LIMIT_TOKEN_PER_CLIENT: '100000',
  OAUTH_CLIENTS: JSON.stringify(CLIENTS),
};

const SERVICE_HASHER = [[PasswordHasher, new PasswordHasher()]] as const;

/** A refresh request: client authentication runs first, then the bogus token is refused. */
function refreshAs(
  t: TestApp,
  authorization: string | undefined,
  form: Record<string, string> = {},
) {
  const req = t.http().post('/token').type('form');
  if (authorization) req.set('Authorization', authorization);
  return req.send({ grant_type: 'refresh_token', refresh_token: 'not-a-token', ...form });
}

describe('client authentication cost (POST /token)', () => {
  let baseUrl: string;

  // The service's hasher, not the tests' cheaper one (test/support/test-password-hasher.ts): what
  // is measured here is what scrypt costs the service.
  const t = useTestApp({ ...NO_LIMITS, CLIENT_AUTH_MAX_FAILURES: '5' }, SERVICE_HASHER);
  beforeAll(async () => {
    baseUrl = await listenOnLoopback(t);
  });
  afterEach(() => jest.restoreAllMocks());

  it('rejects an unknown client_id without running scrypt', async () => {
    const hash = jest.spyOn(PasswordHasher.prototype, 'hash');
    const verify = jest.spyOn(PasswordHasher.prototype, 'verify');

    const viaBasic = await refreshAs(t, basic('nobody', 'some-secret'));
    const viaPost = await refreshAs(t, undefined, {
      client_id: 'nobody-else',
      client_secret: 'some-secret',
    });

    for (const res of [viaBasic, viaPost]) {
      expectRefusal(res, 401, 'invalid_client', 'Client authentication failed');
    }
    expect(hash).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });

  it('runs one scrypt for 50 concurrent requests with the same right secret, then none', async () => {
    const verify = jest.spyOn(PasswordHasher.prototype, 'verify');
    const auth = basic('shared-client', 'shared-secret-1');

    const replies = await Promise.all(Array.from({ length: 50 }, () => refreshAs(t, auth)));
    const later = await refreshAs(t, auth);

    for (const res of [...replies, later]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('shares one scrypt among concurrent requests with the same wrong secret', async () => {
    const verify = jest.spyOn(PasswordHasher.prototype, 'verify');
    const auth = basic('flood-client', 'the-same-wrong-secret');

    const replies = await Promise.all(Array.from({ length: 4 }, () => refreshAs(t, auth)));

    expect(replies.map((res) => res.status)).toEqual([401, 401, 401, 401]);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('throttles a client id after repeated failures from one address, there only, with Retry-After', async () => {
    const right = basic('guarded-client', 'guarded-secret-1');
    // Verified before the attack: this secret keeps working, even from the attacker's address.
    expect((await refreshAs(t, right)).status).toBe(400);

    for (let i = 0; i < 5; i++) {
      const res = await refreshAs(t, basic('guarded-client', `wrong-${i}`));
      expect(res.status).toBe(401);
    }
    const verify = jest.spyOn(PasswordHasher.prototype, 'verify');
    const throttled = await refreshAs(t, basic('guarded-client', 'wrong-5'));
    expect(verify).not.toHaveBeenCalled();
    // Another address has failures of its own only: its secret is checked.
    const elsewhere = await new LoopbackBrowser(baseUrl, '127.0.0.9').postForm(
      '/token',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { authorization: basic('guarded-client', 'wrong-6') },
    );

    expectRefusal(
      throttled,
      429,
      'too_many_requests',
      'Too many failed authentications for this client from this address; retry later',
    );
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(elsewhere.status).toBe(401);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(throttled.body)).not.toContain('wrong-5');

    // The legitimate client, whose secret was verified before, is not locked out.
    expect((await refreshAs(t, right)).status).toBe(400);

    t.clock.advance(retryAfter + 1);
    try {
      expect((await refreshAs(t, basic('guarded-client', 'wrong-7'))).status).toBe(401);
    } finally {
      t.clock.advance(-(retryAfter + 1));
    }
  });

  it('serves clients from memory for CLIENT_CACHE_TTL_SECONDS, then sees a removal', async () => {
    const repository = t.app.get(ClientRepository);
    const reads = jest.spyOn(repository, 'findById');
    const { challenge } = pkcePair();

    for (let i = 0; i < 10; i++) {
      expect((await refreshAs(t, basic(DEMO_CLIENT.id, DEMO_CLIENT.secret))).status).toBe(400);
    }
    // /authorize reads the same cache.
    const authorize = await t.http().get(
      authorizePath({
        client_id: DEMO_CLIENT.id,
        redirect_uri: DEMO_CLIENT.redirectUri,
        response_type: 'code',
        state: 's',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(authorize.status).toBe(302);
    expect(reads.mock.calls.filter(([id]) => id === DEMO_CLIENT.id).length).toBeLessThanOrEqual(1);

    const publicRefresh = () => refreshAs(t, undefined, { client_id: 'short-lived' });
    expect((await publicRefresh()).status).toBe(400);
    await t.connection.collection('oauth_clients').deleteOne({ _id: 'short-lived' as never });

    // Within the TTL the cached entry still answers: the documented propagation delay.
    expect((await publicRefresh()).status).toBe(400);

    t.clock.advance(t.config.clientAuth.registryCacheTtlSeconds + 1);
    try {
      const gone = await publicRefresh();
      expect(gone.status).toBe(401);
      expect(gone.body.error).toBe('invalid_client');
      const page = await t
        .http()
        .get(authorizePath({ client_id: 'short-lived', redirect_uri: 'https://d.example/cb' }))
        .set('Accept', 'application/json');
      expectRefusal(page, 400, 'invalid_request', 'Unknown client_id');
    } finally {
      t.clock.advance(-(t.config.clientAuth.registryCacheTtlSeconds + 1));
    }
  });
});

describe('bounded scrypt concurrency for client authentication', () => {
  const t = useTestApp(
    { ...NO_LIMITS, CLIENT_AUTH_MAX_CONCURRENT_HASHES: '1', CLIENT_AUTH_MAX_QUEUED_HASHES: '2' },
    SERVICE_HASHER,
  );
  afterEach(() => jest.restoreAllMocks());

  it('runs at most the configured number at once and answers the overflow 503 with Retry-After', async () => {
    let running = 0;
    let peak = 0;
    const original = PasswordHasher.prototype.verify;
    jest.spyOn(PasswordHasher.prototype, 'verify').mockImplementation(async function (
      this: PasswordHasher,
      secret: string,
      stored: string,
    ) {
      running += 1;
      peak = Math.max(peak, running);
      try {
        // Held a little longer, so that every request arrives while the first one runs.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return await original.call(this, secret, stored);
      } finally {
        running -= 1;
      }
    });

    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refreshAs(t, basic('flood-client', `distinct-${i}`))),
    );

    expect(peak).toBe(1);
    const statuses = replies.map((res) => res.status).sort();
    // One running and two queued are evaluated; the rest are refused before any hashing.
    expect(statuses).toEqual([401, 401, 401, 503, 503, 503, 503, 503, 503, 503]);
    const overflow = replies.find((res) => res.status === 503)!;
    expect(overflow.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'Too many client authentications in progress; retry shortly',
    });
    expect(Number(overflow.headers['retry-after'])).toBeGreaterThan(0);
  });
});
