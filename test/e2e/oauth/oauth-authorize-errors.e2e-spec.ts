import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import request from 'supertest';
import { createTestApp } from '../../support/test-app';
import {
  Agent,
  AuthorizeParams,
  DEMO_CLIENT,
  authorizePath,
  login,
  pkcePair,
  UNREGISTERED_REDIRECT,
  unsupportedScope,
} from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

describe('GET /authorize errors (RFC 6749 §4.1.2.1, OAuth 2.1)', () => {
  let agent: Agent;
  const { challenge } = pkcePair();
  const valid: AuthorizeParams = {
    client_id: DEMO_CLIENT.id,
    redirect_uri: DEMO_CLIENT.redirectUri,
    response_type: 'code',
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };

  const t = useTestApp();
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  describe('with an untrustworthy client or redirect URI: a 400 page, never a redirect', () => {
    it.each([
      ['unknown client', { client_id: 'nobody' }, 'Unknown client_id'],
      ['missing client', { client_id: undefined }, 'client_id is required'],
      ['missing redirect URI', { redirect_uri: undefined }, 'redirect_uri is required'],
      [
        'unregistered redirect URI',
        { redirect_uri: 'https://evil.example/callback' },
        UNREGISTERED_REDIRECT[DEMO_CLIENT.id],
      ],
      [
        'redirect URI differing in path',
        { redirect_uri: 'http://localhost:25001/callback/x' },
        UNREGISTERED_REDIRECT[DEMO_CLIENT.id],
      ],
      [
        'non-loopback port change',
        { redirect_uri: 'http://localhost:25001/callback?x=1' },
        UNREGISTERED_REDIRECT[DEMO_CLIENT.id],
      ],
    ])('%s', async (_what, overrides, description) => {
      const res = await agent
        .get(authorizePath({ ...valid, ...overrides }))
        .set('Accept', 'text/html');
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<dd id="error">invalid_request</dd>');
      const html = description.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(res.text).toContain(`<dd id="error_description">${html}</dd>`);

      const json = await agent
        .get(authorizePath({ ...valid, ...overrides }))
        .set('Accept', 'application/json');
      expectRefusal(json, 400, 'invalid_request', description);
    });

    it('rejects a repeated parameter', async () => {
      const res = await agent
        .get(`${authorizePath(valid)}&client_id=demo-spa`)
        .set('Accept', 'application/json');
      expectRefusal(res, 400, 'invalid_request', 'Parameter client_id must not be repeated');
    });
  });

  describe('other errors go back to the client with state and iss (RFC 9207)', () => {
    it.each([
      [
        'plain method',
        { code_challenge_method: 'plain' },
        'invalid_request',
        'code_challenge_method "plain" is not supported; use S256',
      ],
      [
        'missing challenge',
        { code_challenge: undefined },
        'invalid_request',
        'code_challenge is required (PKCE)',
      ],
      [
        'missing method',
        { code_challenge_method: undefined },
        'invalid_request',
        'code_challenge_method must be S256',
      ],
      [
        'short challenge',
        { code_challenge: 'abc' },
        'invalid_request',
        'code_challenge must be 43 base64url characters (S256)',
      ],
      [
        'token response type',
        { response_type: 'token' },
        'unsupported_response_type',
        'Only response_type=code is supported',
      ],
      [
        'missing response type',
        { response_type: undefined },
        'invalid_request',
        'response_type is required',
      ],
      ['unknown scope', { scope: 'profile admin' }, 'invalid_scope', unsupportedScope('admin')],
    ])('%s', async (_what, overrides, error, description) => {
      const res = await agent.get(authorizePath({ ...valid, ...overrides })).expect(302);
      const location = new URL(res.headers.location);
      expect(location.origin + location.pathname).toBe(DEMO_CLIENT.redirectUri);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        error,
        error_description: description,
        state: 'st4te',
        iss: t.config.server.issuer,
      });
    });

    // The only mode answered in: a client that asked for another would read another response shape.
    it.each(['form_post', 'fragment', 'query.jwt', 'bogus'])(
      'refuses response_mode %s, in the query',
      async (mode) => {
        const res = await agent.get(authorizePath({ ...valid, response_mode: mode })).expect(302);
        const location = new URL(res.headers.location);
        expect(location.origin + location.pathname).toBe(DEMO_CLIENT.redirectUri);
        expect(Object.fromEntries(location.searchParams)).toEqual({
          error: 'invalid_request',
          error_description: `Unsupported response_mode: ${mode} (this server answers in the query only: response_modes_supported)`,
          state: 'st4te',
          iss: t.config.server.issuer,
        });
      },
    );

    it('takes response_mode=query, the mode it answers in', async () => {
      const res = await agent.get(authorizePath({ ...valid, response_mode: 'query' })).expect(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('error')).toBeNull();
    });

    it('requires state by default of a request without PKCE', async () => {
      const res = await agent
        .get(authorizePath({ ...valid, state: undefined, code_challenge: undefined }))
        .expect(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toBe('state is required');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('needs no state with PKCE: PKCE is the CSRF protection (RFC 9700 §4.7.1)', async () => {
      const res = await agent.get(authorizePath({ ...valid, state: undefined })).expect(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('error')).toBeNull();
      expect(location.searchParams.get('state')).toBeNull();
    });
  });

  describe('request parameters (RFC 6749 §3.1)', () => {
    it('ignores unrecognized parameters and treats empty ones as absent', async () => {
      const res = await agent.get(`${authorizePath(valid)}&prompt=consent&scope=`).expect(302);
      const location = new URL(res.headers.location);
      expect(location.origin + location.pathname).toBe(DEMO_CLIENT.redirectUri);
      expect(location.searchParams.get('code')).toBeTruthy();
      expect(location.searchParams.get('error')).toBeNull();
    });

    it('still refuses an unrecognized parameter sent twice', async () => {
      const res = await agent
        .get(`${authorizePath(valid)}&prompt=login&prompt=consent`)
        .set('Accept', 'application/json');
      expectRefusal(res, 400, 'invalid_request', 'Parameter prompt must not be repeated');
    });
  });

  it('does not require state of a request without PKCE when OAUTH_REQUIRE_STATE=false', async () => {
    // A confidential OpenID Connect client let go without PKCE: the one kind of request that
    // OAUTH_REQUIRE_STATE decides for.
    const rp = { id: 'rp-no-pkce', redirectUri: 'http://127.0.0.1:7311/callback' };
    const relaxed = await createTestApp({
      OAUTH_REQUIRE_STATE: 'false',
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: rp.id,
          client_secret: 'rp-no-pkce-secret',
          redirect_uris: [rp.redirectUri],
          first_party: true,
          require_pkce: false,
        },
      ]),
    });
    try {
      const a = request.agent(relaxed.app.getHttpServer());
      await login(a);
      const res = await a
        .get(
          authorizePath({
            client_id: rp.id,
            redirect_uri: rp.redirectUri,
            response_type: 'code',
            scope: 'openid',
          }),
        )
        .expect(302);
      expect(new URL(res.headers.location).searchParams.get('code')).toBeTruthy();
    } finally {
      await relaxed.close({ dropDatabase: false });
    }
  });

  it('keeps refused PKCE requests as counters, never one document per request', async () => {
    const db = t.connection.db!;
    const documents = async () => {
      const names = (await db.listCollections().toArray()).map((c) => c.name);
      const counts = await Promise.all(names.map((name) => db.collection(name).countDocuments()));
      return counts.reduce((a, b) => a + b, 0);
    };
    await t.app.get(ChallengeFiguresRecorder).flush();
    // Warm: the minute and total documents of this minute exist after one refusal.
    await agent.get(authorizePath({ ...valid, code_challenge_method: 'plain' })).expect(302);
    await t.app.get(ChallengeFiguresRecorder).flush();
    const before = await documents();

    for (let i = 0; i < 20; i++) {
      await agent.get(authorizePath({ ...valid, code_challenge_method: 'plain' })).expect(302);
    }
    await t.app.get(ChallengeFiguresRecorder).flush();

    // 20 unauthenticated refusals add nothing but counts; a minute boundary may add one document.
    expect((await documents()) - before).toBeLessThanOrEqual(2);
    const names = (await db.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('challenge_rejections');
  });
});
