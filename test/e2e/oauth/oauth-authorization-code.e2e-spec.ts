import { SecurityEventLog } from '../../../src/telemetry/security-events/security-event.log';
import request from 'supertest';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  authorizePath,
  exchangeCode,
  refresh,
  login,
  obtainCode,
  pkcePair,
  getMe,
  useLoggedInApp,
} from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';

describe('authorization code + PKCE (RFC 6749 §4.1, RFC 7636)', () => {
  const t = useLoggedInApp();

  it('sends an unauthenticated user to the login page and back to the same request', async () => {
    const anonymous = request.agent(t.app.getHttpServer());
    const { challenge } = pkcePair();
    const path = authorizePath({
      client_id: DEMO_CLIENT.id,
      redirect_uri: DEMO_CLIENT.redirectUri,
      response_type: 'code',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const first = await anonymous.get(path).expect(302);
    expect(first.headers.location).toBe(`/login?return_to=${encodeURIComponent(path)}`);

    const loggedIn = await login(anonymous, path);
    expect(loggedIn.headers.location).toBe(path);
    const back = await anonymous.get(path).expect(302);
    const location = new URL(back.headers.location);
    expect(location.origin + location.pathname).toBe(DEMO_CLIENT.redirectUri);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(t.config.server.issuer);
  });

  it('exchanges a code and verifier for tokens accepted by /api/me', async () => {
    const { code, verifier } = await obtainCode(t.agent);
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      // `<grant id>.<secret>`: opaque to clients, one lookup for the server.
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
      scope: 'profile',
    });
    const me = await getMe(t, res.body.access_token).expect(200);
    expect(me.body).toMatchObject({
      sub: 'user0',
      auth_method: 'password',
      client_id: 'demo-client',
      scope: 'profile',
    });
  });

  it('serves a public client (auth method none) with a loopback redirect on another port', async () => {
    const redirectUri = 'http://127.0.0.1:53123/callback';
    const { code, verifier } = await obtainCode(t.agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: redirectUri,
      scope: 'profile api',
    });
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier, {
      id: DEMO_SPA.id,
      redirectUri,
    }).expect(200);
    expect(res.body.scope).toBe('profile api');
  });

  describe('the three attacks of the PKCE story', () => {
    it.each([
      [
        'a stolen code with a wrong verifier: invalid_grant, and the code is not burned',
        () => pkcePair().verifier,
        'invalid_grant',
        'PKCE verification failed',
      ],
      [
        'a missing verifier: invalid_grant (RFC 7636 §4.6), and the code is not burned',
        () => undefined,
        'invalid_grant',
        'code_verifier is required: the code was issued with a code_challenge',
      ],
    ])('%s', async (_name, attackerVerifier, error, description) => {
      const { code, verifier } = await obtainCode(t.agent);
      const attack = await exchangeCode(t.app.getHttpServer(), code, attackerVerifier());
      expect(attack.status).toBe(400);
      expect(attack.body).toEqual({ error, error_description: description });
      await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    });

    it('a replayed code: invalid_grant, and the tokens of the first redemption are revoked', async () => {
      const { code, verifier } = await obtainCode(t.agent);
      const first = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
      const bearer = `Bearer ${first.body.access_token}`;
      await t.http().get('/api/me').set('Authorization', bearer).expect(200);

      const replay = await exchangeCode(t.app.getHttpServer(), code, verifier);
      expectRefusal(replay, 400, 'invalid_grant', 'Authorization code already used');

      const me = await t.http().get('/api/me').set('Authorization', bearer).expect(401);
      expect(me.body.error).toBe('invalid_token');
      const refreshed = await t
        .http()
        .post('/token')
        .type('form')
        .auth(DEMO_CLIENT.id, DEMO_CLIENT.secret)
        .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expect(refreshed.body).toEqual({
        error: 'invalid_grant',
        error_description: 'The grant has been revoked',
      });
      const events = await t.connection
        .collection('security_events')
        .countDocuments({ type: 'authorization_code_replay' });
      expect(events).toBeGreaterThanOrEqual(1);
    });
  });

  it('gives exactly one token to 50 concurrent redemptions of one code', async () => {
    const { code, verifier } = await obtainCode(t.agent);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => exchangeCode(t.app.getHttpServer(), code, verifier)),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    // Every other request is a replay, answered as one; none looks like an unknown code.
    for (const r of results.filter((res) => res.status !== 200)) {
      expectRefusal(r, 400, 'invalid_grant', 'Authorization code already used');
    }
    // A replay means the tokens of the redemption are revoked (RFC 6749 §4.1.2).
    await getMe(t, ok[0].body.access_token).expect(401);
  });

  it.each([
    ['an expired code', 'Authorization code expired'],
    ['an unknown code', 'Invalid authorization code'],
  ])('rejects %s with invalid_grant', async (what, description) => {
    const { code, verifier } = await obtainCode(t.agent);
    let presented = code;
    if (what === 'an expired code') t.clock.advance(61);
    else presented = pkcePair().verifier;
    const res = await exchangeCode(t.app.getHttpServer(), presented, verifier);
    expectRefusal(res, 400, 'invalid_grant', description);
  });

  it('rejects a code redeemed by another client', async () => {
    const { code, verifier } = await obtainCode(t.agent);
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier, {
      id: DEMO_SPA.id,
      redirectUri: DEMO_CLIENT.redirectUri,
    });
    expectRefusal(res, 400, 'invalid_grant', 'Authorization code was issued to another client');
  });

  it('a used code replayed by another client: invalid_grant and a security event, the owner keeps its tokens', async () => {
    const { code, verifier } = await obtainCode(t.agent);
    const first = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    // Counted per presenting client (the event's source), one document per minute.
    const events = () =>
      t.app.get(SecurityEventLog).count('authorization_code_replay', { source: DEMO_SPA.id });
    const before = await events();

    // The public client needs no credentials; a stolen used code and any verifier cost nothing.
    for (const presented of [verifier, pkcePair().verifier]) {
      const replay = await exchangeCode(t.app.getHttpServer(), code, presented, {
        id: DEMO_SPA.id,
        redirectUri: DEMO_SPA.redirectUri,
      });
      expectRefusal(replay, 400, 'invalid_grant', 'Authorization code already used');
    }

    expect(await events()).toBe(before + 2);
    await getMe(t, first.body.access_token).expect(200);
    await refresh(t.app.getHttpServer(), first.body.refresh_token).expect(200);
  });

  it('rejects a code redeemed with another redirect URI', async () => {
    const { code, verifier } = await obtainCode(t.agent);
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier, {
      ...DEMO_CLIENT,
      redirectUri: 'http://localhost:25001/other',
    });
    expectRefusal(
      res,
      400,
      'invalid_grant',
      'redirect_uri does not match the authorization request',
    );
  });

  it.each([
    ['a short verifier', 'a'.repeat(42)],
    ['a verifier with a forbidden character', `${'a'.repeat(42)}!`],
  ])('rejects %s as invalid_request', async (_what, verifier) => {
    const { code } = await obtainCode(t.agent);
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier);
    expectRefusal(
      res,
      400,
      'invalid_request',
      'code_verifier must be 43-128 characters of [A-Za-z0-9-._~]',
    );
  });
});
