/**
 * POST /authorize (OpenID Connect Core §3.1.2.1): the authorization request form-serialized in
 * the body, with the checks and answers of GET (303 where GET answers 302). A form post from the
 * client's page is the request itself (no CSRF token); one that arrives without the session
 * cookie, as a cross-site form post does under SameSite=Lax, is sent on to a GET of the request,
 * held server-side, which the browser makes with its cookies; the way back from the login and
 * consent pages is that GET too. An independent Relying Party library (openid-client) builds the
 * request and checks the answer.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { CookieBrowser, passwordSignIn } from '../../support/cookie-browser';
import {
  DEMO_CLIENT,
  PARTNER,
  clientEntry,
  exchangeCode,
  login,
  pkcePair,
  type Agent,
  UNREGISTERED_REDIRECT,
} from '../../support/oauth';
import { useListeningApp } from '../../support/use-test-app';

const insecure = { execute: [oidc.allowInsecureRequests] };
const HELD = /^\/authorize\?client_id=([^&]+)&pg_request=[A-Za-z0-9_-]{43}$/;

describe('POST /authorize (OpenID Connect Core §3.1.2.1)', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify([clientEntry(PARTNER)]),
  });
  let config: oidc.Configuration;

  beforeAll(async () => {
    config = await oidc.discovery(
      new URL(t.issuer),
      DEMO_CLIENT.id,
      DEMO_CLIENT.secret,
      undefined,
      insecure,
    );
    oidc.enableNonRepudiationChecks(config);
  });

  /** An authorization request of the demo client, as openid-client builds it, and its checks. */
  async function requestOf(extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: DEMO_CLIENT.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    return { form: Object.fromEntries(url.searchParams), verifier, state, nonce };
  }

  /** The tokens of `callback`, the response and the ID token checked by openid-client. */
  function redeem(callback: URL, checks: { verifier: string; state: string; nonce: string }) {
    return oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
  }

  /** Signs `browser` in through the login form with `returnTo`: where the login sends it. */
  const signIn = (browser: CookieBrowser, returnTo: string) =>
    passwordSignIn(browser, t.issuer, { returnTo });

  it('a signed-in browser posts the request and gets a code, as with GET (oidcc-ensure-post-request-succeeds)', async () => {
    const agent: Agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const checks = await requestOf();
    const res = await agent.post('/authorize').type('form').send(checks.form);
    expect(res.status).toBe(303);
    const tokens = await redeem(new URL(res.headers.location), checks);
    expect(tokens.claims()).toMatchObject({ sub: 'user0', aud: DEMO_CLIENT.id });
  });

  it('through the login page and back: the post is sent on to the held request, the way back is its GET (oidcc-ensure-post-request-succeeds)', async () => {
    const browser = new CookieBrowser();
    const checks = await requestOf();
    const posted = await browser.postForm(`${t.issuer}/authorize`, checks.form);
    expect(posted.status).toBe(303);
    const held = posted.headers.get('location')!;
    expect(held).toMatch(HELD);
    const toLogin = await browser.get(new URL(held, t.issuer).href);
    expect(toLogin.status).toBe(302);
    const returnTo = new URL(toLogin.headers.get('location')!, t.issuer).searchParams.get(
      'return_to',
    )!;
    expect(returnTo).toBe(held);
    // The login page names the client; the scope is in the held request, not in the query.
    const loginPage = await (
      await browser.get(new URL(toLogin.headers.get('location')!, t.issuer).href)
    ).text();
    expect(loginPage).toContain('<strong id="pending-client">Demo confidential client</strong>');
    expect(loginPage).not.toContain('id="pending-scopes"');
    const back = await browser.get(new URL(await signIn(browser, returnTo), t.issuer).href);
    expect(back.status).toBe(302);
    const tokens = await redeem(new URL(back.headers.get('location')!), checks);
    expect(tokens.claims()).toMatchObject({ sub: 'user1', nonce: checks.nonce });
  });

  it('a cross-site form post carries no session cookie (SameSite=Lax): the GET it is sent on to carries it, and needs no new sign-in', async () => {
    const browser = new CookieBrowser();
    await signIn(browser, '/');
    const checks = await requestOf();
    // The post as it arrives from the client's site: without the browser's Lax cookies.
    const posted = await fetch(`${t.issuer}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(checks.form).toString(),
    });
    expect(posted.status).toBe(303);
    const answered = await browser.get(new URL(posted.headers.get('location')!, t.issuer).href);
    expect(answered.status).toBe(302);
    await redeem(new URL(answered.headers.get('location')!), checks);
  });

  it('prompt=none by a post without the cookie is decided on the GET: a code for a signed-in browser, login_required otherwise', async () => {
    const checks = await requestOf({ prompt: 'none' });
    const posted = await fetch(`${t.issuer}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(checks.form).toString(),
    });
    const held = new URL(posted.headers.get('location')!, t.issuer).href;
    const signedOut = await new CookieBrowser().get(held);
    const refused = new URL(signedOut.headers.get('location')!);
    expect(refused.searchParams.get('error')).toBe('login_required');
    expect(refused.searchParams.get('state')).toBe(checks.state);
    const browser = new CookieBrowser();
    await signIn(browser, '/');
    const answered = await browser.get(held);
    expect(answered.status).toBe(302);
    await redeem(new URL(answered.headers.get('location')!), checks);
  });

  it('prompt=login by post: the sign-in marker binds to the held request, and the fresh sign-in is honoured', async () => {
    const browser = new CookieBrowser();
    await signIn(browser, '/');
    const checks = await requestOf({ prompt: 'login', max_age: '0' });
    // A same-site post (the cookies sent): processed at once, the user sent to sign in again.
    const posted = await browser.postForm(`${t.issuer}/authorize`, checks.form);
    expect(posted.status).toBe(303);
    const loginUrl = new URL(posted.headers.get('location')!, t.issuer);
    expect(loginUrl.pathname).toBe('/login');
    const returnTo = loginUrl.searchParams.get('return_to')!;
    expect(returnTo).toMatch(
      /^\/authorize\?client_id=demo-client&pg_request=[A-Za-z0-9_-]{43}&pg_signin=[A-Za-z0-9_-]{43}$/,
    );
    const back = await browser.get(new URL(await signIn(browser, returnTo), t.issuer).href);
    expect(back.status).toBe(302);
    const tokens = await redeem(new URL(back.headers.get('location')!), checks);
    expect(tokens.claims()?.auth_time).toBeDefined();
  });

  it("the consent screen's return_to is the held request; Allow ends with the code", async () => {
    const browser = new CookieBrowser();
    await signIn(browser, '/');
    const { verifier, challenge } = pkcePair();
    const form = {
      client_id: PARTNER.id,
      response_type: 'code',
      redirect_uri: PARTNER.redirectUri,
      scope: 'openid profile',
      state: 'posted-state',
      nonce: 'posted-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    const consent = await browser.postForm(`${t.issuer}/authorize`, form);
    expect(consent.status).toBe(200);
    const html = await consent.text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1].replace(/&amp;/g, '&');
    expect(field('return_to')).toMatch(HELD);
    const allowed = await browser.postForm(`${t.issuer}/consent`, {
      decision: 'allow',
      csrf_token: field('csrf_token'),
      return_to: field('return_to'),
    });
    expect(allowed.headers.get('location')).toBe(field('return_to'));
    const back = await browser.get(new URL(field('return_to'), t.issuer).href);
    const callback = new URL(back.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('posted-state');
    const tokens = await exchangeCode(
      t.app.getHttpServer(),
      callback.searchParams.get('code')!,
      verifier,
      PARTNER,
    ).expect(200);
    expect(decodeJwt((tokens.body as { id_token: string }).id_token).nonce).toBe('posted-nonce');
  });

  it('the checks of GET: an unregistered redirect URI is a page, an unsupported scope goes back to the client', async () => {
    const agent: Agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const { form } = await requestOf();
    const page = await agent
      .post('/authorize')
      .type('form')
      .set('Accept', 'application/json')
      .send({ ...form, redirect_uri: 'https://attacker.example/callback' });
    expect({ status: page.status, body: page.body as unknown }).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: UNREGISTERED_REDIRECT[DEMO_CLIENT.id],
      },
    });
    const scope = await agent
      .post('/authorize')
      .type('form')
      .send({ ...form, scope: 'openid no-such-scope' });
    expect(scope.status).toBe(303);
    const location = new URL(scope.headers.location);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe(form.state);
  });

  it('a body that is not a form is refused (400 invalid_request)', async () => {
    const { form } = await requestOf();
    const res = await t.http().post('/authorize').send(form);
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          'An authorization request sent by POST must be application/x-www-form-urlencoded (OpenID Connect Core §3.1.2.1)',
      },
    });
  });
});
