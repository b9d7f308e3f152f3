/**
 * RFC 9449 DPoP at the token endpoint: an independent client stack (oauth4webapi's `DPoP()`
 * handle, its nonce retry) for a public and a confidential client, and every refusal of §4.3,
 * §5, §8 and §10 on its own, with proofs signed by jose in the test.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign as signByNode } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { ProofKeys } from '@proofgate/resource-server';
import { CompactSign, calculateJwkThumbprint, decodeJwt, type JWK } from 'jose';
import request from 'supertest';
import { TestApp, startListeningApp } from '../../support/test-app';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  basic,
  obtainCode,
  pkcePair,
  type Agent,
} from '../../support/oauth';
import { ChallengeStore } from '../../../src/challenges/challenge-store';
import { DPOP_NONCE_STEP_SECONDS } from '../../../src/tokens/dpop/dpop-nonces';
import {
  dpopKey,
  signedInWithDpopKey,
  exchangeWithProof,
  signProof,
  withNonceRetry,
  type DpopKey,
} from '../../support/dpop';
import { expectRefusal } from '../../support/refusal';
import {
  authorizeWithLibrary,
  discover,
  redeemCode,
  refreshWithLibrary,
} from '../../support/oauth-discovery';

/** A client that must use DPoP (RFC 9449 §5.2 dpop_bound_access_tokens), configured at boot. */
const DPOP_ONLY = {
  id: 'dpop-only',
  redirectUri: 'http://127.0.0.1:25009/callback',
};
const CLIENTS = JSON.stringify([
  {
    client_id: DPOP_ONLY.id,
    redirect_uris: [DPOP_ONLY.redirectUri],
    first_party: true,
    dpop_bound_access_tokens: true,
  },
]);

/** The app on a port of its own, with the DPoP-only client. */
const listening = (env: Record<string, string> = {}) =>
  startListeningApp({ OAUTH_CLIENTS: CLIENTS, ...env });

describe('DPoP at /token with oauth4webapi (RFC 9449)', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => ({ t, issuer } = await listening()));
  afterAll(() => t.close());

  it('advertises dpop_signing_alg_values_supported (RFC 9449 §5.1)', async () => {
    const as = await discover(issuer);
    expect(as.dpop_signing_alg_values_supported).toEqual([
      'ES256',
      'EdDSA',
      'Ed25519',
      'RS256',
      'PS256',
    ]);
  });

  it('binds a public client’s tokens to its key: cnf.jkt, token_type DPoP, refresh only with that key', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const authorized = await authorizeWithLibrary(as, issuer, client, DEMO_SPA.redirectUri);

    const tokens = await redeemCode(as, client, oauth.None(), authorized, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const jkt = await DPoP.calculateThumbprint();
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt });

    const refreshed = await refreshWithLibrary(as, client, oauth.None(), tokens.refresh_token!, {
      DPoP,
    });
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({ jkt });

    // RFC 9449 §5: the public client's refresh token is bound to the key; another key is refused.
    const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    await expect(
      refreshWithLibrary(as, client, oauth.None(), refreshed.refresh_token!, { DPoP: other }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Refresh token is bound to a DPoP key: present a proof of that key',
    });
    // ... and so is no key at all; the refusals changed nothing, the right key still refreshes.
    await expect(
      refreshWithLibrary(as, client, oauth.None(), refreshed.refresh_token!),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await refreshWithLibrary(as, client, oauth.None(), refreshed.refresh_token!, {
      DPoP,
    });
    expect(again.token_type).toBe('dpop');
  });

  it('binds a confidential client’s access tokens; its refresh tokens stay bound to its secret', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: DEMO_CLIENT.id };
    const auth = oauth.ClientSecretBasic(DEMO_CLIENT.secret);
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('EdDSA'));
    const authorized = await authorizeWithLibrary(as, issuer, client, DEMO_CLIENT.redirectUri);
    const tokens = await redeemCode(as, client, auth, authorized, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await DPoP.calculateThumbprint() });
    // A new key at refresh binds the new access token to it (RFC 9449 §5: only public clients'
    // refresh tokens are key-bound).
    const next = oauth.DPoP(client, await oauth.generateKeyPair('PS256'));
    const refreshed = await refreshWithLibrary(as, client, auth, tokens.refresh_token!, {
      DPoP: next,
    });
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({
      jkt: await next.calculateThumbprint(),
    });
  });

  it('binds the code to the key named by dpop_jkt at /authorize (RFC 9449 §10)', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const authorized = await authorizeWithLibrary(as, issuer, client, DEMO_SPA.redirectUri, {
      dpop_jkt: await DPoP.calculateThumbprint(),
    });
    const redeem = (key: oauth.DPoPHandle | undefined) =>
      redeemCode(as, client, oauth.None(), authorized, key ? { DPoP: key } : {});
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    await expect(redeem(thief)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Authorization code is bound to another DPoP key (dpop_jkt)',
    });
    await expect(redeem(undefined)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description:
        'Authorization code is bound to a DPoP key (dpop_jkt): send a DPoP proof of that key',
    });
    // The refusals left the code to its key.
    const tokens = await redeem(DPoP);
    expect(tokens.token_type).toBe('dpop');
  });

  it('refuses a malformed dpop_jkt at /authorize', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    await expect(
      authorizeWithLibrary(as, issuer, client, DEMO_SPA.redirectUri, {
        dpop_jkt: 'not-a-thumbprint',
      }),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'dpop_jkt must be a base64url SHA-256 JWK thumbprint',
    });
  });
});

