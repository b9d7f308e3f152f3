/**
 * PKCE per client (RFC 9700 §2.1.1, OAuth 2.1): required of public clients and, by default, of
 * every client; a confidential OpenID Connect client registered with `require_pkce: false` may
 * rely on `nonce` instead. Named after the OpenID conformance suite's OIDC Basic modules such a
 * client runs (their client sends no PKCE): `oidcc-server` driven by an independent Relying Party
 * library (openid-client 6) over real HTTP, `oidcc-ensure-request-without-nonce-succeeds-for-code-flow`,
 * `oidcc-prompt-none-not-logged-in`. Then what stays strict: public clients, the downgrade guard
 * both ways (RFC 7636 §4.6, RFC 9700 §4.8.2), non-OpenID requests, `state` without PKCE, PAR,
 * and the setting itself following OAUTH_CLIENTS from one start to the next.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { CookieBrowser, signedInBrowser } from '../../support/cookie-browser';
import request from 'supertest';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  authorizePath,
  basic,
  exchangeCode,
  login,
  pkcePair,
  clientEntry,
} from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';
import { useListeningApp } from '../../support/use-test-app';

/** A confidential OpenID Connect client that sends no PKCE, as the conformance suite's does. */
const RP = {
  id: 'rp-no-pkce',
  secret: 'rp-no-pkce-secret',
  redirectUri: 'http://127.0.0.1:7310/callback',
};
const insecure = { execute: [oidc.allowInsecureRequests] };

