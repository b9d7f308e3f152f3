/**
 * OpenID Connect Core §3.1.2.1 `acr_values`, §5.4 the `profile` scope and §5.5 the `claims`
 * request parameter, as the OpenID Foundation's conformance suite checks them (each test is
 * named after the module it answers), driven by an independent Relying Party library
 * (openid-client 6: discovery, the code flow with PKCE, the ID token's validation, UserInfo) over
 * real HTTP, and by a cookie-keeping browser through the login and consent pages.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { CookieBrowser, passwordSignIn } from '../../support/cookie-browser';
import { consentForm } from '../../support/fetch-browser';
import { clientEntry } from '../../support/oauth';
import { AccountService } from '../../../src/accounts/account.service';
import { credentialMethodKey, emailMethodKey } from '../../../src/accounts/account';
import { expectRefusal } from '../../support/refusal';
import { useListeningApp } from '../../support/use-test-app';

const RP = {
  id: 'rp-claims',
  secret: 'rp-claims-secret',
  redirectUri: 'http://127.0.0.1:7311/callback',
};
const THIRD_PARTY = {
  id: 'rp-claims-partner',
  secret: 'rp-claims-partner-secret',
  redirectUri: 'http://127.0.0.1:7312/callback',
  name: 'Claims Partner',
};
const insecure = { execute: [oidc.allowInsecureRequests] };
/** The profile claims OpenID Connect Core §5.4 lists for the `profile` scope. */
const PROFILE_SCOPE_CLAIMS = ['name', 'preferred_username', 'updated_at'];
/** The ID token's own claims (Core §2, RFC 8176, Back-Channel Logout 1.0): not about the user. */
const ID_TOKEN_OWN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash'];
const SESSION_CLAIMS = ['amr', 'acr', 'sid'];
/** What user1's identity credential disclosed, and its address (linked by the tests below). */
const USER1_EMAIL = 'user1-claims@example.test';
const USER1_CREDENTIAL = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1964-08-12',
  age_over_18: true,
};

