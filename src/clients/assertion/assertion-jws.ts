import { KeyObject, constants, verify, type VerifyKeyObjectInput } from 'node:crypto';
import {
  errors,
  type CompactJWSHeaderParameters,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import { parseJson } from '../../platform/http/json-duplicate-names';
import { isAssertionAudience } from '../../protocol-rules/assertion-audience';
import { CLIENT_ASSERTION_ALGS } from '../../protocol-rules/client-jwks';
import { RSA_MODULUS_MIN_BITS } from '../../protocol-rules/public-key-rules';

export type AssertionAlg = (typeof CLIENT_ASSERTION_ALGS)[number];

/** What a client assertion is checked against (RFC 7523 §3). */
export interface AssertionJwsChecks {
  /** `iss` and `sub`: the client. */
  readonly clientId: string;
  /** `aud`: this, as a single string (the issuer identifier: isAssertionAudience). */
  readonly audience: string;
  /** Now, in seconds since the epoch. */
  readonly nowSeconds: number;
  /** Clock skew allowed on `exp` and `nbf`, in seconds. */
  readonly clockToleranceSeconds: number;
}

/** The KeyObject behind each imported CryptoKey of a key set (KeyObject.from copies no key). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * Verifies a client assertion (a compact JWS whose form was checked) and reads its claims, as
 * jose's `jwtVerify` would with `{ algorithms, issuer: clientId, subject: clientId, audience,
 * requiredClaims: ['exp', 'jti'], clockTolerance }` (save that `aud` must be one string),
 * throwing jose's own errors, but with the
 * signature checked by node:crypto (OpenSSL) against the KeyObject of the key the set selects:
 * jose's WebCrypto path costs a job and several promise turns per call, a third of the check.
 *
 * - RFC 7515 §4.1.11: a `crit` header names extensions to understand; none is, so one is refused
 *   (and `b64`, RFC 7797, whose unencoded payload no JWT may use).
 * - The key: the set picks it by `alg`, `kid`, `use` and key type (jose's local set: the same
 *   "no matching key" and "several keys" errors), and its type is checked against `alg` again.
 * - ES256: ECDSA P-256 / SHA-256, r || s (RFC 7518 §3.4); PS256: RSASSA-PSS / SHA-256 with a
 *   32-byte salt (§3.5); RS256: RSASSA-PKCS1-v1_5 / SHA-256 (§3.3); EdDSA: Ed25519 or Ed448
 *   (RFC 8037 §3.1).
 * - Claims (RFC 7519 §4.1): a JSON object; `iss`, `sub`, `aud`, `jti` and `exp` present; `iss`
 *   and `sub` the client; `aud` the audience as a single string (never an array); `iat`, `nbf`
 *   and `exp` numbers when present; `nbf` not after now + skew; `exp` after now − skew.
 */
export async function verifyAssertionJws(
  assertion: string,
  header: ProtectedHeaderParameters,
  keys: JWTVerifyGetKey,
  checks: AssertionJwsChecks,
): Promise<JWTPayload> {
  return checkedClaims(await verifyClientJws(assertion, header, keys), checks);
}

/**
 * The signature of a JWT a client signed (a compact JWS whose form was checked), decided as for a
 * client assertion (above: the algorithm, no `crit` or `b64`, the key the set selects, node:crypto
 * checking the signature), and its claims set decoded, a JSON object. The one path by which every
 * JWT signed with a client's registered keys is verified: client assertions, and request objects
 * (RFC 9101), whose claims each caller then checks by its own rules. Throws jose's errors.
 */
export async function verifyClientJws(
  jws: string,
  header: ProtectedHeaderParameters,
  keys: JWTVerifyGetKey,
): Promise<JWTPayload> {
  const [encodedHeader, encodedPayload, encodedSignature] = jws.split('.');
  if (!hasAllowedAlg(header)) {
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  if (header.crit !== undefined || header.b64 !== undefined) {
    throw new errors.JWSInvalid('No JWS extension (crit, b64) is understood here');
  }
  const key = await keys(header, {
    protected: encodedHeader,
    payload: encodedPayload,
    signature: encodedSignature,
  });
  const data = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1');
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (!signatureVerifies(header.alg, keyObjectOf(key), data, signature)) {
    throw new errors.JWSSignatureVerificationFailed();
  }
  return claimsSet(encodedPayload);
}

/** How a client JWS is named in a refusal: as a sentence's subject, and as an object. */
export interface ClientJwsNames {
  /** `client_assertion`, `request object`. */
  readonly subject: string;
  /** `client_assertion`, `the request object`. */
  readonly object: string;
}

/** What a refusal of a JWS's key or signature says, case by case. */
export interface JwsKeyRefusalTexts {
  /** The signature does not verify with the key it names. */
  readonly signature: string;
  /** Several keys could have signed it, and it names none (no `kid`). */
  readonly severalKeys: string;
  /** None of the keys it could be signed with matches. */
  readonly noKey: string;
  /** Signed with a key jose will not use (an RSA key under 2048 bits). */
  readonly unusableKey: string;
}

/** The texts of a client's own JWS (its keys are those registered for it), named by `names`. */
export function clientJwsTexts({ subject, object }: ClientJwsNames): JwsKeyRefusalTexts {
  return {
    signature: `${subject} signature is invalid`,
    severalKeys: `Several registered keys could have signed ${object}: send the kid of the key`,
    unusableKey: `${subject} is signed with a key Proofgate cannot use (an RSA key needs 2048 bits or more)`,
    noKey: `${subject} is signed by no key registered for the client`,
  };
}

/** How a caller words the refusals of a JWS a client presents. */
export interface JwsRefusals<Refusal> {
  /** The caller's own refusals, thrown by its checks: they pass through as they are. */
  readonly own: abstract new (...args: never[]) => Error;
  /** What a refusal of the key or the signature says. */
  readonly keyTexts: JwsKeyRefusalTexts;
  /** A refusal: its description, and the reason for the metric label. */
  readonly refused: (description: string, reason: string) => Refusal;
  /** Any other of jose's errors (the claims, the algorithm, the form), by the caller's rules. */
  readonly otherwise: (error: errors.JOSEError) => Refusal;
}

/**
 * jose's verdict on a JWS as the refusal a client reads, worded by `refusals`: the caller's own
 * refusals and every failure that is not jose's (infrastructure) pass through; the key and the
 * signature are worded by `keyTexts`, the rest by `otherwise`. One mapping for every JWS a client
 * presents: its assertions, its request objects, and an issuer's assertion (the JWT-bearer grant).
 */
export function jwsRefusal<Refusal>(refusals: JwsRefusals<Refusal>): (error: unknown) => unknown {
  const { keyTexts: texts, refused } = refusals;
  return (error) => {
    if (error instanceof refusals.own || !(error instanceof errors.JOSEError)) return error;
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refused(texts.signature, 'signature');
    }
    if (error instanceof errors.JWKSMultipleMatchingKeys) return refused(texts.severalKeys, 'key');
    if (error instanceof errors.JOSENotSupported) return refused(texts.unusableKey, 'key');
    if (error instanceof errors.JWKSNoMatchingKey) return refused(texts.noKey, 'key');
    return refusals.otherwise(error);
  };
}

/**
 * A JWT's claims set (RFC 7519 §7.2): the base64url payload, UTF-8 JSON (a byte sequence that is
 * not UTF-8 is refused) naming each member once (I-JSON, RFC 7493 §2.3), a top-level object.
 * Throws jose's JWTInvalid otherwise, whose cause is a DuplicateMemberName for a repeated name.
 */
export function claimsSet(encodedPayload: string): JWTPayload {
  const claims = decodedPayload(encodedPayload);
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  }
  return claims as JWTPayload;
}

