/**
 * RFC 9101 request objects by value (`request`) at /authorize and, RFC 9126 §3, at /par: signed
 * with the client's registered keys (openid-client's buildAuthorizationUrlWithJAR, and objects
 * built here with jose), or unsigned (`alg: none`, OpenID Connect Core §6.1) from a client that
 * registered no request_object_signing_alg. The object's parameters are the request: its state
 * comes back in the redirect, its nonce in the ID token, whatever the query says. Every way an
 * object can be wrong is `invalid_request_object`; a request_uri that is neither POST /par's nor
 * one the client registered is `invalid_request_uri` (request-uri.e2e-spec fetches registered
 * ones). Tests are named after the OpenID Foundation conformance modules they answer.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  CompactSign,
  SignJWT,
  UnsecuredJWT,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { CookieBrowser, passwordSignIn } from '../../support/cookie-browser';
import { authorizeInBrowser } from '../../support/dpop';
import {
  DEMO_CLIENT,
  PARTNER,
  clientEntry,
  exchangeCode,
  login,
  pkcePair,
  type Agent,
} from '../../support/oauth';
import { INSECURE } from '../../support/oauth-discovery';
import { TestApp, startListeningApp } from '../../support/test-app';
import request from 'supertest';
import { expectRefusal } from '../../support/refusal';
import { REQUEST_OBJECT_CLOCK_SKEW_SECONDS } from '../../../src/oauth/request-rules/request-object.verifier';

const insecure = { execute: [oidc.allowInsecureRequests] };
const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-request-object-spec';

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function key(alg: string, kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** An RSA key registered for PS256, and the same key as a WebCrypto RS256 signer. */
async function rsaKey(kid: string): Promise<{ ps256: Key; asRs256: Key }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = privateKey.export({ format: 'jwk' });
  const jwk: JWK = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'PS256', use: 'sig' };
  return {
    ps256: { privateKey: (await importJWK(secret, 'PS256')) as CryptoKey, jwk },
    asRs256: {
      privateKey: (await importJWK(secret, 'RS256')) as CryptoKey,
      jwk: { ...jwk, alg: 'RS256' },
    },
  };
}

/** A private_key_jwt client of OAUTH_CLIENTS with `keys`, first-party (no consent screen). */
function keyClient(id: string, port: number, keys: Key[], settings: Record<string, unknown> = {}) {
  return {
    id,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    entry: {
      client_id: id,
      redirect_uris: [`http://127.0.0.1:${port}/callback`],
      first_party: true,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: keys.map((k) => k.jwk) },
      ...settings,
    },
  };
}