describe('PKCE per client: require_pkce false for a confidential OpenID Connect client', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify([clientEntry(RP, { first_party: true, require_pkce: false })]),
  });
  let signedIn: CookieBrowser;

  beforeAll(async () => {
    signedIn = await signIn();
  });

  const signIn = (browser?: CookieBrowser) => signedInBrowser(t.issuer, browser);

  /** GET /authorize of `client` in `browser`: where it sends the browser (the client's callback). */
  async function authorize(
    browser: CookieBrowser,
    client: { id: string; redirectUri: string },
    params: Record<string, string>,
  ): Promise<URL> {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: client.redirectUri,
      ...params,
    });
    const res = await browser.get(`${t.issuer}/authorize?${query.toString()}`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!, t.issuer);
  }

  const codeOf = (callback: URL) => {
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code: ${callback.searchParams.toString()}`);
    return code;
  };

  const errorOf = (callback: URL) => ({
    at: `${callback.origin}${callback.pathname}`,
    error: callback.searchParams.get('error'),
    error_description: callback.searchParams.get('error_description'),
    state: callback.searchParams.get('state'),
    code: callback.searchParams.get('code'),
  });

  async function discover(): Promise<oidc.Configuration> {
    const config = await oidc.discovery(new URL(t.issuer), RP.id, RP.secret, undefined, insecure);
    // The ID token's signature too, against jwks_uri (OpenID Connect Core §3.1.3.7 step 6).
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  it('oidcc-server: a confidential client without PKCE signs a user in; openid-client validates the ID token', async () => {
    const config = await discover();
    expect(config.serverMetadata().code_challenge_methods_supported).toEqual(['S256']);
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri,
      scope: 'openid profile',
      state,
      nonce,
    });
    expect(url.searchParams.has('code_challenge')).toBe(false);

    const callback = await authorize(signedIn, RP, Object.fromEntries(url.searchParams));
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });

    expect(tokens.claims()).toMatchObject({ iss: t.issuer, sub: 'user1', aud: RP.id, nonce });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, 'user1')).toEqual({
      sub: 'user1',
      name: 'user1',
      preferred_username: 'user1',
      updated_at: expect.any(Number),
    });
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow: a code without nonce, and an ID token without one', async () => {
    const config = await discover();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      state,
    });
    const callback = await authorize(signedIn, RP, Object.fromEntries(url.searchParams));
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callback.searchParams.get('state')).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      expectedState: state,
      idTokenExpected: true,
    });
    expect(decodeJwt(tokens.id_token!).nonce).toBeUndefined();
  });

  describe('oidcc-prompt-none-not-logged-in: login_required before any PKCE check, for every client', () => {
    it.each([
      ['a client with require_pkce false', RP],
      ['a confidential client that requires PKCE', DEMO_CLIENT],
      ['a public client', DEMO_SPA],
    ])('%s, sending no PKCE', async (_which, client) => {
      const callback = await authorize(new CookieBrowser(), client, {
        scope: 'openid',
        state: 'st-none',
        nonce: 'n-none',
        prompt: 'none',
      });
      expect(errorOf(callback)).toEqual({
        at: client.redirectUri,
        error: 'login_required',
        error_description: 'The user is not signed in, and prompt=none forbids asking',
        state: 'st-none',
        code: null,
      });
    });

    it('a signed-in user: the client that requires PKCE hears about it', async () => {
      const callback = await authorize(signedIn, DEMO_CLIENT, {
        scope: 'openid',
        state: 'st-in',
        prompt: 'none',
      });
      expect(errorOf(callback)).toMatchObject({
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      });
    });

    it('without prompt=none, a request refused for its PKCE is refused before the login page', async () => {
      const callback = await authorize(new CookieBrowser(), DEMO_CLIENT, {
        scope: 'openid',
        state: 'st-out',
      });
      expect(errorOf(callback)).toMatchObject({
        at: DEMO_CLIENT.redirectUri,
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      });
    });
  });

  it('still refuses a public client without PKCE, OpenID Connect and nonce notwithstanding', async () => {
    const callback = await authorize(signedIn, DEMO_SPA, {
      scope: 'openid',
      state: 'st-spa',
      nonce: 'n-spa',
    });
    expect(errorOf(callback)).toEqual({
      at: DEMO_SPA.redirectUri,
      error: 'invalid_request',
      error_description: 'code_challenge is required (PKCE)',
      state: 'st-spa',
      code: null,
    });
  });

  it('lets the client go without PKCE for OpenID Connect requests only', async () => {
    const callback = await authorize(signedIn, RP, { scope: 'profile', state: 'st-oauth' });
    expect(errorOf(callback)).toMatchObject({
      error: 'invalid_request',
      error_description:
        'code_challenge is required (PKCE) unless the request is OpenID Connect (scope openid)',
      code: null,
    });
  });

  describe('the downgrade guard, both ways', () => {
    it('a code issued with a challenge needs its verifier: invalid_grant without it (RFC 7636 §4.6)', async () => {
      const { verifier, challenge } = pkcePair();
      const code = codeOf(
        await authorize(signedIn, RP, {
          scope: 'openid',
          state: 'st-pkce',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const downgraded = await exchangeCode(t.app.getHttpServer(), code, undefined, RP);
      expectRefusal(
        downgraded,
        400,
        'invalid_grant',
        'code_verifier is required: the code was issued with a code_challenge',
      );
      // Refused inside the atomic consume: the code is left for the request that has the verifier.
      await exchangeCode(t.app.getHttpServer(), code, verifier, RP).expect(200);
    });

    it('a code issued without a challenge takes no verifier (RFC 9700 §4.8.2)', async () => {
      const code = codeOf(await authorize(signedIn, RP, { scope: 'openid', state: 'st-plain' }));
      const injected = await exchangeCode(t.app.getHttpServer(), code, pkcePair().verifier, RP);
      expectRefusal(injected, 400, 'invalid_grant', 'PKCE verification failed');
      const tokens = await exchangeCode(t.app.getHttpServer(), code, undefined, RP).expect(200);
      expect(decodeJwt(tokens.body.id_token as string).aud).toBe(RP.id);
    });

    it('a PKCE parameter sent follows PKCE rules: a method without a challenge is refused', async () => {
      const callback = await authorize(signedIn, RP, {
        scope: 'openid',
        state: 'st-method',
        code_challenge_method: 'S256',
      });
      expect(errorOf(callback)).toMatchObject({
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      });
    });
  });

  describe('state (OAUTH_REQUIRE_STATE) guards the requests PKCE does not', () => {
    it('is required of a request without PKCE', async () => {
      const callback = await authorize(signedIn, RP, { scope: 'openid', nonce: 'n-state' });
      expect(errorOf(callback)).toEqual({
        at: RP.redirectUri,
        error: 'invalid_request',
        error_description: 'state is required',
        state: null,
        code: null,
      });
    });

    it('is optional with PKCE, which protects the request against CSRF (RFC 9700 §4.7.1)', async () => {
      for (const client of [RP, DEMO_CLIENT]) {
        const callback = await authorize(signedIn, client, {
          scope: 'openid',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        });
        expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(callback.searchParams.get('state')).toBeNull();
      }
    });
  });

  describe('PAR (RFC 9126): a pushed request is checked the same way', () => {
    async function push(
      client: { id: string; secret?: string; redirectUri: string },
      params: Record<string, string>,
    ): Promise<Response> {
      return fetch(`${t.issuer}/par`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(client.secret ? { authorization: basic(client.id, client.secret) } : {}),
        },
        body: new URLSearchParams({
          ...(client.secret ? {} : { client_id: client.id }),
          response_type: 'code',
          redirect_uri: client.redirectUri,
          ...params,
        }).toString(),
      });
    }

    it('takes an OpenID Connect request without PKCE from the client that may send one', async () => {
      const pushed = await push(RP, { scope: 'openid', state: 'st-par', nonce: 'n-par' });
      expect(pushed.status).toBe(201);
      const { request_uri } = (await pushed.json()) as { request_uri: string };
      const code = codeOf(await authorize(signedIn, RP, { request_uri }));
      await exchangeCode(t.app.getHttpServer(), code, undefined, RP).expect(200);
    });

    it('refuses it from a public client', async () => {
      const pushed = await push(DEMO_SPA, { scope: 'openid', state: 'st-par', nonce: 'n-par' });
      expect(pushed.status).toBe(400);
      expect(await pushed.json()).toEqual({
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      });
    });
  });
});

describe('require_pkce in OAUTH_CLIENTS, changed between two starts on one database', () => {
  const entry = (settings: Record<string, unknown>) =>
    JSON.stringify([clientEntry(RP, { first_party: true, ...settings })]);

  /** A signed-in user's OpenID Connect request of RP without PKCE: what comes back. */
  async function withoutPkce(t: TestApp): Promise<URL> {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const res = await agent
      .get(
        authorizePath({
          client_id: RP.id,
          redirect_uri: RP.redirectUri,
          response_type: 'code',
          scope: 'openid',
          state: 'st-restart',
        }),
      )
      .expect(302);
    return new URL(res.headers.location);
  }

  it('takes effect at the next start, both ways: the stored client follows the configuration', async () => {
    const relaxed = await createTestApp({ OAUTH_CLIENTS: entry({ require_pkce: false }) });
    expect((await withoutPkce(relaxed)).searchParams.get('code')).toBeTruthy();
    await relaxed.close({ dropDatabase: false });

    const strict = await createTestApp({ OAUTH_CLIENTS: entry({}) });
    try {
      expect(Object.fromEntries((await withoutPkce(strict)).searchParams)).toMatchObject({
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      });
      const stored = await strict.connection
        .collection('oauth_clients')
        .findOne({ _id: RP.id as never });
      expect(stored).not.toHaveProperty('requirePkce');
    } finally {
      await strict.close();
    }
  });
});
