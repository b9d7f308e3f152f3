/**
 * The OpenID Foundation's fapi2-security-profile-final-test-plan (DPoP, private_key_jwt, OpenID),
 * module by module, against a client given `"profile": "fapi2"` (issue #47, items 5 and 6): each
 * test is named after the conformance module whose check it answers. The client side is
 * oauth4webapi (PAR, private_key_jwt, DPoP, RFC 9207 `iss` checked), as the suite's client would
 * be another library; what the suite does wrong on purpose (RS256, a request without PAR or
 * without DPoP, an assertion for another audience, a proof from the future) is signed here with
 * jose, independently of the server's code.
 *
 * FAPI 2.0 Security Profile (final): §5.3.2.1 (the AS's general requirements), §5.3.2.2 (flows
 * through the authorization endpoint), §5.4.1 (algorithms).
 */
import * as oauth from 'oauth4webapi';
import {
  createHash,
  generateKeyPairSync,
  randomInt,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose';
import { AppConfig } from '../../../src/config/app-config';
import { adminCli } from '../../support/admin-cli';
import { authorizeInBrowser, withNonceRetry } from '../../support/dpop';
import { DEMO_CLIENT, pkcePair, codeRequestOf } from '../../support/oauth';
import { INSECURE, codeRequest, discover } from '../../support/oauth-discovery';
import { TestApp, startListeningApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FAPI = { id: 'fapi2-client', redirectUri: 'https://client.example/fapi2/callback' };
const DPOP_IAT_WINDOW =
  "The DPoP proof iat must be at most 60 seconds before and 10 seconds after the server's time";

/**
 * An RSA key the suite's way (its default algorithm is PS256): as a KeyObject, which signs PS256
 * and RS256 alike (jose), and as the WebCrypto RSA-PSS pair oauth4webapi signs PS256 with.
 */
interface RsaKey {
  keyObject: KeyObject;
  pair: oauth.CryptoKeyPair;
  jwk: JWK;
  jkt: string;
}

async function rsaKey(kid?: string): Promise<RsaKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pair = {
    privateKey: await importPKCS8(
      privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      'PS256',
    ),
    publicKey: await importSPKI(
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
      'PS256',
      {
        extractable: true,
      },
    ),
  };
  const jwk = await exportJWK(publicKey);
  return {
    keyObject: privateKey,
    pair,
    jwk: { ...jwk, ...(kid ? { kid } : {}) },
    jkt: await calculateJwkThumbprint(jwk),
  };
}

/**
 * The server with one first-party client of profile fapi2 that authenticates with `clientKey`
 * (private_key_jwt, its public key registered inline), as the suite's configuration registers
 * it; `env` adds the settings a describe block is about. And its discovered metadata.
 */
async function startWithFapiClient(
  clientKey: RsaKey,
  env: Record<string, string>,
): Promise<{ t: TestApp; issuer: string; as: oauth.AuthorizationServer }> {
  const { t, issuer } = await startListeningApp({
    ...env,
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: FAPI.id,
        redirect_uris: [FAPI.redirectUri],
        first_party: true,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [clientKey.jwk] },
        profile: 'fapi2',
      },
    ]),
  });
  return { t, issuer, as: await discover(issuer, 'oidc') };
}

/** A DPoP proof (RFC 9449 §4.2) signed with `alg` by `key`, `iat` `skew` seconds off. */
function proof(
  key: RsaKey,
  {
    htu,
    htm = 'POST',
    alg = 'PS256',
    skew = 0,
    accessToken,
  }: {
    htu: string;
    htm?: string;
    alg?: string;
    skew?: number;
    accessToken?: string;
  },
): Promise<string> {
  const jwk = { kty: key.jwk.kty, n: key.jwk.n, e: key.jwk.e };
  return new SignJWT({
    htm,
    htu,
    jti: randomUUID(),
    iat: Math.floor(Date.now() / 1000) + skew,
    ...(accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(accessToken).digest('base64url') }),
  })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
    .sign(key.keyObject);
}

