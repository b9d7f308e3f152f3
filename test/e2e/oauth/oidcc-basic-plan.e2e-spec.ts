/**
 * The OpenID Foundation's oidcc-basic-certification-test-plan, module by module, as a
 * certification run meets Proofgate: a static confidential client (client_secret_basic, and
 * client_secret_post for its module) registered in OAUTH_CLIENTS with `require_pkce: false`, the
 * code flow driven by an independent Relying Party library (openid-client 6: discovery, request,
 * ID token validation with non-repudiation checks, UserInfo), a browser through the login page.
 * Each test is named after the module it answers; the modules other specs answer are listed in
 * docs/CONFORMANCE.md with theirs.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { CookieBrowser } from '../../support/cookie-browser';
import { signInByEmailAt } from '../../support/email';
import { useListeningApp } from '../../support/use-test-app';

const RP = {
  id: 'oidcc-basic-rp',
  secret: 'oidcc-basic-rp-secret-0123456789',
  redirectUri: 'http://127.0.0.1:7410/callback',
};
const POST_RP = {
  id: 'oidcc-basic-post-rp',
  secret: 'oidcc-basic-post-rp-secret-0123456789',
  redirectUri: 'http://127.0.0.1:7411/callback',
};
const insecure = { execute: [oidc.allowInsecureRequests] };
const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('oidcc-basic-certification-test-plan, with a static confidential client', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify(
      [RP, POST_RP].map((client) => ({
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        first_party: true,
        require_pkce: false,
      })),
    ),
  });
  let basic: oidc.Configuration;

  beforeAll(async () => {
    basic = await oidc.discovery(new URL(t.issuer), RP.id, RP.secret, undefined, insecure);
    oidc.enableNonRepudiationChecks(basic);
  });

  /** The login page's form, filled in: the page the scripted browser of a run fills. */
  async function signIn(browser: CookieBrowser, loginPath: string): Promise<string> {
    const page = await (await browser.get(`${t.issuer}${loginPath}`)).text();
    // The login form's own fields: a signed-in page's header has a sign-out form with its own.
    const form = /<form[^>]*id="login-form"[^]*?<\/form>/.exec(page)![0];
    const res = await browser.postForm(`${t.issuer}/login`, {
      username: 'user1',
      password: 'password1',
      csrf_token: hidden(form, 'csrf_token')!,
      return_to: hidden(form, 'return_to')!,
    });
    expect(res.status).toBe(303);
    return res.headers.get('location')!;
  }

  /**
   * One authorization request in `browser`: sent to sign in when the server asks (answering the
   * login page), back to /authorize, then the redirect to the client. Resolves to that redirect
   * and whether the user was asked to sign in.
   */
  async function authorize(
    browser: CookieBrowser,
    url: URL,
  ): Promise<{ callback: URL; signedIn: boolean }> {
    let res = await browser.get(url.href);
    let signedIn = false;
    const location = new URL(res.headers.get('location')!, t.issuer);
    if (location.pathname === '/login') {
      signedIn = true;
      res = await browser.get(
        `${t.issuer}${await signIn(browser, location.pathname + location.search)}`,
      );
    }
    expect(res.status).toBe(302);
    return { callback: new URL(res.headers.get('location')!), signedIn };
  }

  interface Flow {
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    claims: oidc.IDToken;
    signedIn: boolean;
  }

  /** The code flow as openid-client runs it, without PKCE, with nonce and state. */
  async function flow(
    browser: CookieBrowser,
    parameters: Record<string, string> = {},
    config = basic,
    redirectUri = RP.redirectUri,
  ): Promise<Flow> {
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      state,
      nonce,
      ...parameters,
    });
    const { callback, signedIn } = await authorize(browser, url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    return { tokens, claims: tokens.claims()!, signedIn };
  }

  const signedInBrowser = async (): Promise<CookieBrowser> => {
    const browser = new CookieBrowser();
    await signIn(browser, '/login?return_to=%2F');
    return browser;
  };

  it('oidcc-server-client-secret-post: the code flow with client_secret_post', async () => {
    const post = await oidc.discovery(
      new URL(t.issuer),
      POST_RP.id,
      undefined,
      oidc.ClientSecretPost(POST_RP.secret),
      insecure,
    );
    const { claims } = await flow(new CookieBrowser(), {}, post, POST_RP.redirectUri);
    expect(claims).toMatchObject({ iss: t.issuer, aud: POST_RP.id, sub: 'user1' });
  });

  it('oidcc-response-type-missing: invalid_request at the redirect URI, with state', async () => {
    const url = oidc.buildAuthorizationUrl(basic, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      state: 'st-rt',
    });
    url.searchParams.delete('response_type');
    const res = await (await signedInBrowser()).get(url.href);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      error: 'invalid_request',
      error_description: 'response_type is required',
      state: 'st-rt',
    });
  });

  it('oidcc-idtoken-signature: an ID token signed by a key of jwks_uri, with its kid, in an advertised algorithm', async () => {
    const { tokens } = await flow(new CookieBrowser());
    const [header] = tokens.id_token!.split('.');
    const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
      alg: string;
      kid: string;
    };
    const metadata = basic.serverMetadata();
    expect(metadata.id_token_signing_alg_values_supported).toContain(alg);
    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toContain(kid);
  });

  it('oidcc-idtoken-unsigned: not offered (no "none" in id_token_signing_alg_values_supported), so the suite skips it', () => {
    expect(basic.serverMetadata().id_token_signing_alg_values_supported).not.toContain('none');
  });

  it('oidcc-userinfo-get and oidcc-userinfo-post-header: the same sub as the ID token', async () => {
    const { tokens, claims } = await flow(new CookieBrowser());
    const info = await oidc.fetchUserInfo(basic, tokens.access_token, claims.sub);
    expect(info.sub).toBe(claims.sub);
    const posted = await fetch(`${t.issuer}/userinfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await posted.json()).toMatchObject({ sub: claims.sub });
  });

  it('oidcc-scope-email: a user with a verified address gets email and email_verified, in the ID token and at userinfo', async () => {
    expect(basic.serverMetadata().scopes_supported).toContain('email');
    const browser = new CookieBrowser();
    const email = `oidcc-scope-email-${Date.now()}@example.test`;
    // The run's test user: one that signed in by email (or had an address linked).
    await signInByEmailAt(t.issuer, browser, email);
    const { tokens, claims } = await flow(browser, { scope: 'openid email' });
    expect(claims).toMatchObject({ email, email_verified: true, amr: ['otp'] });
    const info = await oidc.fetchUserInfo(basic, tokens.access_token, claims.sub);
    expect(info).toEqual({ sub: claims.sub, email, email_verified: true });
    // A user without an address gets neither: Core §5.4 returns the claims an account has.
    const password = await flow(new CookieBrowser(), { scope: 'openid email' });
    expect(password.claims).not.toHaveProperty('email');
    const none = await oidc.fetchUserInfo(basic, password.tokens.access_token, 'user1');
    expect(none).toEqual({ sub: 'user1' });
  });

  it('oidcc-scope-address, oidcc-scope-phone, oidcc-scope-all: scopes not advertised, so the suite skips them', () => {
    const scopes = basic.serverMetadata().scopes_supported ?? [];
    expect(scopes).toContain('openid');
    for (const scope of ['address', 'phone']) expect(scopes).not.toContain(scope);
  });

  it('oidcc-alternate-happy-flow: the scope values and the parameters in another order', async () => {
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = new URL(`${t.issuer}/authorize`);
    for (const [name, value] of [
      ['nonce', nonce],
      ['scope', 'profile openid'],
      ['state', state],
      ['redirect_uri', RP.redirectUri],
      ['client_id', RP.id],
      ['response_type', 'code'],
    ]) {
      url.searchParams.set(name, value);
    }
    const { callback } = await authorize(new CookieBrowser(), url);
    const tokens = await oidc.authorizationCodeGrant(basic, callback, {
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it.each([
    ['oidcc-display-page', { display: 'page' }],
    ['oidcc-display-popup', { display: 'popup' }],
    ['oidcc-login-hint', { login_hint: 'user1' }],
    ['oidcc-ui-locales', { ui_locales: 'se' }],
    ['oidcc-claims-locales', { claims_locales: 'se' }],
    ['oidcc-ensure-request-with-unknown-parameter-succeeds', { extra: 'foobar' }],
  ])('%s: the parameter does not stop the flow', async (_module, parameters) => {
    const { claims } = await flow(new CookieBrowser(), parameters);
    expect(claims.sub).toBe('user1');
  });

  it('oidcc-prompt-none-logged-in: a second request with prompt=none asks nothing; sub and auth_time agree', async () => {
    const browser = new CookieBrowser();
    const first = await flow(browser);
    const second = await flow(browser, { prompt: 'none' });
    expect(second.signedIn).toBe(false);
    expect(second.claims.sub).toBe(first.claims.sub);
    expect(second.claims.auth_time).toBe(first.claims.auth_time);
  });

  it('oidcc-id-token-hint: prompt=none with the first ID token as id_token_hint succeeds at once', async () => {
    const browser = new CookieBrowser();
    const first = await flow(browser);
    const second = await flow(browser, { prompt: 'none', id_token_hint: first.tokens.id_token! });
    expect(second.signedIn).toBe(false);
    expect(second.claims.sub).toBe(first.claims.sub);
    expect(second.claims.auth_time).toBe(first.claims.auth_time);
  });

  it('oidcc-max-age-1: a second request a second later with max_age=1 signs the user in again, with a new auth_time', async () => {
    const browser = new CookieBrowser();
    const first = await flow(browser);
    t.clock.advance(2);
    const second = await flow(browser, { max_age: '1' });
    expect(second.signedIn).toBe(true);
    expect(second.claims.auth_time).toBeGreaterThan(first.claims.auth_time!);
  });

  it('oidcc-max-age-10000: a recent sign-in is enough, and the ID token has auth_time', async () => {
    const browser = new CookieBrowser();
    await flow(browser);
    const second = await flow(browser, { max_age: '10000' });
    expect(second.signedIn).toBe(false);
    expect(second.claims.auth_time).toEqual(expect.any(Number));
  });

  it('oidcc-prompt-login: prompt=login signs the user in again, even with a session', async () => {
    const browser = new CookieBrowser();
    const first = await flow(browser);
    t.clock.advance(2);
    const second = await flow(browser, { prompt: 'login' });
    expect(second.signedIn).toBe(true);
    expect(second.claims.auth_time).toBeGreaterThan(first.claims.auth_time!);
  });

  it('oidcc-codereuse and oidcc-codereuse-30seconds: a code used again, at once or 30 s later, is invalid_grant and revokes its tokens', async () => {
    for (const wait of [0, 30]) {
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(basic, {
        redirect_uri: RP.redirectUri,
        scope: 'openid',
        state,
      });
      const { callback } = await authorize(new CookieBrowser(), url);
      const tokens = await oidc.authorizationCodeGrant(basic, callback, { expectedState: state });
      t.clock.advance(wait);
      await expect(
        oidc.authorizationCodeGrant(basic, callback, { expectedState: state }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      const info = await fetch(`${t.issuer}/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(info.status).toBe(401);
    }
  });

  it('oidcc-ensure-registered-redirect-uri: an unregistered redirect URI is an error page, never a redirect', async () => {
    const url = oidc.buildAuthorizationUrl(basic, {
      redirect_uri: 'https://attacker.example/callback',
      scope: 'openid',
      state: 'st',
    });
    const res = await (await signedInBrowser()).get(url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri is not registered for this client');
  });

  it('oidcc-refresh-token: offline_access gives a refresh token, which refreshes for its own client only', async () => {
    expect(basic.serverMetadata().scopes_supported).toContain('offline_access');
    const { tokens } = await flow(new CookieBrowser(), { scope: 'openid offline_access' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(basic, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    const other = await oidc.discovery(
      new URL(t.issuer),
      POST_RP.id,
      undefined,
      oidc.ClientSecretPost(POST_RP.secret),
      insecure,
    );
    await expect(oidc.refreshTokenGrant(other, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('oidcc-ensure-request-with-valid-pkce-succeeds: PKCE from a client that need not send it is honoured', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(basic, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callback } = await authorize(new CookieBrowser(), url);
    const tokens = await oidc.authorizationCodeGrant(basic, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      idTokenExpected: true,
    });
    expect(decodeJwt(tokens.id_token!).sub).toBe('user1');
  });
});
