/**
 * Step-up authentication at /authorize (OpenID Connect Core §3.1.2.1, RFC 9470, OpenID EAP ACR
 * values), driven by oauth4webapi as the client over real HTTP and by a cookie-keeping browser
 * through the login page: `max_age` and `prompt=login` force a new sign-in and come back to the
 * same request, `prompt=none` answers instead of showing a page, and `phr` is achieved only by a
 * passkey sign-in (the lab's software authenticator), whose `acr` the ID token, the access token,
 * introspection and refreshes carry. `acr_values=phr` offers it (a voluntary claim: whatever the
 * user signs in with, the request goes on and the tokens say what was achieved); an essential
 * `acr` claim request, or a scope's or resource's minimum, requires it.
 */
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { type Agent, DEMO_CLIENT, login, pushAuthorizationRequest } from '../../support/oauth';
import { INSECURE, codeRequest, discover } from '../../support/oauth-discovery';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import type { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { type TestApp, startListeningApp } from '../../support/test-app';
import { hiddenField } from '../../support/login-form';

const MCP_RESOURCE = 'http://localhost:25004/mcp';
/** The acr of a sign-in that is not phishing-resistant (a password, a wallet). */
const SIGNED_IN = 'urn:proofgate:acr:1fa';
/** OpenID Connect Core §5.5.1.1: `phr` as an essential claim, which must be met. */
const ESSENTIAL_PHR = JSON.stringify({ id_token: { acr: { essential: true, values: ['phr'] } } });

describe('step-up authentication at /authorize (max_age, prompt, acr_values=phr)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: DEMO_CLIENT.id };
  const clientAuth = oauth.ClientSecretBasic(DEMO_CLIENT.secret);
  /** user1's passkey, added on the account page in beforeAll. */
  let passkey: SoftwareAuthenticator;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp(
      {
        ACR_REQUIRED_BY_SCOPE: JSON.stringify({ account: 'phr' }),
        ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [MCP_RESOURCE]: 'phr' }),
        ACCOUNT_CHANGES_REQUIRE_PHR: 'true',
        RATE_LIMIT_LOGIN_PER_IP: '1000',
      },
      'localhost',
    ));
    as = await discover(issuer, 'oidc');
    passkey = await addPasskeyOnAccountPage(await passwordBrowser(), issuer);
  });
  afterAll(() => t.close());

  /** A browser signed in as user1 with the password. */
  async function passwordBrowser(): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer());
    await login(browser, '/', 'user1', 'password1');
    return browser;
  }

  /** An authorization request of demo-client (openid, PKCE, state, nonce) with `extra`. */
  async function authorizationRequest(extra: Record<string, string> = {}) {
    const nonce = oauth.generateRandomNonce();
    const req = await codeRequest(DEMO_CLIENT.redirectUri, { scope: 'openid', nonce, ...extra });
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: client.client_id, ...req.parameters }).toString();
    return { ...req, nonce, path: `${url.pathname}${url.search}` };
  }

  /** Where /authorize (or any step) redirected: a path on this server, or the client's URL. */
  function location(res: request.Response): URL {
    return new URL(res.headers.location, issuer);
  }

  /** The client's side of the callback: checked by the library (state, iss), then redeemed. */
  async function redeem(
    callback: URL,
    req: { state: string; verifier: string; nonce: string },
    maxAge?: number,
  ) {
    const params = oauth.validateAuthResponse(as, client, callback, req.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      DEMO_CLIENT.redirectUri,
      req.verifier,
      INSECURE,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: req.nonce,
      // The library then requires auth_time and checks it against max_age (Core §3.1.3.7).
      ...(maxAge === undefined ? {} : { maxAge }),
    });
    return { tokens, idToken: oauth.getValidatedIdTokenClaims(tokens)! };
  }

  /** The library's reading of an error callback: the error it raises. */
  function callbackError(callback: URL, state: string): oauth.AuthorizationResponseError {
    try {
      oauth.validateAuthResponse(as, client, callback, state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) return error;
      throw error;
    }
    throw new Error(`no error in ${callback.href}`);
  }

  /** An attribute's value as the browser reads it (the page escapes `&` in URLs). */
  function unescaped(value: string): string {
    return value.replaceAll('&amp;', '&');
  }

  /** The login page's "Cancel and go back" form (a signed-in page has the header's sign-out form too). */
  function cancelForm(html: string): string {
    const form = /<form[^>]*id="cancel-authorization"[\s\S]*?<\/form>/.exec(html)?.[0];
    if (!form) throw new Error('no cancel form on the login page');
    return form;
  }

  /** Signs `browser` in again with the password on the login page /authorize sent it to. */
  async function passwordSignInAt(browser: Agent, loginPage: URL): Promise<URL> {
    const returnTo = loginPage.searchParams.get('return_to')!;
    const done = await login(browser, returnTo, 'user1', 'password1');
    return location(done);
  }

  it('advertises acr_values_supported [urn:proofgate:acr:1fa, phr, phrh] in both metadata documents', async () => {
    expect(as.acr_values_supported).toEqual([SIGNED_IN, 'phr', 'phrh']);
    const rfc8414 = await discover(issuer, 'oauth2');
    expect(rfc8414.acr_values_supported).toEqual([SIGNED_IN, 'phr', 'phrh']);
    expect(as.claims_supported).toContain('acr');
  });

  it('max_age: a session younger than it gets a code at once, with auth_time in the ID token', async () => {
    const browser = await passwordBrowser();
    const signedInAt = Math.floor(t.clock.now().getTime() / 1000);
    const req = await authorizationRequest({ max_age: '600' });
    const res = await browser.get(req.path).expect(302);
    expect(location(res).origin).toBe('http://localhost:25001');
    const { idToken } = await redeem(location(res), req, 600);
    expect(idToken.auth_time).toBeGreaterThanOrEqual(signedInAt - 1);
    expect(idToken.auth_time).toBeLessThanOrEqual(signedInAt + 1);
  });

  it('max_age: an older session is sent to sign in again, and comes back to the same request', async () => {
    const browser = await passwordBrowser();
    const before = Math.floor(t.clock.now().getTime() / 1000);
    t.clock.advance(120);
    try {
      const req = await authorizationRequest({ max_age: '60' });
      const toLogin = location(await browser.get(req.path).expect(302));
      expect(toLogin.pathname).toBe('/login');
      const back = await passwordSignInAt(browser, toLogin);
      // The same request, with the marker of when it sent the user away.
      expect(back.pathname).toBe('/authorize');
      expect(back.searchParams.get('state')).toBe(req.state);
      expect(back.searchParams.get('max_age')).toBe('60');
      const callback = location(await browser.get(`${back.pathname}${back.search}`).expect(302));
      const claims = decodeJwt(
        (
          await oauth
            .authorizationCodeGrantRequest(
              as,
              client,
              clientAuth,
              oauth.validateAuthResponse(as, client, callback, req.state),
              DEMO_CLIENT.redirectUri,
              req.verifier,
              INSECURE,
            )
            .then((r) => r.json() as Promise<{ id_token: string }>)
        ).id_token,
      );
      // The new sign-in's time, not the old session's (the library's own max_age check runs on
      // the real clock, which this test has moved away from: the claim is read directly here).
      expect(claims.auth_time).toBeGreaterThanOrEqual(before + 120);
    } finally {
      t.clock.advance(-120);
    }
  });

  it('max_age=0 and prompt=login: always a new sign-in, then a code (no loop)', async () => {
    for (const extra of [{ max_age: '0' }, { prompt: 'login' }] as Record<string, string>[]) {
      const browser = await passwordBrowser();
      const req = await authorizationRequest(extra);
      const toLogin = location(await browser.get(req.path).expect(302));
      expect(toLogin.pathname).toBe('/login');
      const back = await passwordSignInAt(browser, toLogin);
      const callback = location(await browser.get(`${back.pathname}${back.search}`).expect(302));
      expect(callback.origin).toBe('http://localhost:25001');
      const { idToken } = await redeem(callback, req, extra.max_age === '0' ? 60 : undefined);
      expect(idToken.auth_time).toEqual(expect.any(Number));
    }
  });

  it('the marker is not the client’s to make: a made-up one is ignored', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ prompt: 'login' });
    for (const forged of [`${Date.now() - 1_000_000}.${'A'.repeat(43)}`, 'A'.repeat(43)]) {
      const path = `${req.path}&pg_signin=${forged}&pg_signin_since=${forged}`;
      expect(location(await browser.get(path).expect(302)).pathname).toBe('/login');
    }
  });

  /** Sends `browser` to sign in for the request at `path`, signs it in: the way back. */
  async function signInFor(browser: Agent, path: string): Promise<string> {
    const toLogin = location(await browser.get(path).expect(302));
    expect(toLogin.pathname).toBe('/login');
    const back = await passwordSignInAt(browser, toLogin);
    expect(back.pathname).toBe('/authorize');
    return `${back.pathname}${back.search}`;
  }

  /** The marker the way back carries: the parameter it has that the request had not. */
  function markerOf(back: string, path: string): string {
    const sent = new URL(path, issuer).searchParams;
    const added = [...new URL(back, issuer).searchParams].filter(([name]) => !sent.has(name));
    expect(added).toHaveLength(1);
    return new URLSearchParams(added).toString();
  }

  it('a marker replayed in another browser (its own cookies, a session newer than the marker) sends it to sign in', async () => {
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const owner = await passwordBrowser();
      const req = await authorizationRequest(extra);
      const back = await signInFor(owner, req.path);
      const other = await passwordBrowser();
      expect(location(await other.get(back).expect(302)).pathname).toBe('/login');
      // The marker stays its own browser's: the way back still gets that browser the code.
      const callback = location(await owner.get(back).expect(302));
      expect(callback.origin).toBe('http://localhost:25001');
      await redeem(callback, req, extra.max_age === '0' ? 60 : undefined);
    }
  });

  it('a marker counts once: the very same request with it again, in the same browser, is sent to sign in again', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ prompt: 'login' });
    const back = await signInFor(browser, req.path);
    await redeem(location(await browser.get(back).expect(302)), req);

    // The same parameters and the same marker once more: a new sign-in, not a second code.
    const again = location(await browser.get(back).expect(302));
    expect(again.pathname).toBe('/login');
    const backAgain = await passwordSignInAt(browser, again);
    expect(markerOf(`${backAgain.pathname}${backAgain.search}`, req.path)).not.toBe(
      markerOf(back, req.path),
    );
  });

  it('a marker counts for its own request only: another request of the client, in the same browser, is sent to sign in', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ prompt: 'login' });
    const back = await signInFor(browser, req.path);
    const another = await authorizationRequest({ prompt: 'login' });
    const borrowed = `${another.path}&${markerOf(back, req.path)}`;
    expect(location(await browser.get(borrowed).expect(302)).pathname).toBe('/login');
    // Still its own request's.
    await redeem(location(await browser.get(back).expect(302)), req);
  });

  it('prompt=none: login_required without a session, or with one older than max_age', async () => {
    const anonymous = request.agent(t.app.getHttpServer());
    const req = await authorizationRequest({ prompt: 'none' });
    const error = callbackError(location(await anonymous.get(req.path).expect(302)), req.state);
    expect(error.error).toBe('login_required');

    const browser = await passwordBrowser();
    t.clock.advance(120);
    try {
      const old = await authorizationRequest({ prompt: 'none', max_age: '60' });
      const stale = callbackError(location(await browser.get(old.path).expect(302)), old.state);
      expect(stale.error).toBe('login_required');
    } finally {
      t.clock.advance(-120);
    }
    const both = await authorizationRequest({ prompt: 'none login' });
    const invalid = callbackError(location(await browser.get(both.path).expect(302)), both.state);
    expect(invalid.error).toBe('invalid_request');
  });

  it('an essential acr claim of phr with a password session: the passkey step, then acr=phr in every token', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ claims: ESSENTIAL_PHR, scope: 'openid profile' });
    const toLogin = location(await browser.get(req.path).expect(302));
    expect(toLogin.pathname).toBe('/login');
    expect(toLogin.searchParams.get('acr_values')).toBe('phr');

    // The page offers only what meets phr, and says so.
    const page = await browser.get(`${toLogin.pathname}${toLogin.search}`).expect(200);
    expect(page.text).toContain('id="step-up"');
    expect(page.text).toContain('phishing-resistant');
    expect(page.text).not.toContain('id="username"');
    expect(page.text).toContain('id="passkey-login"');
    expect(page.text).not.toContain('id="siwe-login"');

    const back = new URL(
      await passkeySignIn(browser, passkey, `${toLogin.pathname}${toLogin.search}`),
      issuer,
    );
    const callback = location(await browser.get(`${back.pathname}${back.search}`).expect(302));
    const { tokens, idToken } = await redeem(callback, req);
    expect(idToken).toMatchObject({
      sub: 'user1',
      acr: 'phr',
      amr: expect.arrayContaining(['pop']),
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      acr: 'phr',
      auth_time: idToken.auth_time,
    });

    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, tokens.access_token, INSECURE),
    );
    expect(introspected).toMatchObject({ active: true, acr: 'phr', auth_time: idToken.auth_time });

    // A refresh is no new authentication: the grant's acr and auth_time stay.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, INSECURE),
    );
    expect(decodeJwt(refreshed.access_token)).toMatchObject({
      acr: 'phr',
      auth_time: idToken.auth_time,
    });
    const refreshIntrospected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.refresh_token!, INSECURE),
    );
    expect(refreshIntrospected).toMatchObject({ active: true, acr: 'phr' });
  });

  it('acr_values=phr (voluntary) with a password session: the passkey is offered beside the other ways, and the passkey sign-in gets phr', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ acr_values: 'phr' });
    const toLogin = location(await browser.get(req.path).expect(302));
    expect(toLogin.pathname).toBe('/login');
    expect(toLogin.searchParams.get('acr_preferred')).toBe('phr');
    expect(toLogin.searchParams.get('acr_values')).toBeNull();

    const page = await browser.get(`${toLogin.pathname}${toLogin.search}`).expect(200);
    expect(page.text).toContain('id="step-up-offer"');
    expect(page.text).toContain('phishing-resistant');
    expect(page.text).toContain('id="passkey-login"');
    // Voluntary: the other ways stay, and a signed-in user may go on as they are.
    expect(page.text).toContain('id="username"');
    expect(page.text).toContain('id="siwe-login"');
    expect(page.text).toContain('id="continue-without-passkey"');

    const back = new URL(
      await passkeySignIn(browser, passkey, `${toLogin.pathname}${toLogin.search}`),
      issuer,
    );
    const callback = location(await browser.get(`${back.pathname}${back.search}`).expect(302));
    const { tokens, idToken } = await redeem(callback, req);
    expect(idToken).toMatchObject({ sub: 'user1', acr: 'phr' });
    expect(decodeJwt(tokens.access_token).acr).toBe('phr');
  });

  it('acr_values=phr (voluntary): a user who signs in with the password again, or goes on without a passkey, gets a code whose tokens say 1fa (offered once, no loop)', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ acr_values: 'phr' });
    const toLogin = location(await browser.get(req.path).expect(302));
    const callback = await passwordSignInAt(browser, toLogin);
    const code = location(await browser.get(`${callback.pathname}${callback.search}`).expect(302));
    const { tokens, idToken } = await redeem(code, req);
    expect(idToken).toMatchObject({ sub: 'user1', acr: SIGNED_IN, amr: ['pwd'] });
    expect(decodeJwt(tokens.access_token).acr).toBe(SIGNED_IN);

    // Already signed in: "Continue without a passkey" goes back to the request, which goes on.
    const again = await authorizationRequest({ acr_values: 'phr' });
    const offer = location(await browser.get(again.path).expect(302));
    const page = await browser.get(`${offer.pathname}${offer.search}`).expect(200);
    const goOn = /href="([^"]+)" id="continue-without-passkey"/.exec(page.text);
    expect(goOn?.[1]).toBeDefined();
    const returnTo = new URL(unescaped(goOn![1]), issuer);
    expect(returnTo.href).toBe(new URL(offer.searchParams.get('return_to')!, issuer).href);
    const { idToken: weak } = await redeem(
      location(await browser.get(`${returnTo.pathname}${returnTo.search}`).expect(302)),
      again,
    );
    expect(weak.acr).toBe(SIGNED_IN);
  });

  it('a user who cannot step up goes back to the client: Cancel on the login page answers access_denied with state and iss', async () => {
    const browser = await passwordBrowser();
    const req = await authorizationRequest({ acr_values: 'phr' });
    const toLogin = location(await browser.get(req.path).expect(302));
    const page = await browser.get(`${toLogin.pathname}${toLogin.search}`).expect(200);
    const cancel = cancelForm(page.text);
    expect(cancel).toContain('Cancel and go back to');
    const back = await browser
      .post('/consent')
      .type('form')
      .send({
        decision: 'deny',
        csrf_token: hiddenField(cancel, 'csrf_token'),
        return_to: unescaped(hiddenField(cancel, 'return_to')),
      })
      .expect(303);
    const error = callbackError(new URL(back.headers.location), req.state);
    expect(error.error).toBe('access_denied');

    // Signed out, the same: nothing is needed to say no. A forged request goes nowhere else.
    const stranger = request.agent(t.app.getHttpServer());
    const loginPage = await stranger.get(`${toLogin.pathname}${toLogin.search}`).expect(200);
    const csrf = hiddenField(cancelForm(loginPage.text), 'csrf_token');
    const returnTo = unescaped(hiddenField(cancelForm(loginPage.text), 'return_to'));
    const cancelled = await stranger
      .post('/consent')
      .type('form')
      .send({ decision: 'deny', csrf_token: csrf, return_to: returnTo })
      .expect(303);
    expect(callbackError(new URL(cancelled.headers.location), req.state).error).toBe(
      'access_denied',
    );
    const forged = returnTo.replace(
      encodeURIComponent(new URL(DEMO_CLIENT.redirectUri).origin),
      encodeURIComponent('https://attacker.example'),
    );
    expect(forged).not.toBe(returnTo);
    const refused = await stranger
      .post('/consent')
      .type('form')
      .send({ decision: 'deny', csrf_token: csrf, return_to: forged })
      .expect(400);
    expect(refused.headers.location).toBeUndefined();
  });

  it('a password session’s tokens carry acr 1fa; prompt=none: acr_values=phr or phrh goes on without it, an essential phr or phrh is unmet_authentication_requirements', async () => {
    const browser = await passwordBrowser();
    const plain = await authorizationRequest();
    const { tokens, idToken } = await redeem(
      location(await browser.get(plain.path).expect(302)),
      plain,
    );
    expect(idToken.acr).toBe(SIGNED_IN);
    expect(decodeJwt(tokens.access_token).acr).toBe(SIGNED_IN);

    // Voluntary (Core §3.1.2.1): prompt=none shows no page, the code says what the session has.
    const voluntary = await authorizationRequest({ prompt: 'none', acr_values: 'phr' });
    const { idToken: asIs } = await redeem(
      location(await browser.get(voluntary.path).expect(302)),
      voluntary,
    );
    expect(asIs.acr).toBe(SIGNED_IN);

    // Essential (Core §5.5.1.1): not met is a failed authentication.
    const req = await authorizationRequest({ prompt: 'none', claims: ESSENTIAL_PHR });
    const error = callbackError(location(await browser.get(req.path).expect(302)), req.state);
    expect(error.error).toBe('unmet_authentication_requirements');

    // phrh (a hardware-bound passkey's) is a value like phr: voluntary, prompt=none goes on...
    const hardware = await authorizationRequest({ prompt: 'none', acr_values: 'phrh' });
    const { idToken: weak } = await redeem(
      location(await browser.get(hardware.path).expect(302)),
      hardware,
    );
    expect(weak.acr).toBe(SIGNED_IN);
    // ...essential, prompt=none cannot ask for it.
    const essentialHardware = await authorizationRequest({
      prompt: 'none',
      claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['phrh'] } } }),
    });
    expect(
      callbackError(
        location(await browser.get(essentialHardware.path).expect(302)),
        essentialHardware.state,
      ).error,
    ).toBe('unmet_authentication_requirements');
    // A value no sign-in here achieves (another profile's), essential: refused before any page.
    const unmeetable = await authorizationRequest({
      claims: JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:other:loa:3' } } }),
    });
    const refused = callbackError(
      location(await browser.get(unmeetable.path).expect(302)),
      unmeetable.state,
    );
    expect(refused.error).toBe('unmet_authentication_requirements');
  });

  it('minimums: the account scope (ACR_REQUIRED_BY_SCOPE) and the MCP resource (ACR_REQUIRED_BY_RESOURCE) demand phr', async () => {
    const browser = await passwordBrowser();
    for (const extra of [{ scope: 'openid account' }, { resource: MCP_RESOURCE }] as Record<
      string,
      string
    >[]) {
      const req = await authorizationRequest(extra);
      const toLogin = location(await browser.get(req.path).expect(302));
      expect(toLogin.pathname).toBe('/login');
      expect(toLogin.searchParams.get('acr_values')).toBe('phr');
    }
    const passkeyBrowser = request.agent(t.app.getHttpServer());
    await passkeySignIn(passkeyBrowser, passkey);
    const req = await authorizationRequest({ resource: MCP_RESOURCE });
    const { tokens } = await redeem(location(await passkeyBrowser.get(req.path).expect(302)), req);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: MCP_RESOURCE, acr: 'phr' });
  });

  it('through PAR: a pushed prompt=login sends the user to sign in, and the request comes back held', async () => {
    const browser = await passwordBrowser();
    const requestUri = await pushAuthorizationRequest(t, DEMO_CLIENT, { prompt: 'login' });
    const path = `/authorize?client_id=${DEMO_CLIENT.id}&request_uri=${encodeURIComponent(requestUri)}`;
    const toLogin = location(await browser.get(path).expect(302));
    expect(toLogin.pathname).toBe('/login');
    const back = await passwordSignInAt(browser, toLogin);
    // The request_uri started the request; the way back is the request it was moved into.
    expect(back.searchParams.get('request_uri')).toBeNull();
    expect(back.searchParams.get('pg_request')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const callback = location(await browser.get(`${back.pathname}${back.search}`).expect(302));
    expect(callback.searchParams.get('state')).toBe('st');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('through PAR: the marker counts for its own browser and pushed request only', async () => {
    const browser = await passwordBrowser();
    const pushed = (uri: string) =>
      `/authorize?client_id=${DEMO_CLIENT.id}&request_uri=${encodeURIComponent(uri)}`;
    const path = pushed(await pushAuthorizationRequest(t, DEMO_CLIENT, { prompt: 'login' }));
    const back = await signInFor(browser, path);

    const other = await passwordBrowser();
    expect(location(await other.get(back).expect(302)).pathname).toBe('/login');
    const another = pushed(await pushAuthorizationRequest(t, DEMO_CLIENT, { prompt: 'login' }));
    // The way back is the held request (pg_request), and its marker (pg_signin).
    const marker = new URL(back, issuer).searchParams.get('pg_signin');
    expect(marker).toEqual(expect.any(String));
    const borrowed = `${another}&${new URLSearchParams({ pg_signin: marker! }).toString()}`;
    expect(location(await browser.get(borrowed).expect(302)).pathname).toBe('/login');

    const callback = location(await browser.get(back).expect(302));
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('ACCOUNT_CHANGES_REQUIRE_PHR: an account with a passkey changes its methods after a passkey sign-in only', async () => {
    const browser = await passwordBrowser();
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('id="passkey-needed"');
    expect(page.text).not.toContain('id="add-passkey"');
    // The page's CSRF token, from its sign-out form (the add-method section is not shown).
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const refused = await browser
      .post('/account/passkeys/options')
      .send({ csrf_token: csrf })
      .expect(401);
    expect(refused.body.error).toBe('insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toContain('acr_values="phr"');

    const passkeyBrowser = request.agent(t.app.getHttpServer());
    await passkeySignIn(passkeyBrowser, passkey);
    const stepped = await passkeyBrowser.get('/account').expect(200);
    expect(stepped.text).toContain('id="add-passkey"');
    const steppedCsrf = /data-csrf-token="([^"]+)"/.exec(stepped.text)![1];
    await passkeyBrowser
      .post('/account/passkeys/options')
      .send({ csrf_token: steppedCsrf })
      .expect(200);
  });
});
