/**
 * RFC 9449 §7 at the protected resources: `/api/me` and `/userinfo` take `Authorization: DPoP`
 * with a proof carrying `ath`; a bound token sent as a bearer token is refused with a DPoP
 * challenge naming `algs`; introspection tells `cnf`; the RFC 9728 metadata of `/api` says DPoP.
 */
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { TestApp, startListeningApp } from '../../support/test-app';
import { DEMO_CLIENT, DEMO_SPA, obtainCode, type Agent, introspect } from '../../support/oauth';
import {
  dpopKey,
  signedInWithDpopKey,
  exchangeWithProof,
  signProof,
  withNonceRetry,
  type DpopKey,
  DPOP_CHALLENGE_ALGS,
  expectDpopChallenge,
} from '../../support/dpop';
import {
  INSECURE,
  authorizeWithLibrary,
  discover,
  getProtected,
  redeemCode,
  refreshWithLibrary,
} from '../../support/oauth-discovery';
import { expectRefusal } from '../../support/refusal';

describe('DPoP-bound tokens at /api/me and /userinfo with oauth4webapi', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({ DPOP_REQUIRE_NONCE: 'true' }));
  });
  afterAll(() => t.close());

  it('a public client signs in, calls /api/me and /userinfo with proofs, and refreshes (nonces required)', async () => {
    const as = await discover(issuer, 'oidc');
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const authorized = await authorizeWithLibrary(as, issuer, client, DEMO_SPA.redirectUri, {
      scope: 'openid profile',
      dpop_jkt: await DPoP.calculateThumbprint(),
    });
    const tokens = await withNonceRetry(async () =>
      redeemCode(as, client, oauth.None(), authorized, { DPoP }),
    );
    expect(tokens.token_type).toBe('dpop');

    const me = await withNonceRetry(() =>
      getProtected(tokens.access_token, `${issuer}/api/me`, { DPoP }),
    );
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: 'user1', client_id: DEMO_SPA.id });

    const info = await withNonceRetry(async () =>
      oauth.processUserInfoResponse(
        as,
        client,
        oauth.skipSubjectCheck,
        await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...INSECURE }),
      ),
    );
    expect(info).toEqual({
      sub: 'user1',
      name: 'user1',
      preferred_username: 'user1',
      updated_at: expect.any(Number),
    });

    const refreshed = await withNonceRetry(async () =>
      refreshWithLibrary(as, client, oauth.None(), tokens.refresh_token!, { DPoP }),
    );
    const again = await withNonceRetry(() =>
      getProtected(refreshed.access_token, `${issuer}/api/me`, { DPoP }),
    );
    expect(again.status).toBe(200);
  });
});