describe('fapi2-security-profile-final-test-plan (DPoP, private_key_jwt, OpenID): a client of profile fapi2', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let clientKey: RsaKey;
  let dpopKey: RsaKey;
  const client: oauth.Client = { client_id: FAPI.id };

  beforeAll(async () => {
    clientKey = await rsaKey('fapi2-client-1');
    dpopKey = await rsaKey();
    ({ t, issuer, as } = await startWithFapiClient(clientKey, {
      // A longer setting than FAPI 2.0 allows: the profile caps its client's codes at 60 s.
      AUTH_CODE_TTL_SECONDS: '600',
    }));
  });
  afterAll(() => t.close());

  const clientAuth = () => oauth.PrivateKeyJwt(clientKey.pair.privateKey);

  /** A client assertion as the suite builds one, with `claims` and `alg` under the test's control. */
  function assertion(claims: Record<string, unknown> = {}, alg = 'PS256'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: FAPI.id,
      sub: FAPI.id,
      aud: issuer,
      iat: now,
      exp: now + 60,
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg, kid: clientKey.jwk.kid! })
      .sign(clientKey.keyObject);
  }

  /**
   * The pushed request (with a DPoP proof when `DPoP`; `extra` parameters), the user signed in
   * through the browser, and the authorization response checked by oauth4webapi: state, and
   * `iss` (RFC 9207).
   */
  async function authorized(DPoP?: oauth.DPoPHandle, extra: Record<string, string> = {}) {
    const { parameters, verifier } = await codeRequest(FAPI.redirectUri, {
      scope: 'openid profile',
      ...extra,
    });
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(as, client, clientAuth(), parameters, {
        ...(DPoP ? { DPoP } : {}),
        ...INSECURE,
      }),
    );
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: FAPI.id,
      request_uri: pushed.request_uri,
    }).toString();
    const callback = await authorizeInBrowser(url, issuer);
    return {
      params: oauth.validateAuthResponse(as, client, callback, parameters.state),
      verifier,
      callback,
    };
  }

  const tokenRequest = (
    code: { params: URLSearchParams; verifier: string },
    options: oauth.TokenEndpointRequestOptions = {},
    auth: oauth.ClientAuth = clientAuth(),
    who: oauth.Client = client,
  ) =>
    oauth.authorizationCodeGrantRequest(
      as,
      who,
      auth,
      code.params,
      FAPI.redirectUri,
      code.verifier,
      { ...options, ...INSECURE },
    );

  /**
   * A code redeemed by hand (the form the suite sends) with a DPoP proof of `dpopKey` for /token
   * and a client assertion, both valid unless the test spoils one: the proof's `alg` or `skew`,
   * the assertion's claims or its alg.
   */
  async function redeemByHand(
    code: { params: URLSearchParams; verifier: string },
    spoilt: {
      proof?: { alg?: string; skew?: number };
      claims?: Record<string, unknown>;
      assertionAlg?: string;
    } = {},
  ) {
    return t
      .http()
      .post('/token')
      .type('form')
      .set('DPoP', await proof(dpopKey, { htu: `${issuer}/token`, ...spoilt.proof }))
      .send({
        grant_type: 'authorization_code',
        code: code.params.get('code')!,
        redirect_uri: FAPI.redirectUri,
        code_verifier: code.verifier,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(spoilt.claims, spoilt.assertionAlg),
      });
  }

  it('fapi2-security-profile-final-happy-flow: PAR, private_key_jwt, DPoP-bound tokens, iss, userinfo', async () => {
    const DPoP = oauth.DPoP(client, dpopKey.pair);
    const code = await authorized(DPoP);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await tokenRequest(code, { DPoP }),
    );
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: dpopKey.jkt });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ iss: issuer, aud: FAPI.id, sub: 'user1' });
    const info = await oauth.processUserInfoResponse(
      as,
      client,
      'user1',
      await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...INSECURE }),
    );
    expect(info.sub).toBe('user1');
  });

  it('fapi2-security-profile-final-ensure-unsigned-authorization-request-without-using-par-fails', async () => {
    // §5.3.2.2-3: "shall reject authorization requests sent without [RFC9126]".
    const res = await t
      .http()
      .get('/authorize')
      .set('Accept', 'application/json')
      .query(codeRequestOf(FAPI, { scope: 'openid', state: 'st' }));
    expectRefusal(
      res,
      400,
      'invalid_request',
      'Authorization requests must be pushed to /par first (RFC 9126)',
    );
  });

  it('fapi2-security-profile-final-ensure-holder-of-key-required: no bearer token without a DPoP proof', async () => {
    // §5.3.2.1-4: "shall only issue sender-constrained access tokens" (by DPoP here, -5).
    const code = await authorized();
    const response = await tokenRequest(code);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'This client must send a DPoP proof with its token requests',
    });
  });

  it('fapi2-security-profile-final-ensure-signed-client-assertion-with-RS256-fails', async () => {
    // §5.4.1-1: PS256, ES256 or EdDSA; RS256 with the very key registered for PS256 is refused.
    const code = await authorized();
    const res = await redeemByHand(code, { assertionAlg: 'RS256' });
    expectRefusal(
      res,
      401,
      'invalid_client',
      'client_assertion must be signed with ES256, PS256, EdDSA for this client, not RS256',
    );
    // The same code and key with PS256: the refusal was the algorithm's alone.
    const ok = await redeemByHand(code);
    expect(ok.status).toBe(200);
  });

  it('request objects of the profile: signed with PS256 (or ES256, EdDSA) only, never unsigned (§5.4.1-1)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { parameters } = await codeRequest(FAPI.redirectUri, { scope: 'openid' });
    const claims = {
      ...parameters,
      client_id: FAPI.id,
      iss: FAPI.id,
      aud: issuer,
      iat: now,
      nbf: now,
      exp: now + 60,
    };
    const signedWith = (alg: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, typ: 'oauth-authz-req+jwt', kid: clientKey.jwk.kid! })
        .sign(clientKey.keyObject);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const push = async (request: string) =>
      t
        .http()
        .post('/par')
        .type('form')
        .send({
          client_id: FAPI.id,
          request,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(),
        });
    for (const [request, description] of [
      [
        await signedWith('RS256'),
        "request must be signed with PS256, ES256, EdDSA, Ed25519: the client's fapi2 profile (FAPI 2.0 §5.4.1)",
      ],
      [unsigned, "request must be signed: the client's fapi2 profile (FAPI 2.0 §5.4.1)"],
    ]) {
      const refused = await push(request);
      expectRefusal(refused, 400, 'invalid_request_object', description);
    }
    const accepted = await push(await signedWith('PS256'));
    expect(accepted.status).toBe(201);
  });

  it('fapi2-security-profile-final-dpop-negative-tests: a DPoP proof signed using RS256 is refused at /par, /token and the resource', async () => {
    const refusal = {
      error: 'invalid_dpop_proof',
      error_description:
        'The DPoP proof must be signed with PS256, ES256, EdDSA, Ed25519 for this client, not RS256',
    };
    const pushed = await t
      .http()
      .post('/par')
      .type('form')
      .set('DPoP', await proof(dpopKey, { htu: `${issuer}/par`, alg: 'RS256' }))
      .send({
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(),
        redirect_uri: FAPI.redirectUri,
        response_type: 'code',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
    expect(pushed.status).toBe(400);
    expect(pushed.body).toEqual(refusal);

    const code = await authorized();
    const token = await redeemByHand(code, { proof: { alg: 'RS256' } });
    expect(token.status).toBe(400);
    expect(token.body).toEqual(refusal);

    // A token bound to the RSA key (PS256 proof), then presented with an RS256 proof of that key.
    const bound = await redeemByHand(code);
    expect(bound.status).toBe(200);
    const accessToken = bound.body.access_token as string;
    // /userinfo by the service's authenticator, /api/me by the resource-server package's core.
    for (const path of ['/userinfo', '/api/me']) {
      const call = async (alg: string) =>
        t
          .http()
          .get(path)
          .set('Authorization', `DPoP ${accessToken}`)
          .set(
            'DPoP',
            await proof(dpopKey, { htu: `${issuer}${path}`, htm: 'GET', alg, accessToken }),
          );
      const rs256 = await call('RS256');
      expect({ path, status: rs256.status }).toEqual({ path, status: 401 });
      expect(rs256.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
      expect(rs256.body).toEqual(refusal);
      expect({ path, status: (await call('PS256')).status }).toEqual({ path, status: 200 });
    }
  });

  // §5.3.2.1-13: "shall accept JWTs with an iat ... between 0 and 10 seconds in the future".
  // Each title names its certification module whole (docs/CONFORMANCE.md's rows are checked
  // against the spec's text).
  it.each([
    ['fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-after-succeeds', 10],
    ['fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-before-succeeds', -10],
  ])('%s: at /par, /token and the resource', async (_module, skew) => {
    const DPoP = oauth.DPoP(client, dpopKey.pair, {
      [oauth.modifyAssertion]: (_header, payload) => {
        payload.iat = (payload.iat as number) + skew;
      },
    });
    const code = await authorized(DPoP);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await tokenRequest(code, { DPoP }),
    );
    const info = await oauth.userInfoRequest(as, client, tokens.access_token, {
      DPoP,
      ...INSECURE,
    });
    expect(info.status).toBe(200);
  });

  it('fapi2-security-profile-final-dpop-negative-tests: a proof more than 60 s ahead is refused, the text stating the window', async () => {
    // §5.3.2.1-13: "shall reject JWTs with an iat ... greater than 60 seconds in the future".
    const code = await authorized();
    for (const skew of [61, 3600]) {
      const res = await redeemByHand(code, { proof: { skew } });
      expectRefusal(res, 400, 'invalid_dpop_proof', DPOP_IAT_WINDOW);
    }
  });

  describe('client assertion aud: the issuer identifier as a single string (§5.3.2.1-8)', () => {
    const wrongAudience = {
      error: 'invalid_client',
      error_description: 'client_assertion aud must be the issuer identifier, as a single string',
    };
    const par = async (aud: unknown) =>
      t
        .http()
        .post('/par')
        .type('form')
        .send({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion({ aud }),
          redirect_uri: FAPI.redirectUri,
          response_type: 'code',
          state: 'st',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        });

    it('fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails', async () => {
      const code = await authorized();
      const res = await redeemByHand(code, { claims: { aud: 'https://another-server.example' } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(wrongAudience);
    });

    it('fapi2-security-profile-final-par-test-par-endpoint-url-as-audience-fails', async () => {
      const res = await par(`${issuer}/par`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(wrongAudience);
    });

    it('fapi2-security-profile-final-par-test-token-endpoint-url-as-audience-fails', async () => {
      const res = await par(`${issuer}/token`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(wrongAudience);
    });

    it('fapi2-security-profile-final-par-test-array-as-audience-fails', async () => {
      const res = await par([issuer]);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(wrongAudience);
      // The issuer alone, as a string, is accepted (the baseline the refusals differ from).
      expect((await par(issuer)).status).toBe(201);
    });
  });

  it('fapi2-security-profile-final-ensure-token-endpoint-fails-with-expired-auth-code: 60 s at most, whatever AUTH_CODE_TTL_SECONDS', async () => {
    // §5.3.2.1-11: "shall issue authorization codes with a maximum lifetime of 60 seconds".
    const code = await authorized();
    const demo: oauth.Client = { client_id: DEMO_CLIENT.id };
    const demoCode = await (async () => {
      const { parameters, verifier, state } = await codeRequest(DEMO_CLIENT.redirectUri);
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({ client_id: demo.client_id, ...parameters }).toString();
      const callback = await authorizeInBrowser(url, issuer);
      return { params: oauth.validateAuthResponse(as, demo, callback, state), verifier };
    })();
    t.clock.advance(62);
    try {
      // The client's clock is as far ahead as the server's, so only the code's age is at stake.
      const later = { ...client, [oauth.clockSkew]: 62 };
      const DPoP = oauth.DPoP(later, dpopKey.pair);
      const expired = await tokenRequest(code, { DPoP }, clientAuth(), later);
      expect(expired.status).toBe(400);
      expect(await expired.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Authorization code expired',
      });
      // Another client's code of the same age lives on: AUTH_CODE_TTL_SECONDS is 600 here.
      const other = await oauth.authorizationCodeGrantRequest(
        as,
        demo,
        oauth.ClientSecretBasic(DEMO_CLIENT.secret),
        demoCode.params,
        DEMO_CLIENT.redirectUri,
        demoCode.verifier,
        INSECURE,
      );
      expect(other.status).toBe(200);
    } finally {
      t.clock.advance(-62);
    }
  });

  it('fapi2-security-profile-final-access-token-type-header-case-sensitivity: the token_type in inverted case is the same scheme at the resource', async () => {
    // RFC 9110 §11.1: "It uses a case-insensitive token to identify the authentication scheme".
    // The suite sends the token_type the token endpoint returned, each letter's case inverted.
    const invertCase = (text: string) =>
      [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    const code = await authorized();
    const tokens = await redeemByHand(code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.token_type).toBe('DPoP');
    const accessToken = tokens.body.access_token as string;
    const scheme = invertCase(tokens.body.token_type as string);
    expect(scheme).toBe('dpOp');
    for (const path of ['/userinfo', '/api/me']) {
      const res = await t
        .http()
        .get(path)
        .set('Authorization', `${scheme} ${accessToken}`)
        .set('DPoP', await proof(dpopKey, { htu: `${issuer}${path}`, htm: 'GET', accessToken }));
      expect({ path, status: res.status, sub: res.body.sub }).toEqual({
        path,
        status: 200,
        sub: 'user1',
      });
    }
  });

  it('fapi2-security-profile-final-check-dpop-proof-nbf-exp: proofs with nbf now and exp 5 minutes ahead are accepted at /token and the resource', async () => {
    // The suite adds to its proofs for the token and resource endpoints `nbf` (now) and `exp`
    // (now + 300 s), which RFC 9449 does not define and a server must not choke on.
    const code = await authorized(oauth.DPoP(client, dpopKey.pair));
    const DPoP = oauth.DPoP(client, dpopKey.pair, {
      [oauth.modifyAssertion]: (_header, payload) => {
        payload.nbf = payload.iat;
        payload.exp = (payload.iat as number) + 5 * 60;
      },
    });
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await tokenRequest(code, { DPoP }),
    );
    expect(tokens.token_type).toBe('dpop');
    const info = await oauth.processUserInfoResponse(
      as,
      client,
      'user1',
      await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...INSECURE }),
    );
    expect(info.sub).toBe('user1');
  });

  it('fapi2-security-profile-final-ensure-authorization-request-with-long-state: a state of 1000 characters comes back unchanged', async () => {
    // The suite's state of that length: random alphanumerics ending in "-._~" (every URL-safe
    // character, as a JWT used as state has).
    const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const state = `${Array.from({ length: 996 }, () => alphanumerics[randomInt(alphanumerics.length)]).join('')}-._~`;
    expect(state).toHaveLength(1000);
    const DPoP = oauth.DPoP(client, dpopKey.pair);
    const code = await authorized(DPoP, { state });
    expect(code.callback.searchParams.get('state')).toBe(state);
    expect(code.callback.searchParams.get('error')).toBeNull();
    // The flow then completes, as the suite's does.
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await tokenRequest(code, { DPoP }),
    );
    expect(tokens.token_type).toBe('dpop');
  });

  it('fapi2-security-profile-final-ensure-client-assertion-with-exp-is-5-minutes-in-past-fails', async () => {
    const now = Math.floor(Date.now() / 1000);
    const code = await authorized();
    const res = await redeemByHand(code, { claims: { nbf: now, iat: now, exp: now - 5 * 60 } });
    // The suite: JSON, 400 (or 401 for invalid_client), invalid_client or invalid_request.
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectRefusal(res, 401, 'invalid_client', 'client_assertion expired');
    // The same code with a fresh assertion: the refusal was the expiry's alone.
    const ok = await redeemByHand(code);
    expect(ok.status).toBe(200);
  });

  it('fapi2-security-profile-final-ensure-client-assertion-with-no-sub-fails', async () => {
    // RFC 7523 §3 item 2: "The JWT MUST contain a "sub" (subject) claim"; without it a signed
    // request object of the client's could pass for its assertion.
    const code = await authorized();
    const res = await redeemByHand(code, { claims: { sub: undefined } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectRefusal(
      res,
      401,
      'invalid_client',
      'client_assertion must be a JWT whose sub is the client_id',
    );
    const ok = await redeemByHand(code);
    expect(ok.status).toBe(200);
  });

  describe('client assertion times at /par (FAPI 2.0 §5.3.2.1-13: 10 s ahead accepted, over 60 s refused)', () => {
    /** A pushed request as the suite sends it: a DPoP proof, the assertion, the parameters. */
    async function pushByHand(clientAssertion: string, method: 'post' | 'put' = 'post') {
      const { parameters, verifier } = await codeRequest(FAPI.redirectUri, { scope: 'openid' });
      const res = await t
        .http()
        [method]('/par')
        .type('form')
        .set('Accept', 'application/json')
        .set('DPoP', await proof(dpopKey, { htu: `${issuer}/par`, htm: method.toUpperCase() }))
        .send({
          ...parameters,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: clientAssertion,
        });
      return { res, parameters, verifier };
    }

    it('fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-8-seconds-in-the-future-is-accepted', async () => {
      const ahead = Math.floor(Date.now() / 1000) + 8;
      const { res, parameters, verifier } = await pushByHand(
        await assertion({ iat: ahead, nbf: ahead }),
      );
      expect(res.status).toBe(201);
      // And the flow goes on with the request_uri, as the suite's does.
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: FAPI.id,
        request_uri: res.body.request_uri as string,
      }).toString();
      const callback = await authorizeInBrowser(url, issuer);
      const params = oauth.validateAuthResponse(as, client, callback, parameters.state);
      const DPoP = oauth.DPoP(client, dpopKey.pair);
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await tokenRequest({ params, verifier }, { DPoP }),
      );
      expect(tokens.token_type).toBe('dpop');
    });

    it('fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-over-60-seconds-in-the-future-fails', async () => {
      // The suite moves iat, nbf and exp of its assertion 62 s ahead.
      const now = Math.floor(Date.now() / 1000);
      const { res } = await pushByHand(
        await assertion({ iat: now + 62, nbf: now + 62, exp: now + 60 + 62 }),
      );
      expectRefusal(res, 401, 'invalid_client', 'client_assertion is not valid yet (nbf)');
    });

    it('fapi2-security-profile-final-par-attempt-invalid-http-method: a PUT of the pushed request is refused', async () => {
      // The suite sends its pushed request with PUT and wants a 4xx or 5xx (EnsureParHTTPError).
      // Only POST has a route at /par: 405 with Allow, as RFC 9126 §2.3 names, in the envelope.
      const { res } = await pushByHand(await assertion(), 'put');
      expectRefusal(res, 405, 'invalid_request', 'PUT is not allowed on /par; it takes POST');
      expect(res.headers.allow).toBe('POST');
    });
  });

  describe('proofgate-admin clients: --profile fapi2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proofgate-fapi2-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('registers a private_key_jwt client with the profile, and shows what it holds it to', async () => {
      const keys = join(dir, 'jwks.json');
      writeFileSync(keys, JSON.stringify({ keys: [clientKey.jwk] }));
      const added = await adminCli(t, [
        'clients',
        'add',
        'fapi2-cli',
        '--redirect-uri',
        'https://cli.example/cb',
        '--token-endpoint-auth-method',
        'private_key_jwt',
        '--jwks-file',
        keys,
        '--profile',
        'fapi2',
      ]);
      expect(added.code).toBe(0);
      const shown = await adminCli(t, ['clients', 'show', 'fapi2-cli']);
      expect(shown.stdout).toMatch(
        /profile:\s+fapi2 \(FAPI 2\.0 Security Profile: private_key_jwt, PAR and DPoP required, codes of at most 60 s, PS256\/ES256\/EdDSA\/Ed25519 only\)/,
      );
      expect(shown.stdout).toMatch(/DPoP proofs:\s+required/);
      expect(shown.stdout).toMatch(/pushed requests:\s+required/);
      const json = JSON.parse(
        (await adminCli(t, ['clients', 'show', 'fapi2-cli', '--json'])).stdout,
      );
      expect(json).toMatchObject({
        client_id: 'fapi2-cli',
        token_endpoint_auth_method: 'private_key_jwt',
        dpop_bound_access_tokens: true,
        require_pushed_authorization_requests: true,
        profile: 'fapi2',
      });
    });

    it('refuses the profile for a public client and for a client with a secret', async () => {
      const publicOne = await adminCli(t, [
        'clients',
        'add',
        'fapi2-public',
        '--redirect-uri',
        'https://cli.example/cb',
        '--public',
        '--profile',
        'fapi2',
      ]);
      expect(publicOne.code).not.toBe(0);
      expect(publicOne.stderr).toContain(
        'profile "fapi2" is for confidential clients authenticating with private_key_jwt (jwks or jwks_uri), not a public client (FAPI 2.0 §5.3.2.1-3, -6)',
      );
      const withSecret = await adminCli(t, [
        'clients',
        'add',
        'fapi2-secret',
        '--redirect-uri',
        'https://cli.example/cb',
        '--profile',
        'fapi2',
      ]);
      expect(withSecret.code).not.toBe(0);
      expect(withSecret.stderr).toContain('not a client_secret');
      expect((await adminCli(t, ['clients', 'show', 'fapi2-public'])).code).not.toBe(0);
    });
  });
});