describe('DPoP nonces at /token with oauth4webapi (DPOP_REQUIRE_NONCE=true, RFC 9449 §8)', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => ({ t, issuer } = await listening({ DPOP_REQUIRE_NONCE: 'true' })));
  afterAll(() => t.close());

  it('answers use_dpop_nonce with a DPoP-Nonce, which the client library retries with', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: DEMO_CLIENT.id };
    const auth = oauth.ClientSecretBasic(DEMO_CLIENT.secret);
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    // The exchange and the refresh share one nonce step: started with at least 20 s of it left
    // (the server's clock moved at most 20 s ahead of the library's iat, well within its window).
    const left = DPOP_NONCE_STEP_SECONDS - (t.clock.nowSeconds() % DPOP_NONCE_STEP_SECONDS);
    if (left < 20) t.clock.advance(left);
    const authorized = await authorizeWithLibrary(as, issuer, client, DEMO_CLIENT.redirectUri);
    let refusals = 0;
    const tokens = await withNonceRetry(async () => {
      refusals += 1;
      return redeemCode(as, client, auth, authorized, { DPoP });
    });
    // The first try had no nonce and was refused before the code was spent.
    expect(refusals).toBe(2);
    expect(tokens.token_type).toBe('dpop');
    // The handle keeps the nonce: the refresh needs no retry within the nonce's step.
    const refreshed = await refreshWithLibrary(as, client, auth, tokens.refresh_token!, { DPoP });
    expect(refreshed.token_type).toBe('dpop');
  });
});

/**
 * Every refusal on its own, with proofs built by the test: the exact status, `error` and
 * `error_description` of RFC 9449 §5.2 / §8 / §10.
 */
