import { createPublicKey } from 'node:crypto';

/**
 * The rules every public signing key Proofgate accepts from outside must meet, wherever it comes
 * from: a DPoP proof's `jwk` (RFC 9449 §4.2), a private_key_jwt client's registered `jwks`
 * (RFC 7591 §2: POST /register, a client ID metadata document, OAUTH_CLIENTS, the admin CLI),
 * and every JWK Set fetched to check a signature (a client's `jwks_uri`, a JWT_BEARER_ISSUERS
 * issuer's), and the DPoP proof keys of every API this package guards. One rule set, so a key
 * refused in one place is never accepted in another. Node's built-ins only: the service's
 * protocol rules take it from here (`@proofgate/resource-server/public-key-rules`).
 */

/** RFC 7518 §6.3.1.2: `e` of 65537, the only RSA exponent accepted. */
const RSA_EXPONENT_65537 = 'AQAB';
/** RFC 7518 §3.3 / §3.5: at least 2048 bits; over 4096 is cost without security. */
export const RSA_MODULUS_MIN_BITS = 2048;
export const RSA_MODULUS_MAX_BITS = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** 4096 bits are 512 bytes: 683 base64url characters (a leading zero byte would add two). */
const MAX_MODULUS_CHARS = Math.ceil(((RSA_MODULUS_MAX_BITS + 8) / 8 / 3) * 4);
/** RFC 7518 §6.2.1.1: the curves of ES256, ES384 and ES512. */
const EC_CURVES: readonly unknown[] = ['P-256', 'P-384', 'P-521'];
/** RFC 8037 §2: the curves of EdDSA signatures (X25519 and X448 sign nothing). */
const OKP_SIGNING_CURVES: readonly unknown[] = ['Ed25519', 'Ed448'];

/**
 * Why the public JWK `jwk` breaks the key rules, as a clause a caller prefixes with where the key
 * was (`The DPoP proof key is refused: …`, `jwks keys[0] is refused: …`); undefined when it
 * meets them, or when it is no RSA, EC or OKP key (the caller's own checks say what it is).
 *
 * - RSA: the exponent 65537 and a modulus of 2048 to 4096 bits, counted before anything is
 *   imported: a huge modulus costs CPU at import and at every check, and an odd exponent (e=3)
 *   invites the low-exponent signature forgeries of Bleichenbacher 2006.
 * - EC: P-256, P-384 or P-521, and (x, y) a point on that curve, as node:crypto (OpenSSL) checks
 *   it when it imports the key: an invalid-curve point is the classic lever against ECDH and a
 *   key no signature can verify against.
 * - OKP: Ed25519 or Ed448, and a public key node:crypto can import (its length).
 */
export function publicKeyProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const key = jwk as Record<string, unknown>;
  switch (key.kty) {
    case 'RSA':
      return rsaProblem(key.e, key.n);
    case 'EC':
      if (!EC_CURVES.includes(key.crv)) return 'an EC key must be on P-256, P-384 or P-521';
      return imports({ kty: 'EC', crv: key.crv, x: key.x, y: key.y })
        ? undefined
        : 'an EC key must be a point on its curve';
    case 'OKP':
      if (!OKP_SIGNING_CURVES.includes(key.crv)) return 'an OKP key must be Ed25519 or Ed448';
      return imports({ kty: 'OKP', crv: key.crv, x: key.x })
        ? undefined
        : `an OKP key must be an ${String(key.crv)} public key`;
    default:
      return undefined;
  }
}

function rsaProblem(e: unknown, n: unknown): string | undefined {
  if (e !== RSA_EXPONENT_65537) {
    return 'an RSA key must use the public exponent 65537 (AQAB)';
  }
  const bits = typeof n === 'string' ? modulusBits(n) : undefined;
  if (bits === undefined || bits < RSA_MODULUS_MIN_BITS || bits > RSA_MODULUS_MAX_BITS) {
    return `an RSA modulus must be ${RSA_MODULUS_MIN_BITS} to ${RSA_MODULUS_MAX_BITS} bits`;
  }
  return undefined;
}

/** The bit length of a base64url big-endian modulus (leading zero bits aside), or undefined. */
function modulusBits(n: string): number | undefined {
  // Bounded before decoding: a modulus too long to be acceptable is refused unread.
  if (!BASE64URL.test(n)) return undefined;
  if (n.length > MAX_MODULUS_CHARS) return Infinity;
  const bytes = Buffer.from(n, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first += 1;
  if (first === bytes.length) return 0;
  return (bytes.length - first) * 8 - Math.clz32(bytes[first]) + 24;
}

/** Whether node:crypto imports the public members as a key (for EC: the point is on the curve). */
function imports(members: Record<string, unknown>): boolean {
  if (!Object.values(members).every((value) => typeof value === 'string')) return false;
  try {
    createPublicKey({ key: members as { kty: string }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}