describe('request objects (RFC 9101) at /authorize and /par', () => {
  let t: TestApp;
  let issuer: string;
  let es256: Key;
  let rs256: Key;
  let ps256: Key;
  /** ps256's key as an RS256 signer (FAPI 2.0 refuses RS256). */
  let ps256AsRs256: Key;
  let stranger: Key;
  /** Registered no request_object_signing_alg: signed (ES256, RS256) and unsigned objects. */
  let jar: ReturnType<typeof keyClient>;
  /** Registered request_object_signing_alg ES256. */
  let es256Only: ReturnType<typeof keyClient>;
  /** FAPI 2.0 Message Signing: PS256 only, signed request objects only, pushed only. */
  let fapi: ReturnType<typeof keyClient>;
  let agent: Agent;

  beforeAll(async () => {
    [es256, rs256, stranger] = await Promise.all([
      key('ES256', 'es'),
      key('RS256', 'rs'),
      key('ES256', 'es'),
    ]);
    ({ ps256, asRs256: ps256AsRs256 } = await rsaKey('ps'));
    jar = keyClient('jar-client', 25031, [es256, rs256]);
    es256Only = keyClient('jar-es256', 25032, [es256], { request_object_signing_alg: 'ES256' });
    fapi = keyClient('jar-fapi', 25033, [ps256], {
      request_object_signing_alg: 'PS256',
      require_signed_request_object: true,
      require_pushed_authorization_requests: true,
    });
    ({ t, issuer } = await startListeningApp({
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      RATE_LIMIT_LOGIN_PER_IP: '100000',
      OAUTH_CLIENTS: JSON.stringify([jar.entry, es256Only.entry, fapi.entry, clientEntry(PARTNER)]),
    }));
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);

  /** A request's claims for `client`, as a request object carries them (RFC 9101 §4). */
  function claimsFor(
    client: { id: string; redirectUri: string },
    extra: Record<string, unknown> = {},
  ): { claims: JWTPayload; verifier: string } {
    const { verifier, challenge } = pkcePair();
    const claims: JWTPayload = {
      iss: client.id,
      aud: issuer,
      client_id: client.id,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: 'openid profile',
      state: `inside-${randomUUID()}`,
      nonce: `nonce-${randomUUID()}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      iat: now(),
      nbf: now(),
      exp: now() + 300,
      jti: randomUUID(),
    };
    for (const [name, value] of Object.entries(extra)) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    return { claims, verifier };
  }

  function sign(claims: JWTPayload, with_: Key, alg = with_.jwk.alg as string): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid: with_.jwk.kid, typ: 'oauth-authz-req+jwt' })
      .sign(with_.privateKey);
  }

  const unsigned = (claims: JWTPayload) => new UnsecuredJWT(claims).encode();

  /** The claims as JSON text that names `member` a second time, first with `value`. */
  const twice = (claims: JWTPayload, member: string, value: string) =>
    JSON.stringify(claims).replace('{', `{${JSON.stringify(member)}:${JSON.stringify(value)},`);

  /** `text` as the claims of a request object signed like `sign`'s. */
  function signText(text: string, with_: Key): Promise<string> {
    return new CompactSign(new TextEncoder().encode(text))
      .setProtectedHeader({
        alg: with_.jwk.alg as string,
        kid: with_.jwk.kid,
        typ: 'oauth-authz-req+jwt',
      })
      .sign(with_.privateKey);
  }

  /** GET /authorize with `query` (JSON errors), from the signed-in agent. */
  function authorize(query: Record<string, string>) {
    return agent
      .get(`/authorize?${new URLSearchParams(query).toString()}`)
      .set('Accept', 'application/json');
  }

  /** The code and state of a 302 to the client's redirect URI. */
  function responseOf(res: request.Response, redirectUri: string): URLSearchParams {
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    return location.searchParams;
  }

  /**
   * The ID token's claims, as oauth4webapi checks the response (its state and iss, RFC 9207)
   * and the ID token (its nonce) of a private_key_jwt client.
   */
  async function idTokenOf(
    client: { id: string; redirectUri: string },
    signer: Key,
    callback: URLSearchParams,
    expected: { state: string; nonce: string; verifier: string },
  ): Promise<JWTPayload> {
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', ...INSECURE }),
    );
    const rp: oauth.Client = { client_id: client.id };
    const params = oauth.validateAuthResponse(as, rp, callback, expected.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      rp,
      oauth.PrivateKeyJwt(signer.privateKey),
      params,
      client.redirectUri,
      expected.verifier,
      INSECURE,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, {
      expectedNonce: expected.nonce,
    });
    return oauth.getValidatedIdTokenClaims(tokens)!;
  }

  const refusal = (res: request.Response) => ({ status: res.status, body: res.body as unknown });

  it('discovery: request objects by value and by a registered reference, none among the algorithms (oidcc-discovery-endpoint-verification, fapi2-security-profile-final-discovery-end-point-verification)', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const res = await t.http().get(`/.well-known/${path}`).expect(200);
      expect(res.body).toMatchObject({
        request_parameter_supported: true,
        request_uri_parameter_supported: true,
        require_request_uri_registration: true,
        request_object_signing_alg_values_supported: ['none', 'ES256', 'PS256', 'RS256', 'EdDSA'],
      });
    }
  });

  it('a signed request object (openid-client buildAuthorizationUrlWithJAR): its state comes back in the redirect and its nonce in the ID token, through the login page', async () => {
    const config = await oidc.discovery(
      new URL(issuer),
      jar.id,
      undefined,
      oidc.PrivateKeyJwt(es256.privateKey),
      insecure,
    );
    oidc.enableNonRepudiationChecks(config);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: jar.redirectUri,
        scope: 'openid profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      },
      { key: es256.privateKey, kid: 'es' },
    );
    // The front channel carries client_id and the object only.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);

    const browser = new CookieBrowser();
    const first = await browser.get(url.href);
    expect(first.status).toBe(302);
    const loginUrl = new URL(first.headers.get('location')!, issuer);
    // The way back is the request held for it, not the object again.
    const returnTo = loginUrl.searchParams.get('return_to')!;
    expect(returnTo).toMatch(/^\/authorize\?client_id=jar-client&pg_request=[A-Za-z0-9_-]{43}$/);
    const callback = await authorizeInBrowser(url, issuer, browser);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'user1', aud: jar.id, nonce });
  });

  it('the object is the request: state and nonce inside win over different ones outside, and a state only outside is not used (fapi2-security-profile-final-ensure-different-state-inside-and-outside-request-object, fapi2-security-profile-final-ensure-different-nonce-inside-and-outside-request-object, fapi2-security-profile-final-state-only-outside-request-object-not-used)', async () => {
    const { claims, verifier } = claimsFor(jar);
    const signedObject = await sign(claims, rs256);
    const res = await authorize({
      client_id: jar.id,
      response_type: 'code',
      scope: 'openid',
      state: 'outside-state',
      nonce: 'outside-nonce',
      request: signedObject,
    });
    const idToken = await idTokenOf(jar, es256, responseOf(res, jar.redirectUri), {
      state: claims.state as string,
      nonce: claims.nonce as string,
      verifier,
    });
    expect(idToken).toMatchObject({ nonce: claims.nonce, aud: jar.id, sub: 'user0' });

    const { claims: withoutState } = claimsFor(jar, { state: undefined });
    const noState = await authorize({
      client_id: jar.id,
      state: 'outside-state',
      request: await sign(withoutState, es256),
    });
    // The object has no state (with PKCE none is required, RFC 9700 §4.7.1), and the outside one
    // is not used: the response carries none.
    const answer = Object.fromEntries(responseOf(noState, jar.redirectUri));
    expect(answer).toEqual({ code: expect.any(String), iss: issuer });
  });

  it('an unsigned request object from a client that registered no algorithm is processed (oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported)', async () => {
    // As the conformance suite sends it: response_type, client_id, scope and redirect_uri
    // repeated in the query, state only inside the object, alg none, with iss and aud.
    const { claims, verifier } = claimsFor(DEMO_CLIENT, {
      iat: undefined,
      nbf: undefined,
      exp: undefined,
      jti: undefined,
    });
    const res = await authorize({
      client_id: DEMO_CLIENT.id,
      response_type: 'code',
      scope: 'openid profile',
      redirect_uri: DEMO_CLIENT.redirectUri,
      request: unsigned(claims),
    });
    const params = responseOf(res, DEMO_CLIENT.redirectUri);
    expect(params.get('state')).toBe(claims.state);
    const tokens = await exchangeCode(t.app.getHttpServer(), params.get('code')!, verifier).expect(
      200,
    );
    expect(decodeJwt((tokens.body as { id_token: string }).id_token).nonce).toBe(claims.nonce);
  });

  it("the request object's redirect_uri takes precedence over the query's (oidcc-ensure-request-object-with-redirect-uri)", async () => {
    const { claims } = claimsFor(DEMO_CLIENT);
    const res = await authorize({
      client_id: DEMO_CLIENT.id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'https://attacker.example/callback',
      request: unsigned(claims),
    });
    expect(responseOf(res, DEMO_CLIENT.redirectUri).get('state')).toBe(claims.state);
  });

  it('aud as an array holding the issuer is accepted, and an nbf 8 seconds ahead (fapi2-security-profile-final-ensure-request-object-with-multiple-aud-succeeds, fapi2-security-profile-final-ensure-request-object-with-nbf-8-seconds-in-the-future-is-accepted)', async () => {
    const { claims } = claimsFor(jar, {
      aud: [issuer, 'https://other1.example.com', 'invalid'],
      nbf: now() + 8,
    });
    const res = await authorize({ client_id: jar.id, request: await sign(claims, es256) });
    expect(responseOf(res, jar.redirectUri).get('state')).toBe(claims.state);
  });

  describe('every bad request object is invalid_request_object, shown as a page (its redirect URI cannot be trusted)', () => {
    const cases: Array<[string, () => Promise<string>, string]> = [
      [
        'a signature that does not verify (fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails)',
        async () => {
          const jwt = await sign(claimsFor(jar).claims, es256);
          const [h, p, s] = jwt.split('.');
          const bytes = Buffer.from(s, 'base64url');
          bytes[5] ^= 1;
          return `${h}.${p}.${bytes.toString('base64url')}`;
        },
        'request object signature is invalid',
      ],
      [
        'signed by a key the client did not register',
        async () => sign(claimsFor(jar).claims, stranger),
        'request object signature is invalid',
      ],
      [
        'a wrong aud (fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails)',
        async () => sign(claimsFor(jar, { aud: `${issuer}/authorize` }).claims, es256),
        'request aud must be the issuer identifier (or an array holding it)',
      ],
      [
        'no aud, signed',
        async () => sign(claimsFor(jar, { aud: undefined }).claims, es256),
        'request aud must be the issuer identifier (or an array holding it)',
      ],
      [
        "another client's client_id",
        async () => sign(claimsFor(jar, { client_id: DEMO_CLIENT.id }).claims, es256),
        'request client_id must be present and identical to the client_id parameter',
      ],
      [
        'no client_id',
        async () => sign(claimsFor(jar, { client_id: undefined }).claims, es256),
        'request client_id must be present and identical to the client_id parameter',
      ],
      [
        'an iss other than the client',
        async () => sign(claimsFor(jar, { iss: DEMO_CLIENT.id }).claims, es256),
        'request iss must be the client_id',
      ],
      [
        'expired (fapi2-security-profile-final-ensure-expired-request-object-fails)',
        async () => sign(claimsFor(jar, { exp: now() - 120, nbf: now() - 600 }).claims, es256),
        'request object expired (exp)',
      ],
      [
        'not valid for ten minutes yet (nbf)',
        async () => sign(claimsFor(jar, { nbf: now() + 600 }).claims, es256),
        'request object is not valid yet (nbf)',
      ],
      [
        'HS256 with the client secret Proofgate keeps only the hash of',
        async () =>
          new SignJWT(claimsFor(jar).claims)
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode('a-secret-the-server-could-never-verify-with')),
        'request must be signed with ES256, PS256, RS256, EdDSA, or be unsigned (alg none); never HS*: Proofgate keeps only a hash of a client secret',
      ],
      [
        'a request object that points at another (request_uri inside)',
        async () =>
          sign(claimsFor(jar, { request_uri: 'https://rp.example/request.jwt' }).claims, es256),
        'A request object must not contain request or request_uri',
      ],
      [
        'a claim named twice, signed: another reader of the object may keep the first',
        async () =>
          signText(
            twice(claimsFor(jar).claims, 'redirect_uri', 'https://elsewhere.example/cb'),
            es256,
          ),
        'request object names member "redirect_uri" twice',
      ],
      [
        'a claim named twice, unsigned (alg none)',
        () => {
          const header = Buffer.from('{"alg":"none"}').toString('base64url');
          const text = twice(claimsFor(jar).claims, 'state', 'other-state');
          return Promise.resolve(`${header}.${Buffer.from(text).toString('base64url')}.`);
        },
        'request object names member "state" twice',
      ],
      [
        'not a JWT',
        () => Promise.resolve('not-a-request-object'),
        'request must be a request object: a JWT in compact serialization',
      ],
      [
        'an encrypted request object (JWE)',
        () => Promise.resolve('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'),
        'Encrypted request objects are not supported: send a signed one (JWS)',
      ],
    ];
    it.each(cases)('%s', async (_name, requestObject, description) => {
      const res = await authorize({ client_id: jar.id, request: await requestObject() });
      expect(refusal(res)).toEqual({
        status: 400,
        body: { error: 'invalid_request_object', error_description: description },
      });
    });
  });

  it('a client that registered request_object_signing_alg: an unsigned object is refused, another algorithm too, its own is accepted', async () => {
    const bad = await Promise.all([
      authorize({ client_id: es256Only.id, request: unsigned(claimsFor(es256Only).claims) }),
      authorize({
        client_id: es256Only.id,
        request: await sign(claimsFor(es256Only).claims, rs256),
      }),
    ]);
    for (const res of bad) {
      expect(refusal(res)).toEqual({
        status: 400,
        body: {
          error: 'invalid_request_object',
          error_description:
            "request must be signed with ES256, the client's request_object_signing_alg",
        },
      });
    }
    const { claims } = claimsFor(es256Only);
    const good = await authorize({ client_id: es256Only.id, request: await sign(claims, es256) });
    expect(responseOf(good, es256Only.redirectUri).get('state')).toBe(claims.state);
  });

  it(`an object whose exp passed less than ${REQUEST_OBJECT_CLOCK_SKEW_SECONDS} s ago is accepted (the clock skew), one past that refused`, async () => {
    const within = claimsFor(jar, { exp: now() - (REQUEST_OBJECT_CLOCK_SKEW_SECONDS - 5) });
    const accepted = await authorize({
      client_id: jar.id,
      request: await sign(within.claims, es256),
    });
    expect(responseOf(accepted, jar.redirectUri).get('state')).toBe(within.claims.state);
    const past = claimsFor(jar, { exp: now() - (REQUEST_OBJECT_CLOCK_SKEW_SECONDS + 5) });
    const refused = await authorize({ client_id: jar.id, request: await sign(past.claims, es256) });
    expect(refusal(refused)).toEqual({
      status: 400,
      body: { error: 'invalid_request_object', error_description: 'request object expired (exp)' },
    });
  });

  it('a client with only a secret cannot sign a request object Proofgate could verify', async () => {
    const res = await authorize({
      client_id: DEMO_CLIENT.id,
      request: await sign(claimsFor(DEMO_CLIENT).claims, es256),
    });
    expect(refusal(res)).toEqual({
      status: 400,
      body: {
        error: 'invalid_request_object',
        error_description:
          'The client registered no public keys (jwks or jwks_uri) to verify a signed request object with',
      },
    });
  });

  it("a request_uri neither POST /par's nor registered by the client is invalid_request_uri, never fetched, sent to the redirect URI of the query", async () => {
    const res = await authorize({
      client_id: DEMO_CLIENT.id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: DEMO_CLIENT.redirectUri,
      request_uri: 'https://rp.example/requests/1.jwt#frag',
    });
    const params = responseOf(res, DEMO_CLIENT.redirectUri);
    expect(Object.fromEntries(params)).toEqual({
      error: 'invalid_request_uri',
      error_description:
        'request_uri must be one the client registered (request_uris): this client registered none',
      iss: issuer,
    });
    // Without a registered redirect URI in the query: a page.
    const page = await authorize({
      client_id: DEMO_CLIENT.id,
      request_uri: 'https://rp.example/requests/1.jwt',
    });
    expect(refusal(page)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request_uri' },
    });
    // RFC 9101 §5: never both.
    const both = await authorize({
      client_id: DEMO_CLIENT.id,
      request: unsigned(claimsFor(DEMO_CLIENT).claims),
      request_uri: 'urn:ietf:params:oauth:request_uri:abc',
    });
    expect(refusal(both)).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'request and request_uri cannot both be sent (RFC 9101 §5)',
      },
    });
  });

  it('the held request outlives the object: an object that expires while the user signs in still completes, once', async () => {
    const { claims } = claimsFor(jar, { exp: now() + 60 });
    const browser = new CookieBrowser();
    const url = `${issuer}/authorize?${new URLSearchParams({ client_id: jar.id, request: await sign(claims, es256) }).toString()}`;
    const first = await browser.get(url);
    const returnTo = new URL(first.headers.get('location')!, issuer).searchParams.get('return_to')!;
    // The user takes five minutes on the login page: the object has expired by then.
    t.clock.advance(300);
    try {
      expect(await passwordSignIn(browser, issuer, { returnTo })).toBe(returnTo);
      const back = await browser.get(new URL(returnTo, issuer).href);
      expect(back.status).toBe(302);
      const location = new URL(back.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe(claims.state);
      // The same object again, now: expired.
      const again = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      });
      expect(await again.json()).toEqual({
        error: 'invalid_request_object',
        error_description: 'request object expired (exp)',
      });
      // The held request yielded its one code.
      const replay = await fetch(new URL(returnTo, issuer), {
        headers: { accept: 'application/json', cookie: '' },
        redirect: 'manual',
      });
      expect(await replay.json()).toEqual({
        error: 'invalid_request',
        error_description:
          'The authorization request was already answered: start again from the application',
      });
    } finally {
      t.clock.advance(-300);
    }
  });

  it("the consent screen's way back is the held request: Allow gives the object's state, Deny sends access_denied with it", async () => {
    // Deny first: an allowed scope is remembered, and would skip the screen the second time.
    for (const decision of ['deny', 'allow'] as const) {
      const { claims } = claimsFor(PARTNER);
      const browser = new CookieBrowser();
      const object = unsigned(claims);
      const url = `${issuer}/authorize?${new URLSearchParams({ client_id: PARTNER.id, request: object }).toString()}`;
      const callback = await authorizeThroughConsent(browser, url, decision);
      expect(callback.searchParams.get('state')).toBe(claims.state);
      if (decision === 'allow') expect(callback.searchParams.get('code')).toMatch(/.+/);
      else expect(callback.searchParams.get('error')).toBe('access_denied');
    }
  });

  /** Login as user1, then the consent screen answered with `decision`: the client's callback. */
  async function authorizeThroughConsent(
    browser: CookieBrowser,
    url: string,
    decision: 'allow' | 'deny',
  ): Promise<URL> {
    const first = await browser.get(url);
    const returnTo = new URL(first.headers.get('location')!, issuer).searchParams.get('return_to')!;
    await passwordSignIn(browser, issuer, { returnTo });
    const consent = await browser.get(new URL(returnTo, issuer).href);
    expect(consent.status).toBe(200);
    const html = await consent.text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1].replace(/&amp;/g, '&');
    expect(field('return_to')).toBe(returnTo);
    const answered = await browser.postForm(`${issuer}/consent`, {
      decision,
      csrf_token: field('csrf_token'),
      return_to: field('return_to'),
    });
    expect(answered.status).toBe(303);
    const next = new URL(answered.headers.get('location')!, issuer);
    if (decision === 'deny') return next;
    const back = await browser.get(next.href);
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  describe('FAPI 2.0 Message Signing: a client that requires signed request objects, pushed (RFC 9126 §3)', () => {
    let as: oauth.AuthorizationServer;
    beforeAll(async () => {
      as = await oauth.processDiscoveryResponse(
        new URL(issuer),
        await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', ...INSECURE }),
      );
    });

    /** POST /par with `parameters`, the client authenticated with a private_key_jwt assertion. */
    function push(parameters: Record<string, string>): Promise<Response> {
      return oauth.pushedAuthorizationRequest(
        as,
        { client_id: fapi.id },
        oauth.PrivateKeyJwt(ps256.privateKey),
        new URLSearchParams(parameters),
        INSECURE,
      );
    }

    it('a signed request object pushed to /par, as openid-client sends it: the code, its state and nonce (fapi2-security-profile-final-happy-flow, signed request object)', async () => {
      const config = await oidc.discovery(
        new URL(issuer),
        fapi.id,
        undefined,
        oidc.PrivateKeyJwt(ps256.privateKey),
        insecure,
      );
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const jarUrl = await oidc.buildAuthorizationUrlWithJAR(
        config,
        {
          redirect_uri: fapi.redirectUri,
          scope: 'openid',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        },
        { key: ps256.privateKey, kid: 'ps' },
      );
      const url = await oidc.buildAuthorizationUrlWithPAR(config, jarUrl.searchParams);
      expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      const callback = await authorizeInBrowser(url, issuer);
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      expect(tokens.claims()).toMatchObject({ aud: fapi.id, nonce });
    });

    const signedCases: Array<[string, () => Promise<string>, string, string]> = [
      [
        'fapi2-security-profile-final-ensure-request-object-signature-algorithm-is-not-none',
        () => Promise.resolve(unsigned(claimsFor(fapi).claims)),
        'invalid_request_object',
        "request must be signed with PS256, the client's request_object_signing_alg",
      ],
      [
        'fapi2-security-profile-final-ensure-signed-request-object-with-RS256-fails',
        async () => sign(claimsFor(fapi).claims, ps256AsRs256),
        'invalid_request_object',
        "request must be signed with PS256, the client's request_object_signing_alg",
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-without-exp-fails',
        async () => sign(claimsFor(fapi, { exp: undefined }).claims, ps256),
        'invalid_request_object',
        'request must carry exp and nbf: the client requires signed request objects (FAPI 2.0 Message Signing)',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-without-nbf-fails',
        async () => sign(claimsFor(fapi, { nbf: undefined }).claims, ps256),
        'invalid_request_object',
        'request must carry exp and nbf: the client requires signed request objects (FAPI 2.0 Message Signing)',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-with-nbf-over-60-fails',
        async () => sign(claimsFor(fapi, { nbf: now() - 70 * 60 }).claims, ps256),
        'invalid_request_object',
        'request nbf is more than 60 minutes in the past',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-with-exp-over-60-fails',
        async () => sign(claimsFor(fapi, { exp: now() + 70 * 60 }).claims, ps256),
        'invalid_request_object',
        'request exp is more than 60 minutes after its nbf',
      ],
      [
        'fapi2-security-profile-final-ensure-expired-request-object-fails',
        async () => sign(claimsFor(fapi, { exp: now() - 60, nbf: now() - 600 }).claims, ps256),
        'invalid_request_object',
        'request object expired (exp)',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails',
        async () => {
          const [h, p] = (await sign(claimsFor(fapi).claims, ps256)).split('.');
          const other = await sign(claimsFor(fapi).claims, ps256);
          return `${h}.${p}.${other.split('.')[2]}`;
        },
        'invalid_request_object',
        'request object signature is invalid',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails',
        async () => sign(claimsFor(fapi, { aud: `${issuer}/par` }).claims, ps256),
        'invalid_request_object',
        'request aud must be the issuer identifier (or an array holding it)',
      ],
      [
        'fapi2-security-profile-final-ensure-request-object-without-redirect-uri-fails',
        async () => sign(claimsFor(fapi, { redirect_uri: undefined }).claims, ps256),
        'invalid_request',
        'redirect_uri is required',
      ],
    ];
    it.each(signedCases)('/par refuses: %s', async (_module, requestObject, error, description) => {
      // RFC 9126 §3: the object is the request; a parameter beside it in the form is ignored.
      const res = await push({ request: await requestObject(), redirect_uri: fapi.redirectUri });
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 400,
        body: { error, error_description: description },
      });
    });

    it('/par refuses the plain parameters of a client that requires signed request objects (fapi2-security-profile-final-ensure-unsigned-request-at-par-endpoint-fails)', async () => {
      const { claims } = claimsFor(fapi);
      const parameters = Object.fromEntries(
        [
          'response_type',
          'redirect_uri',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'code_challenge_method',
        ].map((name) => [name, String(claims[name])]),
      );
      const res = await push(parameters);
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 400,
        body: {
          error: 'invalid_request',
          error_description:
            'This client must send its authorization requests as signed request objects (request): its require_signed_request_object',
        },
      });
    });

    it('/authorize refuses its request object without PAR, and its plain query (fapi2-security-profile-final-ensure-unsigned-authorization-request-without-using-par-fails)', async () => {
      const { claims } = claimsFor(fapi);
      const plain = await authorize(
        Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, String(value)])),
      );
      expect(refusal(plain)).toEqual({
        status: 400,
        body: {
          error: 'invalid_request',
          error_description:
            'This client must send its authorization requests as signed request objects (request): its require_signed_request_object',
        },
      });
      const signed = await authorize({ client_id: fapi.id, request: await sign(claims, ps256) });
      expect(refusal(signed)).toEqual({
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: 'Authorization requests must be pushed to /par first (RFC 9126)',
        },
      });
    });
  });

  describe('registration (OpenID Connect Registration §2, RFC 9101 §10.5)', () => {
    const register = (body: Record<string, unknown>) =>
      t.http().post('/register').set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`).send(body);

    it('a private_key_jwt client registers request_object_signing_alg and require_signed_request_object; without keys it cannot', async () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const registered = await register({
        redirect_uris: ['https://rp.example/callback'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        request_object_signing_alg: 'ES256',
        require_signed_request_object: true,
      }).expect(201);
      expect(registered.body).toMatchObject({
        request_object_signing_alg: 'ES256',
        require_signed_request_object: true,
      });
      const unsignedFromIt = await authorize({
        client_id: (registered.body as { client_id: string }).client_id,
        request: unsigned({}),
      });
      expect(refusal(unsignedFromIt)).toMatchObject({
        status: 400,
        body: { error: 'invalid_request_object' },
      });

      const secretClient = await register({
        redirect_uris: ['https://rp.example/callback'],
        request_object_signing_alg: 'RS256',
      });
      expectRefusal(
        secretClient,
        400,
        'invalid_client_metadata',
        'request_object_signing_alg needs the client\'s public keys (token_endpoint_auth_method "private_key_jwt" with jwks or jwks_uri): a request object is verified with them, never with a client secret, of which only a hash is kept',
      );
      const hs256 = await register({
        redirect_uris: ['https://rp.example/callback'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        request_object_signing_alg: 'HS256',
      });
      expectRefusal(
        hs256,
        400,
        'invalid_client_metadata',
        'request_object_signing_alg must be one of ES256, PS256, RS256, EdDSA (unsigned request objects need no registration)',
      );
    });
  });
});