function hasAllowedAlg(
  header: ProtectedHeaderParameters,
): header is CompactJWSHeaderParameters & { alg: AssertionAlg } {
  return (CLIENT_ASSERTION_ALGS as readonly unknown[]).includes(header.alg);
}

function keyObjectOf(key: Awaited<ReturnType<JWTVerifyGetKey>>): KeyObject {
  if (key instanceof KeyObject) return key;
  if (key instanceof Uint8Array || !('algorithm' in key)) {
    // A JWK or a secret: a key set of public keys never answers with either.
    throw new errors.JWKSNoMatchingKey();
  }
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/**
 * The signature of `data` (the JWS signing input, RFC 7515 §5.2) by `key` for `alg`, as
 * node:crypto (OpenSSL) checks it: the one place a client assertion's signature is decided; its
 * Wycheproof spec drives it. A key of another type for `alg` throws jose's JWKSNoMatchingKey, a
 * short RSA key JOSENotSupported; a signature OpenSSL cannot parse is false.
 */
export function signatureVerifies(
  alg: AssertionAlg,
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  const options = verifyOptions(alg, key);
  try {
    return verify(alg === 'EdDSA' ? null : 'sha256', data, options, signature);
  } catch {
    // A signature OpenSSL cannot even parse (a wrong length, say) verifies nothing.
    return false;
  }
}

/** How node:crypto verifies `alg` with `key`; a key of another type for it matches nothing. */
function verifyOptions(alg: AssertionAlg, key: KeyObject): VerifyKeyObjectInput {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.type !== 'public') throw new errors.JWKSNoMatchingKey();
  switch (alg) {
    case 'ES256':
      if (type !== 'ec' || details.namedCurve !== 'prime256v1') break;
      return { key, dsaEncoding: 'ieee-p1363' };
    case 'PS256':
      if (type !== 'rsa' && type !== 'rsa-pss') break;
      refuseShortRsa(details);
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    case 'RS256':
      if (type !== 'rsa') break;
      refuseShortRsa(details);
      return { key, padding: constants.RSA_PKCS1_PADDING };
    case 'EdDSA':
      if (type !== 'ed25519' && type !== 'ed448') break;
      return { key };
  }
  throw new errors.JWKSNoMatchingKey();
}

