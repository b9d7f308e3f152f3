/**
 * Issue #19, finding 2: the per-client budget of /token, /revoke and /introspect
 * (RATE_LIMIT_TOKEN_PER_CLIENT) is charged only to a client that proved itself (its secret, or
 * for a public client a valid code or refresh token); before the proof requests count per IP and
 * per (IP, claimed client), and failed authentications per (IP, client). An anonymous caller can
 * then no longer lock every user of a client out.
 */
import request from 'supertest';
import { DEMO_CLIENT, DEMO_SPA, basic, exchangeCode, login, obtainCode } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const PER_CLIENT = 6;
const MAX_FAILURES = 3;

describe('the per-client budget is charged after the client proved itself', () => {
  const t = useTestApp({
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_TOKEN_PER_CLIENT: String(PER_CLIENT),
    RATE_LIMIT_TOKEN_PER_IP: '1000',
    CLIENT_AUTH_MAX_FAILURES: String(MAX_FAILURES),
  });
  beforeEach(() => placeInWindow([t]));

  const post = (path: string, from: string, form: Record<string, string>, secret?: string) => {
    const req = t.http().post(path).type('form').set('X-Forwarded-For', from);
    if (secret !== undefined) req.set('Authorization', basic(DEMO_CLIENT.id, secret));
    return req.send(form);
  };
  const badRefresh = { grant_type: 'refresh_token', refresh_token: 'not-a-token' };

  /**
   * More than the per-client budget of wrong-secret requests for demo-client, from two addresses
   * (each stays within its own per-(IP, client) count).
   */
  async function wrongSecretFlood(path: string, form: Record<string, string>): Promise<void> {
    for (const from of ['198.51.100.1', '198.51.100.2']) {
      for (let i = 0; i < PER_CLIENT - 1; i++) {
        const res = await post(path, from, form, `wrong-${i}`);
        // Refused for the secret, then (past MAX_FAILURES) for that address's failures.
        expect([401, 429]).toContain(res.status);
      }
    }
  }

  it('/token: wrong secrets from two addresses do not lock out the right secret from a third', async () => {
    await wrongSecretFlood('/token', badRefresh);

    // This instance has never verified demo-client's secret: nothing is remembered from before.
    const client = await post('/token', '203.0.113.9', badRefresh, DEMO_CLIENT.secret);
    expect(client.status).toBe(400);
    expect(client.body.error).toBe('invalid_grant');

    // The failures lock out the address that made them (no secret is checked from there), and
    // only that one.
    const attacker = await post('/token', '198.51.100.1', badRefresh, 'another-guess');
    expect(attacker.status).toBe(429);
    expect(attacker.body.error_description).toBe(
      'Too many failed authentications for this client from this address; retry later',
    );
  });

  it('/token: the budget still bounds an authenticated client, from any address', async () => {
    for (let i = 0; i < PER_CLIENT; i++) {
      const from = `203.0.113.${10 + i}`;
      expect((await post('/token', from, badRefresh, DEMO_CLIENT.secret)).status).toBe(400);
    }
    const limited = await post('/token', '203.0.113.30', badRefresh, DEMO_CLIENT.secret);
    expectRefusal(limited, 429, 'too_many_requests', 'Too many requests; slow down');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('/token: a public client named by client_id is charged only for a valid code', async () => {
    // Twice its budget of invalid codes and refresh tokens, naming demo-spa, from two addresses.
    for (const from of ['198.51.100.3', '198.51.100.4']) {
      for (let i = 0; i < PER_CLIENT; i++) {
        const form: Record<string, string> =
          i % 2 === 0
            ? { ...badRefresh, client_id: DEMO_SPA.id }
            : {
                grant_type: 'authorization_code',
                code: `forged-${i}`,
                redirect_uri: DEMO_SPA.redirectUri,
                code_verifier: 'v'.repeat(43),
                client_id: DEMO_SPA.id,
              };
        expect((await post('/token', from, form)).status).toBe(400);
      }
    }
    // The real application, with a real code, from its own address.
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const { code, verifier } = await obtainCode(agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const exchanged = await exchangeCode(t.app.getHttpServer(), code, verifier, DEMO_SPA);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.access_token).toEqual(expect.any(String));
  });

  it('/revoke: wrong secrets from two addresses do not lock out the right secret from a third', async () => {
    await wrongSecretFlood('/revoke', { token: 'some-token' });
    const client = await post(
      '/revoke',
      '203.0.113.40',
      { token: 'some-token' },
      DEMO_CLIENT.secret,
    );
    expect(client.status).toBe(200);
  });

  it('/introspect: wrong secrets from two addresses do not lock out the right secret from a third', async () => {
    await wrongSecretFlood('/introspect', { token: 'some-token' });
    const client = await post(
      '/introspect',
      '203.0.113.41',
      { token: 'some-token' },
      DEMO_CLIENT.secret,
    );
    expect(client.status).toBe(200);
    expect(client.body).toEqual({ active: false });
  });

  it('/revoke: a public client is charged only for a token of its own', async () => {
    for (let i = 0; i < 2 * PER_CLIENT; i++) {
      const from = `198.51.100.${5 + (i % 2)}`;
      const res = await post('/revoke', from, { token: `unknown-${i}`, client_id: DEMO_SPA.id });
      expect(res.status).toBe(200);
    }
    const client = await post('/revoke', '203.0.113.42', {
      token: 'unknown',
      client_id: DEMO_SPA.id,
    });
    expect(client.status).toBe(200);
  });
});
