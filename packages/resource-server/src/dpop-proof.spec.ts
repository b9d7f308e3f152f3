import { createHash, randomUUID } from 'node:crypto';
import { CompactSign, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { checkDpopProof, type DpopPolicy, type ProofContext } from './dpop-proof';
import { ProofKeys } from './proof-keys';
import { Refused } from './refusal';
import { ReplayCache } from './replay-cache';

const URL_OF_REQUEST = 'https://as.example/token';
const NOW = Math.floor(Date.now() / 1000);

function policy(): DpopPolicy {
  return {
    algs: ['ES256', 'PS256'],
    proofMaxAgeSeconds: 60,
    clockToleranceSeconds: 10,
    replays: new ReplayCache(100),
    keys: new ProofKeys(10),
    requireNonce: false,
  };
}

/** A client's ES256 key, its thumbprint, and proofs of it for POST URL_OF_REQUEST. */
async function client() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ htm: 'POST', htu: URL_OF_REQUEST, jti: randomUUID(), iat: NOW, ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
  /** A proof signed over the payload text as written, which JSON.stringify could not write. */
  const proofOfText = (payload: string) =>
    new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
  return { jkt: await calculateJwkThumbprint(jwk, 'sha256'), proof, proofOfText };
}

/** The context of a request to an authorization server's /token: no token, no bound key. */
const atToken = (proof: string): ProofContext => ({
  proof,
  method: 'POST',
  url: URL_OF_REQUEST,
  accessToken: undefined,
  jkt: undefined,
  nowSeconds: NOW,
});

const refusalOf = (checking: Promise<unknown>) =>
  checking.then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof Refused)) throw error;
      return { error: error.error, description: error.description, reason: error.reason };
    },
  );

describe('checkDpopProof', () => {
  it('at /token (no token, no key bound yet): answers the proof key to bind and its alg, with no ath asked', async () => {
    const { jkt, proof } = await client();
    const checked = await checkDpopProof(atToken(await proof()), policy());
    expect(checked).toMatchObject({ jkt, alg: 'ES256' });
    expect(checked.nextNonce).toBeUndefined();
  });

  it("records a proof's jti under its own key's thumbprint once: the second use is a replay", async () => {
    const { jkt, proof } = await client();
    const rules = policy();
    const recorded: string[] = [];
    const replays = new ReplayCache(100);
    rules.replays = {
      recordOnce: (key, nowMs, lifetimeMs) => {
        recorded.push(key);
        return replays.recordOnce(key, nowMs, lifetimeMs);
      },
    };
    const spent = await proof({ jti: 'once' });
    await (await checkDpopProof(atToken(spent), rules)).recordOnce();
    const again = await checkDpopProof(atToken(spent), rules);
    expect(await refusalOf(again.recordOnce())).toEqual({
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof was already used (jti replay)',
      reason: 'replay',
    });
    expect(recorded).toEqual([`${jkt}:once`, `${jkt}:once`]);
  });

  it("at a resource: the proof must carry the token's hash (ath) and be signed by its key", async () => {
    const { jkt, proof } = await client();
    const other = await client();
    const token = 'an.access.token';
    const ath = createHash('sha256').update(token).digest('base64url');
    const atResource = async (claims: Record<string, unknown>, boundTo: string) => ({
      ...atToken(await proof(claims)),
      accessToken: token,
      jkt: boundTo,
    });
    expect(await checkDpopProof(await atResource({ ath }, jkt), policy())).toMatchObject({ jkt });
    expect(await refusalOf(checkDpopProof(await atResource({}, jkt), policy()))).toEqual({
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof does not carry the hash of this access token (ath)',
      reason: 'ath_mismatch',
    });
    expect(await refusalOf(checkDpopProof(await atResource({ ath }, other.jkt), policy()))).toEqual(
      {
        error: 'invalid_dpop_proof',
        description: 'The DPoP proof is signed by another key than the access token is bound to',
        reason: 'jkt_mismatch',
      },
    );
  });

  it('holds a proof at /token to the same checks of htm, htu and iat', async () => {
    const { proof } = await client();
    const refused = async (claims: Record<string, unknown>) =>
      (await refusalOf(checkDpopProof(atToken(await proof(claims)), policy())))?.reason;
    expect(await refused({ htm: 'GET' })).toBe('htm_mismatch');
    expect(await refused({ htu: 'https://as.example/par' })).toBe('htu_mismatch');
    expect(await refused({ iat: NOW - 61 })).toBe('stale_iat');
    expect(await refused({ iat: NOW + 11 })).toBe('stale_iat');
    expect(await refused({ htu: `${URL_OF_REQUEST}?query#fragment` })).toBeUndefined();
  });

  it('refuses a proof whose claims name a member twice, naming it: another reader may take the other htu', async () => {
    const { proofOfText } = await client();
    const claims = `"htm":"POST","jti":"${randomUUID()}","iat":${NOW}`;
    const twice = `{"htu":"https://elsewhere.example/token",${claims},"htu":"${URL_OF_REQUEST}"}`;
    expect(await refusalOf(checkDpopProof(atToken(await proofOfText(twice)), policy()))).toEqual({
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof names member "htu" twice',
      reason: 'malformed',
    });
    const once = `{"htu":"${URL_OF_REQUEST}",${claims}}`;
    expect(await checkDpopProof(atToken(await proofOfText(once)), policy())).toMatchObject({
      alg: 'ES256',
    });
  });
});