describe('OpenID Connect acr_values, profile and claims with an independent RP (openid-client)', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(RP, { first_party: true }),
      clientEntry(THIRD_PARTY),
    ]),
  });
  let rp: oidc.Configuration;
  let partner: oidc.Configuration;

  beforeAll(async () => {
    rp = await oidc.discovery(new URL(t.issuer), RP.id, RP.secret, undefined, insecure);
    partner = await oidc.discovery(
      new URL(t.issuer),
      THIRD_PARTY.id,
      THIRD_PARTY.secret,
      undefined,
      insecure,
    );
  });

  const metadata = () => rp.serverMetadata();

  /** A code-flow request of `config`'s client with `params`; what the RP keeps to redeem it. */
  async function authorization(params: Record<string, string>, config = rp) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: config === rp ? RP.redirectUri : THIRD_PARTY.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...params,
    });
    return { url, verifier, state, nonce };
  }

  type Authorization = Awaited<ReturnType<typeof authorization>>;

  /** The RP's side of the callback: checked and redeemed by the library (state, iss, nonce). */
  async function redeem(callback: string, req: Authorization, config = rp) {
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: req.verifier,
      expectedNonce: req.nonce,
      expectedState: req.state,
      idTokenExpected: true,
    });
    return { tokens, idToken: tokens.claims()! };
  }

  /** Signs `browser` in with a password on the login page, back to `returnTo`. */
  async function signInBackTo(
    browser: CookieBrowser,
    returnTo: string,
    username = 'user1',
    password = 'password1',
  ): Promise<string> {
    const next = await passwordSignIn(browser, t.issuer, { returnTo, username, password });
    return new URL(next, t.issuer).href;
  }

  /** A browser signed in as `username`. */
  async function signedIn(username = 'user1', password = `password${username.slice(-1)}`) {
    const browser = new CookieBrowser();
    await signInBackTo(browser, '/', username, password);
    return browser;
  }

  /** Where /authorize (or the way back to it) sends the browser. */
  async function follow(browser: CookieBrowser, url: string): Promise<URL> {
    const res = await browser.get(url);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!, t.issuer);
  }

  /** Allow on the consent `page` in `browser`: where the way back to /authorize sends it. */
  async function allow(browser: CookieBrowser, page: string): Promise<URL> {
    const allowed = await browser.postForm(`${t.issuer}/consent`, {
      decision: 'allow',
      ...consentForm(page),
    });
    expect(allowed.status).toBe(303);
    return follow(browser, new URL(allowed.headers.get('location')!, t.issuer).href);
  }

  /** The code flow in `browser`'s session, no page on the way: the tokens. */
  async function codeFlow(browser: CookieBrowser, params: Record<string, string>) {
    const req = await authorization(params);
    const callback = await follow(browser, req.url.href);
    expect(callback.origin).toBe(new URL(RP.redirectUri).origin);
    return redeem(callback.href, req);
  }

  it('oidcc-discovery-endpoint-verification: claims_parameter_supported, and claims_supported names the profile claims returned', () => {
    expect(metadata().claims_parameter_supported).toBe(true);
    expect(metadata().claims_supported).toEqual(
      expect.arrayContaining(['sub', 'acr', 'amr', 'auth_time', ...PROFILE_SCOPE_CLAIMS]),
    );
    expect(metadata().acr_values_supported).toEqual(['urn:proofgate:acr:1fa', 'phr', 'phrh']);
  });

  it('oidcc-ensure-request-with-acr-values-succeeds: every advertised acr value asked for; a password sign-in succeeds with one of them in the ID token', async () => {
    const requested = metadata().acr_values_supported!;
    const browser = new CookieBrowser();
    const req = await authorization({ acr_values: requested.join(' ') });
    const toLogin = await follow(browser, req.url.href);
    expect(toLogin.pathname).toBe('/login');
    const back = await signInBackTo(browser, toLogin.searchParams.get('return_to')!);
    const callback = await follow(browser, back);
    const { idToken, tokens } = await redeem(callback.href, req);
    expect(requested).toContain(idToken.acr);
    expect(idToken.acr).toBe('urn:proofgate:acr:1fa');
    expect(decodeJwt(tokens.access_token).acr).toBe(idToken.acr);
  });

  it('oidcc-ensure-request-with-acr-values-succeeds: acr_values=phr alone (voluntary, no operator minimum) still succeeds with a password, and the ID token says the lower acr', async () => {
    const browser = new CookieBrowser();
    const req = await authorization({ acr_values: 'phr' });
    const toLogin = await follow(browser, req.url.href);
    expect(toLogin.pathname).toBe('/login');
    // The login page offers the passkey, and the password too.
    const page = await (await browser.get(toLogin.href)).text();
    expect(page).toContain('id="passkey-login"');
    expect(page).toContain('id="username"');
    const back = await signInBackTo(browser, toLogin.searchParams.get('return_to')!);
    const { idToken } = await redeem((await follow(browser, back)).href, req);
    expect(idToken).toMatchObject({ sub: 'user1', acr: 'urn:proofgate:acr:1fa', amr: ['pwd'] });
  });

  it('oidcc-claims-essential: name asked for as essential at userinfo (scope openid) is at /userinfo, and not in the ID token', async () => {
    const browser = await signedIn();
    const { tokens, idToken } = await codeFlow(browser, {
      claims: JSON.stringify({ userinfo: { name: { essential: true } } }),
    });
    expect(idToken.name).toBeUndefined();
    const userInfo = await oidc.fetchUserInfo(rp, tokens.access_token, idToken.sub);
    expect(userInfo).toEqual({ sub: 'user1', name: 'user1' });
    // A refresh keeps what the grant was asked: the new access token answers the same.
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(await oidc.fetchUserInfo(rp, refreshed.access_token, idToken.sub)).toEqual(userInfo);
  });

  it('oidcc-scope-profile: /userinfo has name, preferred_username and a valid updated_at; the ID token has none of them', async () => {
    const browser = await signedIn();
    const before = Math.floor(Date.now() / 1000);
    const { tokens, idToken } = await codeFlow(browser, { scope: 'openid profile' });
    for (const claim of PROFILE_SCOPE_CLAIMS) expect(idToken[claim]).toBeUndefined();
    const userInfo = await oidc.fetchUserInfo(rp, tokens.access_token, idToken.sub);
    expect(userInfo).toEqual({
      sub: 'user1',
      name: 'user1',
      preferred_username: 'user1',
      updated_at: expect.any(Number),
    });
    // Core §5.1: seconds since the epoch; the conformance suite wants it after 1990 and not ahead.
    const updatedAt = userInfo.updated_at as number;
    expect(Number.isInteger(updatedAt)).toBe(true);
    expect(updatedAt).toBeGreaterThan(Date.UTC(1990, 0, 1) / 1000);
    expect(updatedAt).toBeLessThanOrEqual(Math.max(before, t.clock.nowSeconds()) + 300);
  });

  it('claims in the ID token (Core §5.5): name and updated_at asked for in id_token are there, and only they', async () => {
    const browser = await signedIn();
    const { tokens, idToken } = await codeFlow(browser, {
      claims: JSON.stringify({ id_token: { name: null, updated_at: { essential: true } } }),
    });
    expect(idToken).toMatchObject({ sub: 'user1', name: 'user1', updated_at: expect.any(Number) });
    expect(idToken.preferred_username).toBeUndefined();
    // Nothing asked of /userinfo, no profile scope: the sub alone.
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, idToken.sub)).toEqual({
      sub: 'user1',
    });
  });

  it('claims for a client that is not first-party: each claim asked outside its scope is asked on the consent screen by name, not as its whole scope', async () => {
    const browser = await signedIn('user0');
    const req = await authorization(
      { claims: JSON.stringify({ userinfo: { name: { essential: true } } }) },
      partner,
    );
    const res = await browser.get(req.url.href);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Claims Partner');
    expect(page).toContain('<li data-claim="name">Know your account name (<code>name</code>)</li>');
    expect(page).not.toContain('data-scope="profile"');
    const callback = await allow(browser, page);
    const { tokens, idToken } = await redeem(callback.href, req, partner);
    expect(await oidc.fetchUserInfo(partner, tokens.access_token, idToken.sub)).toEqual({
      sub: 'user0',
      name: 'user0',
    });
    // The scope of the tokens is what was asked; the consent remembered covers the next request.
    expect(tokens.scope).toBe('openid');
    const again = await authorization(
      { claims: JSON.stringify({ userinfo: { name: null } }) },
      partner,
    );
    expect((await follow(browser, again.url.href)).searchParams.get('code')).toEqual(
      expect.any(String),
    );
  });

  it('claims sub value (Core §5.5.1): answered only for that user; another signed-in user is login_required with prompt=none', async () => {
    const browser = await signedIn();
    const other = await authorization({
      prompt: 'none',
      claims: JSON.stringify({ id_token: { sub: { value: 'user0' } } }),
    });
    const refused = await follow(browser, other.url.href);
    expect(refused.searchParams.get('error')).toBe('login_required');
    expect(refused.searchParams.get('state')).toBe(other.state);
    expect(refused.searchParams.get('code')).toBeNull();

    const own = await authorization({
      prompt: 'none',
      claims: JSON.stringify({ id_token: { sub: { value: 'user1' } } }),
    });
    const { idToken } = await redeem((await follow(browser, own.url.href)).href, own);
    expect(idToken.sub).toBe('user1');
  });

  it('claims malformed (Core §5.5): invalid_request at /authorize, sent to the client, and at /par', async () => {
    const browser = await signedIn();
    for (const claims of ['{"userinfo":', '["name"]', '{"userinfo":{"name":true}}']) {
      const req = await authorization({ claims });
      const callback = await follow(browser, req.url.href);
      expect(callback.origin).toBe(new URL(RP.redirectUri).origin);
      expect(callback.searchParams.get('error')).toBe('invalid_request');
      expect(callback.searchParams.get('error_description')).toMatch(/^claims /);
      expect(callback.searchParams.get('code')).toBeNull();
    }
    const pushed = await t
      .http()
      .post('/par')
      .type('form')
      .auth(RP.id, RP.secret)
      .send({
        redirect_uri: RP.redirectUri,
        response_type: 'code',
        scope: 'openid',
        state: 'st',
        code_challenge: oidc.randomPKCECodeVerifier().slice(0, 43),
        code_challenge_method: 'S256',
        claims: '{"id_token":{"acr":{"essential":"yes"}}}',
      });
    expectRefusal(
      pushed,
      400,
      'invalid_request',
      'claims id_token.acr essential must be true or false',
    );
  });

  it('claims through PAR (RFC 9126): a pushed request’s claims are honoured at /authorize', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      claims: JSON.stringify({ id_token: { preferred_username: null } }),
    });
    expect(url.searchParams.get('claims')).toBeNull();
    const browser = await signedIn();
    const callback = await follow(browser, url.href);
    const { idToken } = await redeem(callback.href, { url, verifier, state, nonce });
    expect(idToken).toMatchObject({ sub: 'user1', preferred_username: 'user1' });
    expect(idToken.name).toBeUndefined();
  });

  it('oidcc-scope-profile: updated_at is when the account’s sign-in methods last changed (here: a wallet linked)', async () => {
    const browser = await signedIn('user0');
    const userInfo = async () => {
      const { tokens, idToken } = await codeFlow(browser, { scope: 'openid profile' });
      return oidc.fetchUserInfo(rp, tokens.access_token, idToken.sub);
    };
    const before = await userInfo();
    t.clock.advance(120);
    try {
      const wallet = 'eip155:1:0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
      // The clock runs on in real time: the link's second lies between these two readings.
      const linkFrom = t.clock.nowSeconds();
      await t.app.get(AccountService).link('user0', wallet, 'operator');
      const linkTo = t.clock.nowSeconds();
      const after = await userInfo();
      expect(after).toEqual({ ...before, updated_at: expect.any(Number) });
      expect(after.updated_at).toBeGreaterThanOrEqual(linkFrom);
      expect(after.updated_at).toBeLessThanOrEqual(linkTo);
      expect(after.updated_at).toBeGreaterThan(before.updated_at as number);
      expect(after.name).toBe('user0');
    } finally {
      t.clock.advance(-120);
    }
  });
  describe('every claim about the user, asked by name without its scope (Core §5.5)', () => {
    beforeAll(async () => {
      const accounts = t.app.get(AccountService);
      await accounts.link('user1', emailMethodKey(USER1_EMAIL), 'operator');
      await accounts.linkCredential(
        'user1',
        credentialMethodKey('claims-spec-credential'),
        'operator',
        USER1_CREDENTIAL,
        { issuer: 'https://issuer.example', vct: 'urn:eudi:pid:1' },
      );
    });

    /** What user1's account says of each claim about the user. */
    const expected = (claim: string): unknown =>
      ({
        name: 'user1',
        preferred_username: 'user1',
        updated_at: expect.any(Number),
        email: USER1_EMAIL,
        email_verified: true,
        ...USER1_CREDENTIAL,
      })[claim];

    it('claims_supported lists nothing the claims parameter cannot give: each claim about the user, asked alone with scope openid, is in the ID token (id_token) or at /userinfo (userinfo), and only there', async () => {
      const userClaims = metadata().claims_supported!.filter(
        (claim) => ![...ID_TOKEN_OWN_CLAIMS, ...SESSION_CLAIMS].includes(claim),
      );
      expect(userClaims).toEqual(
        expect.arrayContaining([...PROFILE_SCOPE_CLAIMS, 'email', 'email_verified', 'given_name']),
      );
      const browser = await signedIn();
      for (const claim of userClaims) {
        // A claim listed that the account below cannot fill is a claim this test does not know.
        expect([claim, expected(claim) === undefined]).toEqual([claim, false]);
        const inIdToken = await codeFlow(browser, {
          claims: JSON.stringify({ id_token: { [claim]: null } }),
        });
        expect([claim, inIdToken.idToken[claim]]).toEqual([claim, expected(claim)]);
        expect(
          await oidc.fetchUserInfo(rp, inIdToken.tokens.access_token, inIdToken.idToken.sub),
        ).toEqual({ sub: 'user1' });

        const atUserInfo = await codeFlow(browser, {
          claims: JSON.stringify({ userinfo: { [claim]: { essential: true } } }),
        });
        expect([claim, atUserInfo.idToken[claim]]).toEqual([claim, undefined]);
        expect(
          await oidc.fetchUserInfo(rp, atUserInfo.tokens.access_token, atUserInfo.idToken.sub),
        ).toEqual({ sub: 'user1', [claim]: expected(claim) });
      }
    });

    it('{"id_token":{"email":null}} with scope openid gives email in the ID token; {"userinfo":{"email":null}} gives it at /userinfo', async () => {
      const browser = await signedIn();
      const inIdToken = await codeFlow(browser, {
        scope: 'openid',
        claims: JSON.stringify({ id_token: { email: null } }),
      });
      expect(inIdToken.idToken).toMatchObject({ sub: 'user1', email: USER1_EMAIL });
      expect(inIdToken.idToken.email_verified).toBeUndefined();
      expect(inIdToken.tokens.scope).toBe('openid');
      const atUserInfo = await codeFlow(browser, {
        scope: 'openid',
        claims: JSON.stringify({ userinfo: { email: null, email_verified: null } }),
      });
      expect(atUserInfo.idToken.email).toBeUndefined();
      expect(
        await oidc.fetchUserInfo(rp, atUserInfo.tokens.access_token, atUserInfo.idToken.sub),
      ).toEqual({ sub: 'user1', email: USER1_EMAIL, email_verified: true });
    });

    it('a client that is not first-party: the consent screen asks for email by name; the consent remembered covers it, and a claim not allowed yet is asked again, alone', async () => {
      const browser = await signedIn();
      const req = await authorization(
        { claims: JSON.stringify({ id_token: { email: null } }) },
        partner,
      );
      const consent = await browser.get(req.url.href);
      expect(consent.status).toBe(200);
      const page = await consent.text();
      expect(page).toContain(
        '<li data-claim="email">Know your email address (<code>email</code>)</li>',
      );
      expect(page).not.toContain('data-scope="email"');
      const { idToken } = await redeem((await allow(browser, page)).href, req, partner);
      expect(idToken).toMatchObject({ sub: 'user1', email: USER1_EMAIL });

      // Remembered: the address again (now asked of /userinfo) needs no new answer.
      const again = await authorization(
        { claims: JSON.stringify({ userinfo: { email: null } }) },
        partner,
      );
      expect((await follow(browser, again.url.href)).searchParams.get('code')).toEqual(
        expect.any(String),
      );
      // Another claim is asked alone; the address is listed as already allowed.
      const more = await authorization(
        { claims: JSON.stringify({ id_token: { email: null, birthdate: null } }) },
        partner,
      );
      const second = await (await browser.get(more.url.href)).text();
      const asked = /<ul id="consent-scopes">([^]*?)<\/ul>/.exec(second)![1];
      expect(asked).toContain('data-claim="birthdate"');
      expect(asked).not.toContain('data-claim="email"');
      expect(/<ul id="consent-already-allowed"[^>]*>([^]*?)<\/ul>/.exec(second)![1]).toContain(
        'data-claim="email"',
      );
      const both = await redeem((await allow(browser, second)).href, more, partner);
      expect(both.idToken).toMatchObject({ email: USER1_EMAIL, birthdate: '1964-08-12' });
    });

    it('a consent to the scope covers its claims asked by name: allowed the email scope, email asked alone asks nothing', async () => {
      const browser = await signedIn('user0');
      await t.app
        .get(AccountService)
        .link('user0', emailMethodKey('user0-claims@example.test'), 'operator');
      const scoped = await authorization({ scope: 'openid email' }, partner);
      const page = await (await browser.get(scoped.url.href)).text();
      expect(page).toContain('data-scope="email"');
      await allow(browser, page);
      const byName = await authorization(
        { claims: JSON.stringify({ id_token: { email: null } }) },
        partner,
      );
      const callback = await follow(browser, byName.url.href);
      const { idToken } = await redeem(callback.href, byName, partner);
      expect(idToken).toMatchObject({ sub: 'user0', email: 'user0-claims@example.test' });
    });
  });
});