function refuseShortRsa(details: { modulusLength?: number }): void {
  if ((details.modulusLength ?? 0) < RSA_MODULUS_MIN_BITS) {
    throw new errors.JOSENotSupported(
      `RSA keys shorter than ${RSA_MODULUS_MIN_BITS} bits verify nothing`,
    );
  }
}

function decodedPayload(encodedPayload: string): unknown {
  try {
    // RFC 7519 §7.2: the payload is UTF-8 JSON; a byte sequence that is not UTF-8 is refused.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      Buffer.from(encodedPayload, 'base64url'),
    );
    // A claim named twice: jose, like JSON.parse, keeps the last, another verifier the first.
    return parseJson(text);
  } catch (cause) {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object', { cause });
  }
}

function checkedClaims(payload: JWTPayload, checks: AssertionJwsChecks): JWTPayload {
  for (const claim of ['iss', 'sub', 'aud', 'jti', 'exp']) {
    if (!Object.hasOwn(payload, claim)) {
      throw new errors.JWTClaimValidationFailed(
        `missing required "${claim}" claim`,
        payload,
        claim,
        'missing',
      );
    }
  }
  if (payload.iss !== checks.clientId) unexpected(payload, 'iss');
  if (payload.sub !== checks.clientId) unexpected(payload, 'sub');
  if (!isAssertionAudience(payload.aud, checks.audience)) unexpected(payload, 'aud');
  const now = checks.nowSeconds;
  const tolerance = checks.clockToleranceSeconds;
  numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) unexpected(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  if (exp !== undefined && exp <= now - tolerance) {
    throw new errors.JWTExpired(
      '"exp" claim timestamp check failed',
      payload,
      'exp',
      'check_failed',
    );
  }
  return payload;
}

function numericDate(payload: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw new errors.JWTClaimValidationFailed(
      `"${claim}" claim must be a number`,
      payload,
      claim,
      'invalid',
    );
  }
  return value;
}

function unexpected(payload: JWTPayload, claim: string): never {
  throw new errors.JWTClaimValidationFailed(
    `unexpected "${claim}" claim value`,
    payload,
    claim,
    'check_failed',
  );
}
