/**
 * OpenID Connect RP-Initiated Logout 1.0 at /end_session, driven by an independent Relying Party
 * library (openid-client 6: discovery, the code flow, `buildEndSessionUrl`) over real HTTP: the ID
 * token carries the session's `sid`; a hint naming this browser's session ends it and sends the
 * browser back to the registered post_logout_redirect_uri with `state`; an unregistered URI is
 * refused, never followed; without a hint (or with another session's) the user is asked first, on
 * a CSRF-protected form.
 */
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { CookieBrowser, signedInBrowser } from '../../../support/cookie-browser';
import { csrfOf } from '../../../support/login-form';
import { useListeningApp } from '../../../support/use-test-app';

const RP = {
  id: 'rp-end-session',
  secret: 'rp-end-session-secret',
  redirectUri: 'http://127.0.0.1:7302/callback',
  signedOut: 'http://127.0.0.1:7302/signed-out?from=op',
};
const OTHER = {
  id: 'rp-other',
  secret: 'rp-other-secret',
  redirectUri: 'http://127.0.0.1:7303/callback',
  signedOut: 'http://127.0.0.1:7303/bye',
};
const insecure = { execute: [oidc.allowInsecureRequests] };
const hiddenOf = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('RP-Initiated Logout at /end_session with an independent RP (openid-client)', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify(
      [RP, OTHER].map((client) => ({
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        first_party: true,
        post_logout_redirect_uris: [client.signedOut],
      })),
    ),
  });
  let config: oidc.Configuration;

  beforeAll(async () => {
    config = await oidc.discovery(new URL(t.issuer), RP.id, RP.secret, undefined, insecure);
    oidc.enableNonRepudiationChecks(config);
  });

  const signIn = (browser?: CookieBrowser) => signedInBrowser(t.issuer, browser);

  /** The code flow, as openid-client runs it, in `browser`'s session: the validated ID token. */
  async function idToken(browser: CookieBrowser, rp = config): Promise<string> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: rp === config ? RP.redirectUri : OTHER.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const back = await browser.get(url.href);
    expect(back.status).toBe(302);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(back.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    return tokens.id_token!;
  }

  /** Whether `browser` still has a login session: /authorize answers a code, or asks to log in. */
  async function signedIn(browser: CookieBrowser): Promise<boolean> {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'probe',
    });
    const res = await browser.get(url.href);
    return new URL(res.headers.get('location')!, t.issuer).pathname !== '/login';
  }

  it('names the endpoint and back-channel support in both metadata documents', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const res = await fetch(`${t.issuer}/.well-known/${path}`);
      expect(await res.json()).toMatchObject({
        end_session_endpoint: `${t.issuer}/end_session`,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
      });
    }
    expect(config.serverMetadata().claims_supported).toContain('sid');
  });

  it('puts the session’s sid in its ID tokens: the same for the session, new for each sign-in', async () => {
    const browser = await signIn();
    const first = decodeJwt(await idToken(browser)).sid as string;
    const second = decodeJwt(await idToken(browser)).sid as string;
    const other = decodeJwt(await idToken(await signIn())).sid as string;
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).toBe(first);
    expect(other).not.toBe(first);
  });

  it('ends the session the hint names and returns to the registered URI with state (GET)', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: hint,
      post_logout_redirect_uri: RP.signedOut,
      state: 'st-get',
    });
    expect(url.searchParams.get('client_id')).toBe(RP.id);

    const res = await browser.get(url.href);

    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:7302/signed-out');
    expect(back.searchParams.get('from')).toBe('op');
    expect(back.searchParams.get('state')).toBe('st-get');
    expect(res.headers.get('set-cookie')).toMatch(/pg_session=;/);
    expect(await signedIn(browser)).toBe(false);
  });

  it('does the same on a form POST (303), and with no state sends none', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    const res = await browser.postForm(`${t.issuer}/end_session`, {
      id_token_hint: hint,
      post_logout_redirect_uri: RP.signedOut,
      ui_locales: 'de fr',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(RP.signedOut);
    expect(await signedIn(browser)).toBe(false);
  });

  it('accepts an expired hint: it still names the session, which ends', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    // Past the ID token's exp (the access tokens' lifetime), within the session's 8 hours.
    t.clock.advance(2 * 3600);
    try {
      expect(decodeJwt(hint).exp! * 1000).toBeLessThan(t.clock.now().getTime());
      const res = await browser.get(oidc.buildEndSessionUrl(config, { id_token_hint: hint }).href);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('id="signed-out"');
      expect(await signedIn(browser)).toBe(false);
    } finally {
      t.clock.advance(-2 * 3600);
    }
  });

  it('refuses an unregistered post_logout_redirect_uri, and leaves the session alone', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    for (const uri of [
      'https://attacker.example/landing',
      `${RP.signedOut}&x=1`,
      OTHER.signedOut,
    ]) {
      const res = await browser.get(
        oidc.buildEndSessionUrl(config, { id_token_hint: hint, post_logout_redirect_uri: uri })
          .href,
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toEqual({
        error: 'invalid_request',
        error_description:
          'post_logout_redirect_uri is not one of the post_logout_redirect_uris registered for this client',
      });
    }
    expect(await signedIn(browser)).toBe(true);
  });

  it('refuses a hint it did not sign, and one for another client than client_id', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(decodeJwt(hint))
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'JWT',
        kid: JSON.parse(Buffer.from(hint.split('.')[0], 'base64url').toString()).kid as string,
      })
      .sign(privateKey);
    const refused = await browser.get(`${t.issuer}/end_session?id_token_hint=${forged}`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'invalid_request',
      error_description: 'id_token_hint is not an ID token this server issued',
    });
    const mismatch = await browser.get(
      `${t.issuer}/end_session?id_token_hint=${hint}&client_id=${OTHER.id}`,
    );
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error_description: string }).error_description).toBe(
      'client_id is not the audience of id_token_hint',
    );
    const noClient = await browser.get(
      `${t.issuer}/end_session?post_logout_redirect_uri=${encodeURIComponent(RP.signedOut)}`,
    );
    expect(noClient.status).toBe(400);
    expect(await signedIn(browser)).toBe(true);
  });

  it('asks first without a hint: a CSRF-protected form; "Sign out" ends it and links back, without a redirect (§3)', async () => {
    const browser = await signIn();
    const page = await browser.get(
      `${t.issuer}/end_session?client_id=${RP.id}&post_logout_redirect_uri=${encodeURIComponent(RP.signedOut)}&state=st-c`,
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/end_session/confirm"');
    expect(html).toContain(
      '<button type="submit" name="decision" value="sign_out">Sign out</button>',
    );
    expect(html).toContain(
      '<button type="submit" name="decision" value="stay">Stay signed in</button>',
    );
    expect(await signedIn(browser)).toBe(true);
    const form = {
      client_id: hiddenOf(html, 'client_id')!,
      post_logout_redirect_uri: hiddenOf(html, 'post_logout_redirect_uri')!,
      state: hiddenOf(html, 'state')!,
    };

    // A cross-site form (no token, or another browser's) signs no one out.
    const forged = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      ...form,
      decision: 'sign_out',
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: string }).error).toBe('invalid_request');
    expect(await signedIn(browser)).toBe(true);

    const res = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      ...form,
      decision: 'sign_out',
      csrf_token: csrfOf(html),
    });
    // RP-Initiated Logout §3: no id_token_hint, no post-logout redirection; the way back is a link.
    expect(res.status).toBe(200);
    const signedOut = await res.text();
    expect(signedOut).toContain('id="signed-out"');
    expect(signedOut).toContain(
      `<a id="post-logout-link" href="${RP.signedOut}&amp;state=st-c">Return to rp-end-session (127.0.0.1:7302)</a>`,
    );
    expect(await signedIn(browser)).toBe(false);
  });

  it('"Stay signed in" keeps the session; a tampered redirect in the form is refused', async () => {
    const browser = await signIn();
    const html = await (await browser.get(`${t.issuer}/end_session?client_id=${RP.id}`)).text();
    const stay = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      client_id: RP.id,
      decision: 'stay',
      csrf_token: csrfOf(html),
    });
    expect(stay.status).toBe(200);
    expect(await stay.text()).toContain('id="still-signed-in"');
    const tampered = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      client_id: RP.id,
      post_logout_redirect_uri: 'https://attacker.example/',
      decision: 'sign_out',
      csrf_token: csrfOf(html),
    });
    expect(tampered.status).toBe(400);
    expect(await signedIn(browser)).toBe(true);
  });

  it('asks first when the hint names another session of the browser’s user', async () => {
    const browser = await signIn();
    const oldHint = await idToken(browser);
    await signIn(browser);
    const res = await browser.get(oidc.buildEndSessionUrl(config, { id_token_hint: oldHint }).href);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="other-session"');
    expect(html).toContain('action="/end_session/confirm"');
    expect(await signedIn(browser)).toBe(true);

    // The hint came back with the form, verified again: the confirmed sign-out may redirect.
    const confirmed = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      client_id: hiddenOf(html, 'client_id')!,
      id_token_hint: hiddenOf(html, 'id_token_hint')!,
      decision: 'sign_out',
      csrf_token: csrfOf(html),
    });
    expect(confirmed.status).toBe(200);
    expect(await signedIn(browser)).toBe(false);
  });

  it('follows the URI after confirming a request whose hint names another session', async () => {
    const browser = await signIn();
    const oldHint = await idToken(browser);
    await signIn(browser);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: oldHint,
      post_logout_redirect_uri: RP.signedOut,
      state: 'st-o',
    });
    const html = await (await browser.get(url.href)).text();
    expect(hiddenOf(html, 'id_token_hint')).toBe(oldHint);
    const confirmed = await browser.postForm(`${t.issuer}/end_session/confirm`, {
      client_id: hiddenOf(html, 'client_id')!,
      post_logout_redirect_uri: hiddenOf(html, 'post_logout_redirect_uri')!,
      state: hiddenOf(html, 'state')!,
      id_token_hint: hiddenOf(html, 'id_token_hint')!,
      decision: 'sign_out',
      csrf_token: csrfOf(html),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${RP.signedOut}&state=st-o`);

    // A hint of another client than the form names vouches for nothing: a link, no redirect.
    const again = await signIn(browser);
    const page = await (await again.get(`${t.issuer}/end_session?client_id=${OTHER.id}`)).text();
    const mixed = await again.postForm(`${t.issuer}/end_session/confirm`, {
      client_id: OTHER.id,
      post_logout_redirect_uri: OTHER.signedOut,
      id_token_hint: oldHint,
      decision: 'sign_out',
      csrf_token: csrfOf(page),
    });
    expect(mixed.status).toBe(200);
    expect(await mixed.text()).toContain('id="post-logout-link"');
  });

  it('without a session, still answers: back to the registered URI with state', async () => {
    const browser = await signIn();
    const hint = await idToken(browser);
    const res = await new CookieBrowser().get(
      oidc.buildEndSessionUrl(config, {
        id_token_hint: hint,
        post_logout_redirect_uri: RP.signedOut,
        state: 's0',
      }).href,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${RP.signedOut}&state=s0`);
    expect(await signedIn(browser)).toBe(true);
  });

  it('without a session and without a hint: the signed-out page links back, never redirects (an open redirector otherwise)', async () => {
    const res = await new CookieBrowser().get(
      `${t.issuer}/end_session?client_id=${RP.id}&post_logout_redirect_uri=${encodeURIComponent(RP.signedOut)}&state=s1`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(
      `<a id="post-logout-link" href="${RP.signedOut}&amp;state=s1">Return to rp-end-session (127.0.0.1:7302)</a>`,
    );
  });
});