describe('DPoP refusals at the protected resources (RFC 9449 §7)', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25996';
  const me = `${issuer}/api/me`;
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer));
  });
  afterAll(() => t.close());

  /** Tokens for the demo SPA, bound to `key` unless `bound` is false. */
  async function tokensFor(bound = true, scope = 'openid profile') {
    const proof = bound ? await signProof(key, { htu: `${issuer}/token` }) : undefined;
    const res = await exchangeWithProof(t, agent, proof, { scope });
    expect(res.status).toBe(200);
    return res.body as { access_token: string; token_type: string };
  }

  function getMe(authorization: string, dpop?: string) {
    const req = t.http().get('/api/me').set('Authorization', authorization);
    return dpop === undefined ? req : req.set('DPoP', dpop);
  }

  function expectChallenge(res: request.Response, error: string, description: string): void {
    expectDpopChallenge(res, 401, error, description);
    expect(String(res.headers['www-authenticate'])).toContain(
      `resource_metadata="${issuer}/.well-known/oauth-protected-resource/api"`,
    );
  }

  it('answers a bound token with a fresh proof of its key', async () => {
    const { access_token } = await tokensFor();
    const res = await getMe(
      `DPoP ${access_token}`,
      await signProof(key, { htm: 'GET', htu: me, accessToken: access_token }),
    );
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe(DEMO_SPA.id);
  });

  it('refuses a bound token sent as a bearer token (§7.2), with a DPoP challenge', async () => {
    const { access_token } = await tokensFor();
    expectChallenge(
      await getMe(`Bearer ${access_token}`),
      'invalid_token',
      'The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key',
    );
  });

  it('refuses the DPoP scheme without a proof', async () => {
    const { access_token } = await tokensFor();
    expectChallenge(
      await getMe(`DPoP ${access_token}`),
      'invalid_dpop_proof',
      'A DPoP proof is required with the DPoP scheme',
    );
  });

  it('refuses a proof without ath, or with the hash of another token', async () => {
    const { access_token } = await tokensFor();
    const other = await tokensFor();
    for (const proof of [
      await signProof(key, { htm: 'GET', htu: me }),
      await signProof(key, { htm: 'GET', htu: me, accessToken: other.access_token }),
    ]) {
      expectChallenge(
        await getMe(`DPoP ${access_token}`, proof),
        'invalid_dpop_proof',
        'The DPoP proof does not carry the hash of this access token (ath)',
      );
    }
  });

  it('refuses a proof by another key than the token is bound to', async () => {
    const { access_token } = await tokensFor();
    const thief = await dpopKey();
    expectChallenge(
      await getMe(
        `DPoP ${access_token}`,
        await signProof(thief, { htm: 'GET', htu: me, accessToken: access_token }),
      ),
      'invalid_dpop_proof',
      'The DPoP proof is signed by another key than the access token is bound to',
    );
  });

  it('answers /userinfo for a bound token without openid with a DPoP insufficient_scope challenge', async () => {
    const { access_token } = await tokensFor(true, 'profile');
    const res = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `DPoP ${access_token}`)
      .set(
        'DPoP',
        await signProof(key, { htm: 'GET', htu: `${issuer}/userinfo`, accessToken: access_token }),
      );
    expectRefusal(
      res,
      403,
      'insufficient_scope',
      'The access token was not issued for the openid scope',
    );
    expect(String(res.headers['www-authenticate'])).toBe(
      `DPoP realm="proofgate", error="insufficient_scope", error_description="The access token was not issued for the openid scope", scope="openid", ${DPOP_CHALLENGE_ALGS}`,
    );
  });

  it('refuses a replayed proof, and a proof for another URI or method', async () => {
    const { access_token } = await tokensFor();
    const proof = await signProof(key, { htm: 'GET', htu: me, accessToken: access_token });
    expect((await getMe(`DPoP ${access_token}`, proof)).status).toBe(200);
    expectChallenge(
      await getMe(`DPoP ${access_token}`, proof),
      'invalid_dpop_proof',
      'The DPoP proof was already used (jti replay)',
    );
    expectChallenge(
      await getMe(
        `DPoP ${access_token}`,
        await signProof(key, { htm: 'GET', htu: `${issuer}/userinfo`, accessToken: access_token }),
      ),
      'invalid_dpop_proof',
      'The DPoP proof is for another URI (htu)',
    );
    expectChallenge(
      await getMe(
        `DPoP ${access_token}`,
        await signProof(key, { htm: 'POST', htu: me, accessToken: access_token }),
      ),
      'invalid_dpop_proof',
      'The DPoP proof is for another HTTP method (htm)',
    );
  });

  it('refuses an unbound token sent with the DPoP scheme, and keeps it usable as a bearer token', async () => {
    const { access_token, token_type } = await tokensFor(false);
    expect(token_type).toBe('Bearer');
    expectChallenge(
      await getMe(
        `DPoP ${access_token}`,
        await signProof(key, { htm: 'GET', htu: me, accessToken: access_token }),
      ),
      'invalid_token',
      'The access token is not DPoP-bound: send it as "Bearer <token>"',
    );
    expect((await getMe(`Bearer ${access_token}`)).status).toBe(200);
  });

  it('answers /userinfo by GET and POST with proofs of those methods', async () => {
    const { access_token } = await tokensFor();
    const url = `${issuer}/userinfo`;
    const get = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `DPoP ${access_token}`)
      .set('DPoP', await signProof(key, { htm: 'GET', htu: url, accessToken: access_token }));
    expect(get.status).toBe(200);
    expect(get.body.sub).toBe('user0');
    const post = await t
      .http()
      .post('/userinfo')
      .set('Authorization', `DPoP ${access_token}`)
      .set('DPoP', await signProof(key, { htm: 'POST', htu: url, accessToken: access_token }));
    expect(post.status).toBe(200);
    const bearer = await t.http().get('/userinfo').set('Authorization', `Bearer ${access_token}`);
    expect(bearer.status).toBe(401);
    expect(String(bearer.headers['www-authenticate'])).toContain(DPOP_CHALLENGE_ALGS);
  });

  it('tells a bound token’s cnf at introspection (RFC 9449 §6.2)', async () => {
    const proof = await signProof(key, { htu: `${issuer}/token` });
    const tokens = await exchangeWithProof(t, agent, proof, { client: DEMO_CLIENT });
    expect(tokens.status).toBe(200);
    const res = await introspect(t, tokens.body.access_token, DEMO_CLIENT).expect(200);
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: key.jkt },
    });
  });

  it('advertises DPoP in the RFC 9728 metadata of /api', async () => {
    const res = await t.http().get('/.well-known/oauth-protected-resource/api').expect(200);
    expect(res.body.dpop_signing_alg_values_supported).toEqual([
      'ES256',
      'EdDSA',
      'Ed25519',
      'RS256',
      'PS256',
    ]);
    expect(res.body).not.toHaveProperty('dpop_bound_access_tokens_required');
  });
});