describe('fapi2-security-profile-final-happy-flow with server nonces (DPOP_REQUIRE_NONCE): the answers the suite retries on', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let clientKey: RsaKey;
  const client: oauth.Client = { client_id: FAPI.id };
  /** Every answer oauth4webapi got: where from, its status, DPoP-Nonce and error. */
  const answers: Array<{ path: string; status: number; nonces: string[]; error?: string }> = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const nonces = response.headers.get('dpop-nonce');
    const challenge = response.headers.get('www-authenticate') ?? '';
    const body =
      response.status === 400 ? ((await response.clone().json()) as { error?: string }) : {};
    const error = body.error ?? /error="([^"]+)"/.exec(challenge)?.[1];
    answers.push({
      path: new URL(input instanceof Request ? input.url : input).pathname,
      status: response.status,
      // One header (RFC 9449 §8: never more than one); fetch would join several with ", ".
      nonces: nonces === null ? [] : nonces.split(', '),
      ...(error === undefined ? {} : { error }),
    });
    return response;
  };
  const options = { [oauth.customFetch]: recording, ...INSECURE };
  /** The token the first test got, and its DPoP key. */
  let bound: { key: RsaKey; accessToken: string };

  beforeAll(async () => {
    clientKey = await rsaKey('fapi2-nonce-1');
    ({ t, issuer, as } = await startWithFapiClient(clientKey, { DPOP_REQUIRE_NONCE: 'true' }));
  });
  afterAll(() => t.close());

  it('use_dpop_nonce (400) with one DPoP-Nonce of NQCHARs at /par, the retry and the rest of the flow succeed with it', async () => {
    const auth = oauth.PrivateKeyJwt(clientKey.pair.privateKey);
    const key = await rsaKey();
    const DPoP = oauth.DPoP(client, key.pair);
    const { parameters, verifier, state } = await codeRequest(FAPI.redirectUri, {
      scope: 'openid',
    });
    const pushed = await withNonceRetry(async () =>
      oauth.processPushedAuthorizationResponse(
        as,
        client,
        await oauth.pushedAuthorizationRequest(as, client, auth, parameters, {
          DPoP,
          ...options,
        }),
      ),
    );
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: FAPI.id,
      request_uri: pushed.request_uri,
    }).toString();
    const params = oauth.validateAuthResponse(
      as,
      client,
      await authorizeInBrowser(url, issuer),
      state,
    );
    const tokens = await withNonceRetry(async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          FAPI.redirectUri,
          verifier,
          {
            DPoP,
            ...options,
          },
        ),
      ),
    );
    expect(tokens.token_type).toBe('dpop');
    bound = { key, accessToken: tokens.access_token };
    const info = await withNonceRetry(async () =>
      oauth.processUserInfoResponse(
        as,
        client,
        'user1',
        await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...options }),
      ),
    );
    expect(info.sub).toBe('user1');

    const nqchars = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
    // The first proof (at /par) had no nonce: refused once, with the nonce to use; the library
    // kept it for the origin, so /token and /userinfo took it at once.
    const refused = answers.filter((answer) => answer.status >= 400);
    expect(refused).toEqual([
      {
        path: '/par',
        status: 400,
        nonces: [expect.stringMatching(nqchars)],
        error: 'use_dpop_nonce',
      },
    ]);
    const accepted = answers.filter((answer) => answer.status < 300).map((answer) => answer.path);
    expect(accepted).toEqual(expect.arrayContaining(['/par', '/token', '/userinfo']));
  });

  it('a resource request without the nonce: 401, a DPoP challenge with use_dpop_nonce, one DPoP-Nonce', async () => {
    const res = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `DPoP ${bound.accessToken}`)
      .set(
        'DPoP',
        await proof(bound.key, {
          htu: `${issuer}/userinfo`,
          htm: 'GET',
          accessToken: bound.accessToken,
        }),
      );
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    expect(res.headers['dpop-nonce']).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
  });
});

