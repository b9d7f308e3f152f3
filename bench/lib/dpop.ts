/**
 * DPoP proofs (RFC 9449 §4.2) as a client signs them, with node:crypto only (ES256, one key per
 * run): prepared before a phase, so the load generator sends them as they come.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface DpopSigner {
  readonly privateKey: KeyObject;
  /** The public JWK, as the proof's header carries it. */
  readonly jwk: { kty: string; crv: string; x: string; y: string };
}

export function dpopSigner(): DpopSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty: kty!, crv: crv!, x: x!, y: y! } };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A proof for `htm` `htu`, with `ath` when it goes with an access token. */
export function dpopProof(
  signer: DpopSigner,
  htm: string,
  htu: string,
  accessToken?: string,
): string {
  const header = b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: signer.jwk }));
  const payload = b64url(
    JSON.stringify({
      htm,
      htu,
      jti: randomUUID(),
      iat: Math.floor(Date.now() / 1000),
      ...(accessToken === undefined
        ? {}
        : { ath: createHash('sha256').update(accessToken).digest('base64url') }),
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: signer.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${b64url(signature)}`;
}
