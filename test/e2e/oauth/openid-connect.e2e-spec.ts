/**
 * OpenID Connect Core basics driven by an independent Relying Party library (openid-client 6,
 * by the author of jose) over real HTTP: discovery, the code flow with PKCE and a nonce, the
 * ID token validated by the library (signature against jwks_uri, iss, aud, exp, nonce), then
 * UserInfo; for a password user and for a wallet user signing in with Ethereum on the login
 * page. The ID token's claims are then checked against the spec on their own, `at_hash` computed
 * here with node:crypto.
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { CookieBrowser } from '../../support/cookie-browser';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  exchangeCode,
  login,
  obtainCode,
  refresh,
} from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';
import { useListeningApp } from '../../support/use-test-app';

const ENV = {
  RATE_LIMIT_LOGIN_PER_IP: '100000',
  RATE_LIMIT_WALLET_PER_IP: '100000',
  RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
};

const insecure = { execute: [oidc.allowInsecureRequests] };

function csrfTokenOf(page: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('No csrf_token on the login page');
  return match[1];
}

/** OpenID Connect Core §3.1.3.6, computed independently: left half of SHA-256, base64url. */
function atHash(accessToken: string): string {
  return createHash('sha256')
    .update(accessToken, 'ascii')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

describe('OpenID Connect with an independent Relying Party (openid-client)', () => {
  const t = useListeningApp(ENV);

  /** The browser's part: /authorize, the login page, a login, and back to the client. */
  async function authorize(
    url: URL,
    signIn: (browser: CookieBrowser, csrfToken: string, returnTo: string) => Promise<string>,
  ): Promise<URL> {
    const browser = new CookieBrowser();
    const first = await browser.get(url.href);
    expect(first.status).toBe(302);
    const loginUrl = new URL(first.headers.get('location')!, t.issuer);
    expect(loginUrl.pathname).toBe('/login');
    const page = await (await browser.get(loginUrl.href)).text();
    const next = await signIn(browser, csrfTokenOf(page), loginUrl.searchParams.get('return_to')!);
    const back = await browser.get(new URL(next, t.issuer).href);
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  const withPassword = async (browser: CookieBrowser, csrfToken: string, returnTo: string) => {
    const res = await browser.postForm(`${t.issuer}/login`, {
      username: 'user1',
      password: 'password1',
      csrf_token: csrfToken,
      return_to: returnTo,
    });
    expect(res.status).toBe(303);
    return res.headers.get('location')!;
  };

  const withWallet =
    (account: PrivateKeyAccount) =>
    async (browser: CookieBrowser, csrfToken: string, returnTo: string) => {
      const issued = await browser.postJson(`${t.issuer}/wallet/nonce`, {
        address: account.address,
        chainId: 1,
      });
      expect(issued.status).toBe(201);
      const { message } = (await issued.json()) as { message: string };
      const res = await browser.postJson(`${t.issuer}/login/siwe`, {
        message,
        signature: await account.signMessage({ message }),
        csrf_token: csrfToken,
        return_to: returnTo,
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { redirect: string }).redirect;
    };

  /** The standard code flow with PKCE and a nonce, as the library runs it. */
  async function codeFlow(
    config: oidc.Configuration,
    redirectUri: string,
    signIn: Parameters<typeof authorize>[1],
  ) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await authorize(url, signIn);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    return { tokens, nonce };
  }

  async function discover(clientId: string, secret?: string): Promise<oidc.Configuration> {
    const config = secret
      ? await oidc.discovery(new URL(t.issuer), clientId, secret, undefined, insecure)
      : await oidc.discovery(new URL(t.issuer), clientId, undefined, oidc.None(), insecure);
    // Also verify the ID token's signature with the keys from jwks_uri (Core §3.1.3.7 step 6).
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /** When the login session behind `sub` started, in seconds, as the database holds it. */
  async function sessionAuthTime(sub: string): Promise<number> {
    const session = await t.connection.collection(SESSION_COLLECTION).findOne({ sub });
    return Math.floor((session!.authTime as Date).getTime() / 1000);
  }

  it('signs a password user in: ID token validated by the library, then UserInfo', async () => {
    const config = await discover(DEMO_CLIENT.id, DEMO_CLIENT.secret);
    expect(config.serverMetadata()).toMatchObject({
      issuer: t.issuer,
      userinfo_endpoint: `${t.issuer}/userinfo`,
      subject_types_supported: ['public'],
    });
    const { tokens, nonce } = await codeFlow(config, DEMO_CLIENT.redirectUri, withPassword);

    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: t.issuer, sub: 'user1', aud: DEMO_CLIENT.id, nonce });
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.auth_time).toBe(await sessionAuthTime('user1'));
    expect(claims.auth_time!).toBeLessThanOrEqual(claims.iat);
    expect(claims.at_hash).toBe(atHash(tokens.access_token));

    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userInfo).toEqual({
      sub: 'user1',
      name: 'user1',
      preferred_username: 'user1',
      updated_at: expect.any(Number),
    });
  });

  it('signs a wallet user in with Ethereum on the login page: sub is the CAIP-10 account', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const config = await discover(DEMO_SPA.id);
    const { tokens, nonce } = await codeFlow(config, DEMO_SPA.redirectUri, withWallet(account));

    const sub = `eip155:1:${account.address}`;
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: t.issuer, sub, aud: DEMO_SPA.id, nonce, amr: ['siwe'] });
    expect(claims.auth_time).toBe(await sessionAuthTime(sub));
    expect(claims.at_hash).toBe(atHash(tokens.access_token));
    expect(await oidc.fetchUserInfo(config, tokens.access_token, sub)).toEqual({ sub });

    // The same account signing in directly at /wallet/verify is the same subject.
    const direct = new CookieBrowser();
    const issued = await direct.postJson(`${t.issuer}/wallet/nonce`, {
      address: account.address,
      chainId: 1,
    });
    const { message } = (await issued.json()) as { message: string };
    const verified = await direct.postJson(`${t.issuer}/wallet/verify`, {
      message,
      signature: await account.signMessage({ message }),
    });
    const { access_token } = (await verified.json()) as { access_token: string };
    expect(decodeJwt(access_token).sub).toBe(sub);
  });

  it('rejects, in the library, an ID token whose nonce is not the one it sent', async () => {
    const config = await discover(DEMO_CLIENT.id, DEMO_CLIENT.secret);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: DEMO_CLIENT.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce: 'sent-by-someone-else',
    });
    const callback = await authorize(url, withPassword);
    const refused = await oidc
      .authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedNonce: oidc.randomNonce(),
        expectedState: state,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      cause: { cause: { claim: 'nonce' } },
    });
  });
});

