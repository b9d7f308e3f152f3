/**
 * The OpenID Foundation's oidcc-rp-initiated-logout-certification-test-plan, module by module, as
 * a certification run meets Proofgate: a static confidential client without PKCE
 * (`require_pkce: false`) with a registered post_logout_redirect_uri, a normal authorization
 * flow by an independent Relying Party library (openid-client 6), then the end_session_endpoint
 * request each module sends. Where a module expects no redirect, it expects a page (an error, a
 * confirmation, or "you are signed out") whose screenshot a run uploads.
 */
import { SignJWT, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { CookieBrowser, signedInBrowser } from '../../../support/cookie-browser';
import { clientEntry } from '../../../support/oauth';
import { useListeningApp } from '../../../support/use-test-app';

const RP = {
  id: 'oidcc-logout-rp',
  secret: 'oidcc-logout-rp-secret-0123456789',
  redirectUri: 'http://127.0.0.1:7420/test/a/proofgate/callback',
  postLogout: 'http://127.0.0.1:7420/test/a/proofgate/post_logout_redirect',
};
const insecure = { execute: [oidc.allowInsecureRequests] };
const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('oidcc-rp-initiated-logout-certification-test-plan, with a static confidential client', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(RP, {
        post_logout_redirect_uris: [RP.postLogout],
        first_party: true,
        require_pkce: false,
      }),
    ]),
  });
  let rp: oidc.Configuration;

  beforeAll(async () => {
    rp = await oidc.discovery(new URL(t.issuer), RP.id, RP.secret, undefined, insecure);
  });

  /**
   * RP-Initiated Logout 1.0 §3: a refused logout request is an error page the user reads (what the
   * suite's reviewer is shown), never a redirect, and the session it named is left as it was.
   */
  async function expectErrorPage(res: Response, description: RegExp): Promise<void> {
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('<h1>Sign-out request rejected</h1>');
    expect(page).toContain('<dd id="error">invalid_request</dd>');
    expect(page).toMatch(new RegExp(`<dd id="error_description">[^<]*${description.source}`));
  }

  /** The browser's session still signs it in: prompt=none answers with a code. */
  async function expectSignedIn(browser: CookieBrowser): Promise<void> {
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      prompt: 'none',
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    });
    const res = await browser.get(url.href);
    expect(res.headers.get('location')).toContain('code=');
  }

  /** A normal authorization flow in a new browser: signed in, then the validated ID token. */
  async function signedIn(): Promise<{ browser: CookieBrowser; idToken: string }> {
    const browser = await signedInBrowser(t.issuer);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      state,
      nonce,
    });
    const back = await browser.get(url.href);
    expect(back.status).toBe(302);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(back.headers.get('location')!), {
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    return { browser, idToken: tokens.id_token! };
  }

  /** After the logout: prompt=none must answer login_required (the session is gone). */
  async function expectSignedOut(browser: CookieBrowser): Promise<void> {
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      state: 'after',
      prompt: 'none',
    });
    const res = await browser.get(url.href);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  }

  /** A page, never a redirect: the confirmation's "Sign out" answered, as the run's tester does. */
  async function confirmOnPage(browser: CookieBrowser, res: Response): Promise<string> {
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    if (!html.includes('action="/end_session/confirm"')) return html;
    const form: Record<string, string> = { decision: 'sign_out' };
    for (const name of ['csrf_token', 'client_id', 'post_logout_redirect_uri', 'state']) {
      const value = field(html, name);
      if (value !== undefined) form[name] = value;
    }
    const confirmed = await browser.postForm(`${t.issuer}/end_session/confirm`, form);
    expect(confirmed.status).toBe(200);
    return confirmed.text();
  }

  it('oidcc-rp-initiated-logout-discovery-endpoint-verification: end_session_endpoint in discovery', () => {
    expect(rp.serverMetadata().end_session_endpoint).toBe(`${t.issuer}/end_session`);
  });

  it('oidcc-rp-initiated-logout: back to post_logout_redirect_uri with state; prompt=none is then login_required', async () => {
    const { browser, idToken } = await signedIn();
    const url = oidc.buildEndSessionUrl(rp, {
      id_token_hint: idToken,
      post_logout_redirect_uri: RP.postLogout,
      state: 'st-logout',
    });
    const res = await browser.get(url.href);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${RP.postLogout}?state=st-logout`);
    await expectSignedOut(browser);
  });

  it('oidcc-rp-initiated-logout-no-state: back to post_logout_redirect_uri without state', async () => {
    const { browser, idToken } = await signedIn();
    const url = oidc.buildEndSessionUrl(rp, {
      id_token_hint: idToken,
      post_logout_redirect_uri: RP.postLogout,
    });
    const res = await browser.get(url.href);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(RP.postLogout);
    await expectSignedOut(browser);
  });

  it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: signed out, on the signed-out page', async () => {
    const { browser, idToken } = await signedIn();
    const res = await browser.get(oidc.buildEndSessionUrl(rp, { id_token_hint: idToken }).href);
    expect(await confirmOnPage(browser, res)).toContain('id="signed-out"');
    await expectSignedOut(browser);
  });

  it.each([
    ['oidcc-rp-initiated-logout-no-params', {}],
    ['oidcc-rp-initiated-logout-only-state', { state: 'st-only' }],
  ])('%s: the user is asked, and signed out on a page', async (_module, params) => {
    const { browser } = await signedIn();
    const url = new URL(`${t.issuer}/end_session`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    expect(await confirmOnPage(browser, await browser.get(url.href))).toContain('id="signed-out"');
    await expectSignedOut(browser);
  });

  it('oidcc-rp-initiated-logout-no-id-token-hint: never back to the URI without a hint, however the user answers', async () => {
    const { browser } = await signedIn();
    const url = oidc.buildEndSessionUrl(rp, {
      client_id: RP.id,
      post_logout_redirect_uri: RP.postLogout,
      state: 'st-nohint',
    });
    const page = await confirmOnPage(browser, await browser.get(url.href));
    expect(page).toContain('id="signed-out"');
    expect(page).toContain('id="post-logout-link"');
  });

  it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri and oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: an error page, no redirect', async () => {
    for (const uri of ['http://127.0.0.1:7420/elsewhere', `${RP.postLogout}?extra=1`]) {
      const { browser, idToken } = await signedIn();
      const url = oidc.buildEndSessionUrl(rp, {
        id_token_hint: idToken,
        post_logout_redirect_uri: uri,
        state: 'st-bad',
      });
      await expectErrorPage(await browser.navigate(url.href), /post_logout_redirect_uri/);
      await expectSignedIn(browser);
    }
  });

  it('oidcc-rp-initiated-logout-bad-id-token-hint and oidcc-rp-initiated-logout-modified-id-token-hint: an error page, no redirect', async () => {
    const { browser, idToken } = await signedIn();
    // One signed by another key (the suite's), one changed to alg none.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'user1', aud: RP.id })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(t.issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const [, payload] = idToken.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const hint of [forged, none]) {
      const url = oidc.buildEndSessionUrl(rp, {
        id_token_hint: hint,
        post_logout_redirect_uri: RP.postLogout,
        state: 'st-hint',
      });
      await expectErrorPage(await browser.navigate(url.href), /id_token_hint/);
      await expectSignedIn(browser);
    }
  });

  it('the same refusal to a caller that is no browser: the one JSON envelope', async () => {
    const { browser } = await signedIn();
    const url = oidc.buildEndSessionUrl(rp, {
      id_token_hint: 'not-a-jwt',
      post_logout_redirect_uri: RP.postLogout,
    });
    const res = await browser.get(url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/id_token_hint/),
    });
  });
});
