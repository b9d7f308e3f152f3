import { KeyObject, sign } from 'node:crypto';
import type { CryptoKey } from 'jose';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { lowSSignature } from './ecdsa-low-s';

/** The KeyObject behind each signing CryptoKey, taken once (KeyObject.from copies no key material). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** The key type each signing alg needs (RFC 7518 §3.3, §3.4). */
const KEY_TYPE: Record<SigningAlg, string> = { ES256: 'ec', RS256: 'rsa' };

function keyObjectOf(key: CryptoKey, alg: SigningAlg): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  if (keyObject.type !== 'private' || keyObject.asymmetricKeyType !== KEY_TYPE[alg]) {
    throw new Error(`A ${alg} JWS needs a private ${KEY_TYPE[alg]} key`);
  }
  return keyObject;
}

const base64UrlJson = (value: object): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A JWS in compact serialization (RFC 7515 §3.1, §5.1): BASE64URL(UTF8(header)) '.'
 * BASE64URL(payload) '.' BASE64URL(signature), signed by node:crypto (OpenSSL) with the
 * KeyObject of `key`. ES256 (RFC 7518 §3.4): ECDSA P-256 with SHA-256, the signature as r || s
 * (IEEE P1363), with the low s (see ecdsa-low-s.ts); RS256 (§3.3): RSASSA-PKCS1-v1_5 with
 * SHA-256. The same bytes jose's SignJWT produces, without its per-call key checks and the
 * WebCrypto job: the key is one of the service's own signing keys, imported for its alg.
 */
export function signCompactJws(
  header: { alg: SigningAlg } & Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): string {
  const input = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
  const data = Buffer.from(input, 'latin1');
  const keyObject = keyObjectOf(key, header.alg);
  const signature =
    header.alg === 'ES256'
      ? lowSSignature(sign('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }))
      : sign('sha256', data, keyObject);
  return `${input}.${signature.toString('base64url')}`;
}