describe('a fapi2 client that is not a private_key_jwt client is refused at boot', () => {
  const env = (entry: Record<string, unknown>) => ({
    MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate',
    OAUTH_CLIENTS: JSON.stringify([
      { client_id: 'fapi2-bad', redirect_uris: [FAPI.redirectUri], profile: 'fapi2', ...entry },
    ]),
  });

  it.each([
    ['a public client', {}, 'not a public client'],
    ['a client with a secret', { client_secret: 'a-long-enough-secret' }, 'not a client_secret'],
  ])('%s', (_what, entry, problem) => {
    expect(() => AppConfig.fromEnv(env(entry))).toThrow(
      `OAUTH_CLIENTS[0].profile "fapi2" is for confidential clients authenticating with private_key_jwt (jwks or jwks_uri), ${problem} (FAPI 2.0 §5.3.2.1-3, -6)`,
    );
  });

  it('and so is an unknown profile, or a key declared for RS256', async () => {
    const { jwk } = await rsaKey();
    expect(() => AppConfig.fromEnv(env({ profile: 'fapi' }))).toThrow(
      'OAUTH_CLIENTS[0].profile must be one of "fapi2"',
    );
    expect(() =>
      AppConfig.fromEnv(
        env({
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...jwk, alg: 'RS256' }] },
        }),
      ),
    ).toThrow(
      /OAUTH_CLIENTS\[0\]\.profile "fapi2" allows keys for PS256, ES256, EdDSA, Ed25519 only/,
    );
  });

  it('and so is request_object_signing_alg RS256, which would refuse every request object of the client', async () => {
    const { jwk } = await rsaKey();
    const entry = {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...jwk, alg: 'PS256' }] },
    };
    expect(() => AppConfig.fromEnv(env({ ...entry, request_object_signing_alg: 'RS256' }))).toThrow(
      'OAUTH_CLIENTS[0].profile "fapi2" allows request_object_signing_alg PS256, ES256, EdDSA, Ed25519 only, not RS256 (FAPI 2.0 §5.4.1)',
    );
    expect(() =>
      AppConfig.fromEnv(env({ ...entry, request_object_signing_alg: 'PS256' })),
    ).not.toThrow();
  });
});
