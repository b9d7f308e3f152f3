import { KeyObject } from 'node:crypto';
import {
  UnsecuredJWT,
  jwtVerify,
  type CryptoKey,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { es256SignatureVerifiesOffThread, jsonObjectOf } from './proof-keys';

/** A segment the quick path reads: base64url without padding (anything else goes to jose). */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** RFC 7518 §3.4: an ES256 signature is R ‖ S, 64 bytes: 86 base64url characters. */
const ES256_SIGNATURE_CHARS = 86;
/** The header members of the quick path: `crit`, `b64`, `jwk` and any other go to jose. */
const QUICK_HEADER_MEMBERS = new Set(['alg', 'typ', 'kid']);
/** The KeyObject behind each verification CryptoKey, taken once (KeyObject.from copies no key). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** What jose's `jwtVerify` answers, as the resource server reads it. */
export interface VerifiedJwt {
  payload: JWTPayload;
  protectedHeader: JWTHeaderParameters;
}

/**
 * jose's `jwtVerify(token, getKey, options)`, with a quick path for the common access token:
 * ES256, a header of `alg`, `typ` and at most `kid`, and a key resolved to a public P-256
 * CryptoKey. Its signature is checked with node:crypto's verify on the key's KeyObject, on
 * libuv's thread pool as WebCrypto's is (the same OpenSSL ECDSA check, without WebCrypto's
 * algorithm normalisation and jose's promise turns: half the CPU of the check; on the event
 * loop, one process would lose the second core the pool gives it), and its claims by jose
 * itself, with the same options and the same errors. `getKey` is asked once, with what jose
 * would give it. A bad signature, another key or anything else goes to jose, which decides and
 * says why, so the quick path only ever accepts what jose accepts.
 */
export async function verifyAccessTokenJws(
  token: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<VerifiedJwt> {
  const segments = quickSegments(token, options);
  if (segments === undefined) return jwtVerify(token, getKey, options);
  const [header, encodedHeader, encodedPayload, encodedSignature] = segments;
  const key = await getKey(header, {
    payload: encodedPayload,
    protected: encodedHeader,
    signature: encodedSignature,
  });
  const keyObject = es256KeyObjectOf(key);
  if (
    keyObject === undefined ||
    !(await es256SignatureVerifiesOffThread(
      keyObject,
      Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'),
      Buffer.from(encodedSignature, 'base64url'),
    ))
  ) {
    return jwtVerify(token, key, options);
  }
  // jose's claim checks read the header's `typ` and nothing else of it: the same claims under an
  // unsigned header of that `typ` are checked exactly as jwtVerify checks them.
  const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: header.typ }));
  const claims = `${unsignedHeader.toString('base64url')}.${encodedPayload}.`;
  return { payload: UnsecuredJWT.decode(claims, options).payload, protectedHeader: header };
}

/**
 * The header and the three segments of a token the quick path takes, or undefined: ES256 among
 * the allowed algorithms, the header's members only `alg` (ES256), `typ` (a string) and `kid`,
 * every segment base64url of a length that decodes, and a signature of 64 bytes.
 */
function quickSegments(
  token: string,
  options: JWTVerifyOptions,
): [JWTHeaderParameters, string, string, string] | undefined {
  if (!options.algorithms?.includes('ES256')) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature, extra] = token.split('.');
  if (
    extra !== undefined ||
    encodedSignature?.length !== ES256_SIGNATURE_CHARS ||
    encodedHeader.length % 4 === 1 ||
    encodedPayload.length % 4 === 1 ||
    !BASE64URL.test(encodedHeader) ||
    !BASE64URL.test(encodedPayload) ||
    !BASE64URL.test(encodedSignature)
  ) {
    return undefined;
  }
  const header = jsonObjectOf(encodedHeader);
  if (
    header === undefined ||
    header.alg !== 'ES256' ||
    typeof header.typ !== 'string' ||
    !Object.keys(header).every((member) => QUICK_HEADER_MEMBERS.has(member))
  ) {
    return undefined;
  }
  return [header as JWTHeaderParameters, encodedHeader, encodedPayload, encodedSignature];
}

/** The KeyObject of a public P-256 ECDSA CryptoKey that may verify (jose's ES256 key check). */
function es256KeyObjectOf(key: unknown): KeyObject | undefined {
  // As jose tells a CryptoKey (the test runner's realm has its own CryptoKey class).
  if (!isCryptoKey(key)) return undefined;
  const algorithm = key.algorithm as { name?: string; namedCurve?: string };
  // A non-extractable key has no KeyObject without Node's deprecated KeyObject.from (DEP0204: a
  // warning on Node 24, an error in a later major): jose checks it. jose's key sets import public
  // keys extractable; a key getter of the application's own may not.
  if (
    key.type !== 'public' ||
    !key.extractable ||
    algorithm.name !== 'ECDSA' ||
    algorithm.namedCurve !== 'P-256' ||
    !key.usages.includes('verify')
  ) {
    return undefined;
  }
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return (key as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'CryptoKey';
}