describe('DPoP proof refusals at /token', () => {
  let t: TestApp;
  let agent: Agent;
  let issuer: string;
  let htu: string;
  let key: DpopKey;

  beforeAll(async () => {
    issuer = 'http://127.0.0.1:25999';
    htu = `${issuer}/token`;
    ({ t, agent, key } = await signedInWithDpopKey(issuer, {
      OAUTH_CLIENTS: CLIENTS,
      DPOP_REQUIRE_NONCE: 'false',
    }));
  });
  afterAll(() => t.close());

  /** A code exchange by the public demo SPA (or `client`) with `dpop` as its DPoP header(s). */
  const exchange = (dpop: string | string[] | undefined, client = DEMO_SPA) =>
    exchangeWithProof(t, agent, dpop, { client });

  const expectRefused = (res: request.Response, error: string, description: string) =>
    expectRefusal(res, 400, error, description);

  it('accepts a well-formed proof (the baseline the refusals differ from)', async () => {
    const res = await exchange(await signProof(key, { htu }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('refuses a proof replayed with the same jti (RFC 9449 §11.1)', async () => {
    const proof = await signProof(key, { htu });
    expect((await exchange(proof)).status).toBe(200);
    expectRefused(
      await exchange(proof),
      'invalid_dpop_proof',
      'The DPoP proof was already used (jti replay)',
    );
  });

  it('refuses a proof for another method (htm)', async () => {
    expectRefused(
      await exchange(await signProof(key, { htu, htm: 'GET' })),
      'invalid_dpop_proof',
      'The DPoP proof is for another HTTP method (htm)',
    );
  });

  it('refuses a proof for another URI (htu), but ignores its query and fragment', async () => {
    expectRefused(
      await exchange(await signProof(key, { htu: `${issuer}/userinfo` })),
      'invalid_dpop_proof',
      'The DPoP proof is for another URI (htu)',
    );
    expect((await exchange(await signProof(key, { htu: `${htu}?a=b#c` }))).status).toBe(200);
  });

  it('refuses a proof whose iat is too old or in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 120, now + 60]) {
      expectRefused(
        await exchange(await signProof(key, { htu, iat })),
        'invalid_dpop_proof',
        "The DPoP proof iat must be at most 60 seconds before and 10 seconds after the server's time",
      );
    }
  });

  it('refuses a proof of another typ', async () => {
    expectRefused(
      await exchange(await signProof(key, { htu }, { typ: 'JWT' })),
      'invalid_dpop_proof',
      'The DPoP proof is invalid (header typ)',
    );
  });

  it('refuses a symmetric alg and an alg not offered', async () => {
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
    const { SignJWT } = await import('jose');
    const hs256 = await new SignJWT({ htm: 'POST', htu, jti: randomUUID(), iat: Date.now() / 1000 })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct' } })
      .sign(secret);
    expectRefused(
      await exchange(hs256),
      'invalid_dpop_proof',
      'The DPoP proof is invalid (alg not allowed)',
    );
    const es384 = await dpopKey('ES384');
    expectRefused(
      await exchange(await signProof(es384, { htu }, { alg: 'ES384' })),
      'invalid_dpop_proof',
      'The DPoP proof is invalid (alg not allowed)',
    );
  });

  it('refuses a private key in the jwk header (RFC 9449 §4.2)', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(key.privateKey);
    expectRefused(
      await exchange(await signProof(key, { htu }, { jwk: privateJwk })),
      'invalid_dpop_proof',
      'The DPoP proof is invalid (header, key or encoding)',
    );
  });

  it('refuses a proof signed by another key than its jwk', async () => {
    const other = await dpopKey();
    expectRefused(
      await exchange(await signProof(other, { htu }, { jwk: key.jwk })),
      'invalid_dpop_proof',
      'The DPoP proof is invalid (signature)',
    );
  });

  it('refuses a correctly signed proof whose claims name htu twice, and leaves the code to a good proof', async () => {
    const { code, verifier } = await obtainCode(agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const redeem = (dpop: string) =>
      t.http().post('/token').type('form').set('DPoP', dpop).send({
        grant_type: 'authorization_code',
        client_id: DEMO_SPA.id,
        code,
        redirect_uri: DEMO_SPA.redirectUri,
        code_verifier: verifier,
      });
    // JSON.parse takes the last htu (this /token); another reader of the proof, the first.
    const claims = `"htm":"POST","jti":"${randomUUID()}","iat":${Math.floor(Date.now() / 1000)}`;
    const payload = `{"htu":"${issuer}/userinfo",${claims},"htu":"${htu}"}`;
    const twice = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(key.privateKey);
    expectRefused(
      await redeem(twice),
      'invalid_dpop_proof',
      'The DPoP proof names member "htu" twice',
    );
    const res = await redeem(await signProof(key, { htu }));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('refuses two DPoP headers, and a header that is not a JWT', async () => {
    const proofs = [await signProof(key, { htu }), await signProof(key, { htu })];
    expectRefused(
      await exchange(proofs),
      'invalid_dpop_proof',
      'The DPoP header must hold exactly one proof JWT',
    );
    expectRefused(
      await exchange('not a proof'),
      'invalid_dpop_proof',
      'The DPoP header must hold exactly one proof JWT',
    );
  });

  it('refuses a token request without a proof from a dpop_bound_access_tokens client (§5.2)', async () => {
    expectRefused(
      await exchange(undefined, DPOP_ONLY),
      'invalid_request',
      'This client must send a DPoP proof with its token requests',
    );
    expect((await exchange(await signProof(key, { htu }), DPOP_ONLY)).status).toBe(200);
  });

  it('refuses a nonce it did not issue, even when nonces are not required (§8)', async () => {
    const res = await exchange(await signProof(key, { htu, nonce: 'made-up' }));
    expectRefused(
      res,
      'use_dpop_nonce',
      'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
    );
    expect(res.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
  });

  /** An RSA proof key of the test's own (node:crypto), with the exponent and size it asks for. */
  async function rsaKey(modulusLength: number, publicExponent = 65537): Promise<DpopKey> {
    const pair = generateKeyPairSync('rsa', { modulusLength, publicExponent });
    const jwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
    // jose signs with a KeyObject under Node; DpopKey names WebCrypto's type.
    const privateKey = pair.privateKey as unknown as DpopKey['privateKey'];
    return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
  }

  /** A proof signed with node:crypto, for keys jose refuses to sign with (under 2048 bits). */
  function rsaProofByNode(bits: number): string {
    const pair = generateKeyPairSync('rsa', { modulusLength: bits });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = { alg: 'RS256', typ: 'dpop+jwt', jwk: pair.publicKey.export({ format: 'jwk' }) };
    const claims = { htm: 'POST', htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${signByNode('sha256', Buffer.from(input), pair.privateKey).toString('base64url')}`;
  }

  it('refuses an RSA proof key whose exponent is not 65537, before any signature check', async () => {
    const e3 = await rsaKey(2048, 3);
    expectRefused(
      await exchange(await signProof(e3, { htu }, { alg: 'RS256' })),
      'invalid_dpop_proof',
      'The DPoP proof key is refused: an RSA key must use the public exponent 65537 (AQAB)',
    );
    // The same rule with a signature nobody checks: the key alone decides.
    const unsigned = await signProof(e3, { htu }, { alg: 'RS256' });
    expectRefused(
      await exchange(`${unsigned.slice(0, unsigned.lastIndexOf('.'))}.AAAA`),
      'invalid_dpop_proof',
      'The DPoP proof key is refused: an RSA key must use the public exponent 65537 (AQAB)',
    );
    // A 2048-bit key with e=65537 is the baseline: accepted.
    const good = await rsaKey(2048);
    expect((await exchange(await signProof(good, { htu }, { alg: 'PS256' }))).status).toBe(200);
  });

  it('refuses an RSA proof key over 4096 bits or under 2048 bits (a 400, never a 500)', async () => {
    // A modulus of 4104 bits: refused on its size, before the (garbage) signature is looked at.
    const n = Buffer.concat([Buffer.from([0x80]), randomBytes(512)]).toString('base64url');
    const jwk = { kty: 'RSA', e: 'AQAB', n };
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { htm: 'POST', htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) };
    const huge = `${b64({ alg: 'RS256', typ: 'dpop+jwt', jwk })}.${b64(claims)}.${randomBytes(513).toString('base64url')}`;
    const sizeRefusal = 'The DPoP proof key is refused: an RSA modulus must be 2048 to 4096 bits';
    expectRefused(await exchange(huge), 'invalid_dpop_proof', sizeRefusal);
    expectRefused(await exchange(rsaProofByNode(1024)), 'invalid_dpop_proof', sizeRefusal);
  });

  it('remembers a proof key only once the request it came with is authorised', async () => {
    const keys = t.app.get(ProofKeys, { strict: false });
    const fresh = await dpopKey();
    // A valid proof with a code that is not one: refused, and the key is not kept.
    const refused = await t
      .http()
      .post('/token')
      .type('form')
      .set('DPoP', await signProof(fresh, { htu }))
      .send({
        grant_type: 'authorization_code',
        client_id: DEMO_SPA.id,
        code: 'not-a-code',
        redirect_uri: DEMO_SPA.redirectUri,
        code_verifier: pkcePair().verifier,
      });
    expectRefused(refused, 'invalid_grant', 'Invalid authorization code');
    expect(keys.verifyKnown(await signProof(fresh, { htu }))).toBeUndefined();
    // Tokens issued to it: now the key is kept, and its next proof takes the quick path.
    expect((await exchange(await signProof(fresh, { htu }))).status).toBe(200);
    expect(keys.verifyKnown(await signProof(fresh, { htu }))).toMatchObject({ jkt: fresh.jkt });
  });

  it('keeps a confidential client’s DPoP grant bound: a refresh without a proof is refused (§5)', async () => {
    const refresh = (refreshToken: string, dpop?: string) => {
      const req = t
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basic(DEMO_CLIENT.id, DEMO_CLIENT.secret));
      if (dpop !== undefined) req.set('DPoP', dpop);
      return req.send({ grant_type: 'refresh_token', refresh_token: refreshToken });
    };
    const bound = 'Refresh token is bound to DPoP: present a DPoP proof with it';
    const tokens = await exchangeWithProof(t, agent, await signProof(key, { htu }), {
      client: DEMO_CLIENT,
    });
    expect(tokens.body.token_type).toBe('DPoP');
    expectRefused(await refresh(tokens.body.refresh_token), 'invalid_grant', bound);
    // The refusal changed nothing: a proof, even of another key (a confidential client may
    // change keys, RFC 9449 §5), refreshes it; the new family is just as bound.
    const other = await dpopKey();
    const next = await refresh(tokens.body.refresh_token, await signProof(other, { htu }));
    expect(next.status).toBe(200);
    expect(decodeJwt(next.body.access_token).cnf).toEqual({ jkt: other.jkt });
    expectRefused(await refresh(next.body.refresh_token), 'invalid_grant', bound);

    // A bearer grant that refreshes once with a proof is bound from then on.
    const bearer = await exchangeWithProof(t, agent, undefined, { client: DEMO_CLIENT });
    expect(bearer.body.token_type).toBe('Bearer');
    const upgraded = await refresh(bearer.body.refresh_token, await signProof(key, { htu }));
    expect(upgraded.body.token_type).toBe('DPoP');
    expectRefused(await refresh(upgraded.body.refresh_token), 'invalid_grant', bound);
  });

  it('binds a public client’s bearer grant to the key of its first proof at refresh (§5)', async () => {
    const refresh = (refreshToken: string, dpop?: string) => {
      const req = t.http().post('/token').type('form');
      if (dpop !== undefined) req.set('DPoP', dpop);
      return req.send({
        grant_type: 'refresh_token',
        client_id: DEMO_SPA.id,
        refresh_token: refreshToken,
      });
    };
    const bearer = await exchange(undefined);
    expect(bearer.body.token_type).toBe('Bearer');
    const bound = await refresh(bearer.body.refresh_token, await signProof(key, { htu }));
    expect(bound.body.token_type).toBe('DPoP');
    const other = await dpopKey();
    const keyRefusal = 'Refresh token is bound to a DPoP key: present a proof of that key';
    expectRefused(
      await refresh(bound.body.refresh_token, await signProof(other, { htu })),
      'invalid_grant',
      keyRefusal,
    );
    expectRefused(await refresh(bound.body.refresh_token), 'invalid_grant', keyRefusal);
    expect((await refresh(bound.body.refresh_token, await signProof(key, { htu }))).status).toBe(
      200,
    );
  });

  it('issues no bearer token for a confidential client that sent a broken proof', async () => {
    const proof = await signProof(key, { htu, htm: 'PUT' });
    const res = await exchangeWithProof(t, agent, proof, { client: DEMO_CLIENT });
    expectRefused(res, 'invalid_dpop_proof', 'The DPoP proof is for another HTTP method (htm)');
  });
});

/**
 * RFC 9449 §11.1: a proof's `jti` is recorded before the request changes anything, so a proof
 * replayed by someone who saw it (beside a stolen code or refresh token) spends nothing of its
 * victim's. Without a grace window, a refresh token rotated by a replay would be gone for good.
 */
describe('A replayed DPoP proof spends nothing (REFRESH_TOKEN_GRACE_SECONDS=0)', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25997';
  const htu = `${issuer}/token`;
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer, { REFRESH_TOKEN_GRACE_SECONDS: '0' }));
  });
  afterAll(() => t.close());

  const replayRefusal = {
    status: 400,
    body: {
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof was already used (jti replay)',
    },
  };

  function redeem(code: string, verifier: string, dpop: string) {
    return t.http().post('/token').type('form').set('DPoP', dpop).send({
      grant_type: 'authorization_code',
      client_id: DEMO_SPA.id,
      code,
      redirect_uri: DEMO_SPA.redirectUri,
      code_verifier: verifier,
    });
  }

  function refresh(refreshToken: string, dpop: string) {
    return t.http().post('/token').type('form').set('DPoP', dpop).send({
      grant_type: 'refresh_token',
      client_id: DEMO_SPA.id,
      refresh_token: refreshToken,
    });
  }

  it('leaves the code to the legitimate request', async () => {
    const seen = await signProof(key, { htu });
    expect((await exchangeWithProof(t, agent, seen)).status).toBe(200);
    const { code, verifier } = await obtainCode(agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const replay = await redeem(code, verifier, seen);
    expect({ status: replay.status, body: replay.body }).toEqual(replayRefusal);
    const legitimate = await redeem(code, verifier, await signProof(key, { htu }));
    expect(legitimate.status).toBe(200);
    expect(legitimate.body.token_type).toBe('DPoP');
  });

  it('leaves the refresh token to the legitimate request', async () => {
    const tokens = await exchangeWithProof(t, agent, await signProof(key, { htu }));
    const seen = await signProof(key, { htu });
    const first = await refresh(tokens.body.refresh_token, seen);
    expect(first.status).toBe(200);
    const current: string = first.body.refresh_token;
    const replay = await refresh(current, seen);
    expect({ status: replay.status, body: replay.body }).toEqual(replayRefusal);
    const legitimate = await refresh(current, await signProof(key, { htu }));
    expect({ status: legitimate.status, type: legitimate.body.token_type }).toEqual({
      status: 200,
      type: 'DPoP',
    });
  });

  it('stores no pushed request for a replayed proof at /par', async () => {
    const store = t.app.get(ChallengeStore, { strict: false });
    const push = (dpop: string) =>
      t.http().post('/par').type('form').set('DPoP', dpop).send({
        client_id: DEMO_SPA.id,
        redirect_uri: DEMO_SPA.redirectUri,
        response_type: 'code',
        state: 'st',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
    const seen = await signProof(key, { htu: `${issuer}/par` });
    expect((await push(seen)).status).toBe(201);
    const before = await store.countLive('par_request_uri');
    const replay = await push(seen);
    expect({ status: replay.status, body: replay.body }).toEqual(replayRefusal);
    expect(await store.countLive('par_request_uri')).toBe(before);
  });
});

describe('DPoP nonce refusals at /token (DPOP_REQUIRE_NONCE=true)', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25998';
  const htu = `${issuer}/token`;
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer, { DPOP_REQUIRE_NONCE: 'true' }));
  });
  afterAll(() => t.close());

  const exchange = (dpop: string) => exchangeWithProof(t, agent, dpop);

  it('refuses a proof without a nonce: use_dpop_nonce and the nonce to use', async () => {
    const res = await exchange(await signProof(key, { htu }));
    expectRefusal(
      res,
      400,
      'use_dpop_nonce',
      'A DPoP nonce is required: retry with the one in DPoP-Nonce',
    );
    const nonce = res.headers['dpop-nonce'];
    expect(nonce).toBeDefined();
    const ok = await exchange(await signProof(key, { htu, nonce }));
    expect(ok.status).toBe(200);
    // Current nonce: nothing new to hand out.
    expect(ok.headers['dpop-nonce']).toBeUndefined();
  });

  it('accepts the previous step’s nonce with a fresh one, and refuses a stale one', async () => {
    const first = await exchange(await signProof(key, { htu }));
    const nonce = first.headers['dpop-nonce'];
    t.clock.advance(60);
    const iat = () => Math.floor(t.clock.now().getTime() / 1000);
    const previous = await exchange(await signProof(key, { htu, nonce, iat: iat() }));
    expect(previous.status).toBe(200);
    expect(previous.headers['dpop-nonce']).toBeDefined();
    expect(previous.headers['dpop-nonce']).not.toBe(nonce);
    t.clock.advance(60);
    const stale = await exchange(await signProof(key, { htu, nonce, iat: iat() }));
    expectRefusal(
      stale,
      400,
      'use_dpop_nonce',
      'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
    );
    expect(stale.headers['dpop-nonce']).toBeDefined();
    expect([nonce, previous.headers['dpop-nonce']]).not.toContain(stale.headers['dpop-nonce']);
  });
});