describe('OpenID Connect rules (supertest)', () => {
  let t: TestApp;
  let agent: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();

  async function tokensFor(scope: string, nonce?: string) {
    const { code, verifier } = await obtainCode(agent, { scope, nonce });
    return (await exchangeCode(server(), code, verifier).expect(200)).body as {
      access_token: string;
      refresh_token: string;
      id_token?: string;
      scope: string;
    };
  }

  it('issues an ID token only for the openid scope, signed like the access token', async () => {
    expect((await tokensFor('profile')).id_token).toBeUndefined();

    const tokens = await tokensFor('openid', 'n-0S6_WzA2Mj');
    const header = decodeProtectedHeader(tokens.id_token!);
    const accessHeader = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: accessHeader.alg, kid: accessHeader.kid, typ: 'JWT' });
    const claims = decodeJwt(tokens.id_token!);
    expect(Object.keys(claims).sort()).toEqual(
      [
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'at_hash',
        'amr',
        'acr',
        'sid',
      ].sort(),
    );
    expect(claims).toMatchObject({
      iss: t.config.server.issuer,
      sub: 'user0',
      aud: DEMO_CLIENT.id,
      nonce: 'n-0S6_WzA2Mj',
      amr: ['pwd'],
      at_hash: atHash(tokens.access_token),
      // Back-Channel Logout 1.0 §2.1: the login session's identifier (never its cookie).
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(claims.exp! - claims.iat!).toBe(t.config.tokens.accessTokenTtlSeconds);
  });

  it('sends no nonce claim when the request had none', async () => {
    const claims = decodeJwt((await tokensFor('openid')).id_token!);
    expect(claims.nonce).toBeUndefined();
  });

  it('refuses a nonce longer than 512 characters with invalid_request at the redirect URI', async () => {
    const { location } = await agent
      .get(
        `/authorize?${new URLSearchParams({
          client_id: DEMO_CLIENT.id,
          redirect_uri: DEMO_CLIENT.redirectUri,
          response_type: 'code',
          state: 's',
          scope: 'openid',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          nonce: 'n'.repeat(513),
        }).toString()}`,
      )
      .expect(302)
      .then((res) => ({ location: new URL(res.headers.location) }));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe(
      'nonce is longer than 512 characters',
    );
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('issues no ID token on refresh (Core §12.2 makes it optional)', async () => {
    const tokens = await tokensFor('openid profile');
    const refreshed = await refresh(server(), tokens.refresh_token).expect(200);
    expect(refreshed.body.id_token).toBeUndefined();
    expect(refreshed.body.scope).toBe('openid profile');
  });

  it('answers /userinfo by GET and POST for an openid token, 401 or 403 per RFC 6750 otherwise', async () => {
    const withOpenid = await tokensFor('openid');
    for (const send of [t.http().get('/userinfo'), t.http().post('/userinfo')]) {
      const res = await send.set('Authorization', `Bearer ${withOpenid.access_token}`).expect(200);
      expect(res.body).toEqual({ sub: 'user0' });
      expect(res.headers['cache-control']).toBe('no-store');
    }

    const none = await t.http().get('/userinfo').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="proofgate"');

    const bad = await t.http().post('/userinfo').set('Authorization', 'Bearer nope').expect(401);
    expect(bad.body.error).toBe('invalid_token');
    expect(bad.headers['www-authenticate']).toMatch(
      /^Bearer realm="proofgate", error="invalid_token"/,
    );

    const noOpenid = await tokensFor('profile');
    const refused = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `Bearer ${noOpenid.access_token}`);
    expectRefusal(
      refused,
      403,
      'insufficient_scope',
      'The access token was not issued for the openid scope',
    );
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="proofgate", error="insufficient_scope", error_description="The access token was not issued for the openid scope", scope="openid"',
    );
  });

  it('oidcc-userinfo-post-body: takes the token as the form parameter access_token of a POST (RFC 6750 §2.2), never in two places', async () => {
    const { access_token } = await tokensFor('openid');
    const res = await t.http().post('/userinfo').type('form').send({ access_token }).expect(200);
    expect(res.body).toEqual({ sub: 'user0' });

    const both = await t
      .http()
      .post('/userinfo')
      .set('Authorization', `Bearer ${access_token}`)
      .type('form')
      .send({ access_token });
    expectRefusal(
      both,
      400,
      'invalid_request',
      'The access token came both in the Authorization header and in the body: send one',
    );
    const forged = await t
      .http()
      .post('/userinfo')
      .type('form')
      .send({ access_token: 'nope' })
      .expect(401);
    expect(forged.body.error).toBe('invalid_token');
  });

  it('publishes OpenID Provider metadata consistent with the RFC 8414 document', async () => {
    const oauth = (await t.http().get('/.well-known/oauth-authorization-server').expect(200)).body;
    const openid = (await t.http().get('/.well-known/openid-configuration').expect(200)).body;
    expect(openid).toEqual({
      ...oauth,
      userinfo_endpoint: `${t.config.server.issuer}/userinfo`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      userinfo_signing_alg_values_supported: ['ES256', 'RS256'],
      claims_supported: expect.arrayContaining(['sub', 'auth_time', 'nonce', 'at_hash', 'amr']),
      claims_parameter_supported: true,
    });
    expect(openid.response_types_supported).toEqual(['code']);
    expect(openid.scopes_supported).toContain('openid');
  });

  it('advertises the scopes it grants, email, identity and age among them, and the email claims', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]) {
      const metadata = (await t.http().get(path).expect(200)).body;
      expect({ path, scopes: metadata.scopes_supported }).toEqual({
        path,
        scopes: [
          'openid',
          'profile',
          'email',
          'api',
          'account',
          'offline_access',
          'identity',
          'age',
        ],
      });
    }
    const openid = (await t.http().get('/.well-known/openid-configuration').expect(200)).body;
    expect(openid.claims_supported).toEqual(expect.arrayContaining(['email', 'email_verified']));
  });
});
