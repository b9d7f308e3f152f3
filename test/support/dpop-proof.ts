/**
 * DPoP keys and proofs of a test's own, signed with jose independently of the server's code.
 * Nothing of src/ here: the black-box acceptance suite signs its proofs with it too.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';

/** A DPoP key of the test's own: its public JWK, thumbprint, and a way to sign proofs. */
export interface DpopKey {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** An app at an IP `issuer`, a browser signed in to it, and a DPoP key of the test's own. */
export interface ProofClaims {
  htm?: string;
  htu: string;
  iat?: number;
  jti?: string;
  nonce?: string;
  /** The access token the proof goes with: its `ath` (RFC 9449 §4.2). */
  accessToken?: string;
}

/**
 * A DPoP proof signed with jose, independently of the server's code, with every claim and header
 * under the test's control (so that each refusal can be shown on its own).
 */
export async function signProof(
  key: DpopKey,
  claims: ProofClaims,
  header: { typ?: string; alg?: string; jwk?: JWK } = {},
): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: claims.htm ?? 'POST',
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    iat: claims.iat ?? Math.floor(Date.now() / 1000),
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
    ...(claims.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(claims.accessToken).digest('base64url') }),
  };
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: header.alg ?? 'ES256',
      typ: header.typ ?? 'dpop+jwt',
      jwk: header.jwk ?? key.jwk,
    })
    .sign(key.privateKey);
}
