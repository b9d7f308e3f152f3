import { type KeyObject, sign } from 'node:crypto';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { lowSSignature } from './ecdsa-low-s';

/** The key each signing alg needs (RFC 7518 §3.3, §3.4): its type, and for ES256 its curve. */
const KEY_TYPE: Record<SigningAlg, { type: string; curve?: string }> = {
  ES256: { type: 'ec', curve: 'prime256v1' },
  RS256: { type: 'rsa' },
};

/** Throws unless `key` is a private key of the type (and curve) `alg` signs with. */
export function checkSigningKey(key: KeyObject, alg: SigningAlg): void {
  const { type, curve } = KEY_TYPE[alg];
  if (
    key.type !== 'private' ||
    key.asymmetricKeyType !== type ||
    (curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== curve)
  ) {
    throw new Error(`A ${alg} JWS needs a private ${type}${curve ? ` ${curve}` : ''} key`);
  }
}

const base64UrlJson = (value: object): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A JWS in compact serialization (RFC 7515 §3.1, §5.1): BASE64URL(UTF8(header)) '.'
 * BASE64URL(payload) '.' BASE64URL(signature), signed by node:crypto (OpenSSL) with `key`.
 * ES256 (RFC 7518 §3.4): ECDSA P-256 with SHA-256, the signature as r || s (IEEE P1363), with the
 * low s (see ecdsa-low-s.ts); RS256 (§3.3): RSASSA-PKCS1-v1_5 with SHA-256. The same bytes jose's
 * SignJWT produces, without its per-call key checks and the WebCrypto job: the key is one of the
 * service's own signing keys, imported for its alg.
 *
 * A KeyObject, not a CryptoKey: Node deprecates `KeyObject.from` on a non-extractable CryptoKey
 * (DEP0204, a runtime warning on Node 24, an error in a later major), and the private keys are
 * made from their JWK with `createPrivateKey` (SigningKeyService).
 */
export function signCompactJws(
  header: { alg: SigningAlg } & Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
  const data = Buffer.from(input, 'latin1');
  checkSigningKey(key, header.alg);
  const signature =
    header.alg === 'ES256'
      ? lowSSignature(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }))
      : sign('sha256', data, key);
  return `${input}.${signature.toString('base64url')}`;
}