describe('DPoP nonces and DPoP-only at /api/me', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25995';
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer, {
      DPOP_REQUIRE_NONCE: 'true',
      API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED: 'true',
    }));
  });
  afterAll(() => t.close());

  async function token(bound: boolean, nonce?: string): Promise<string> {
    const { code, verifier } = await obtainCode(agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const req = t.http().post('/token').type('form');
    if (bound) req.set('DPoP', await signProof(key, { htu: `${issuer}/token`, nonce }));
    const res = await req
      .send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: DEMO_SPA.redirectUri,
        code_verifier: verifier,
        client_id: DEMO_SPA.id,
      })
      .expect(200);
    return res.body.access_token as string;
  }

  it('answers a proof without a nonce with use_dpop_nonce, 401 and the nonce (§9)', async () => {
    // The token endpoint tells the nonce, refusing a proof without one before any grant work.
    const first = await t
      .http()
      .post('/token')
      .type('form')
      .set('DPoP', await signProof(key, { htu: `${issuer}/token` }))
      .send({ grant_type: 'refresh_token', refresh_token: 'unused', client_id: DEMO_SPA.id });
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = String(first.headers['dpop-nonce']);
    const accessToken = await token(true, nonce);
    const missing = await t
      .http()
      .get('/api/me')
      .set('Authorization', `DPoP ${accessToken}`)
      .set('DPoP', await signProof(key, { htm: 'GET', htu: `${issuer}/api/me`, accessToken }));
    expectRefusal(
      missing,
      401,
      'use_dpop_nonce',
      'A DPoP nonce is required: retry with the one in DPoP-Nonce',
    );
    expect(String(missing.headers['www-authenticate'])).toMatch(
      /^DPoP realm="proofgate", error="use_dpop_nonce", .*algs=/,
    );
    expect(missing.headers['dpop-nonce']).toBe(nonce);
    const ok = await t
      .http()
      .get('/api/me')
      .set('Authorization', `DPoP ${accessToken}`)
      .set(
        'DPoP',
        await signProof(key, { htm: 'GET', htu: `${issuer}/api/me`, accessToken, nonce }),
      );
    expect(ok.status).toBe(200);
  });

  it('refuses a bearer token where only DPoP-bound tokens are accepted, and says so in its metadata', async () => {
    const res = await t
      .http()
      .get('/api/me')
      .set('Authorization', `Bearer ${await token(false)}`);
    expectRefusal(res, 401, 'invalid_token', 'This API accepts DPoP-bound access tokens only');
    expect(String(res.headers['www-authenticate'])).toContain(DPOP_CHALLENGE_ALGS);
    // RFC 9449 §7.1: no token at all is answered in the one scheme accepted, naming its algs.
    const none = await t.http().get('/api/me');
    expectRefusal(none, 401, 'invalid_request', 'A DPoP-bound access token is required');
    expect(String(none.headers['www-authenticate'])).toBe(
      `DPoP realm="proofgate", ${DPOP_CHALLENGE_ALGS}, resource_metadata="${issuer}/.well-known/oauth-protected-resource/api"`,
    );
    const metadata = await t.http().get('/.well-known/oauth-protected-resource/api').expect(200);
    expect(metadata.body.dpop_bound_access_tokens_required).toBe(true);
  });
});
