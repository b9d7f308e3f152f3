import { InvalidDpopProof } from './dpop.errors';

/** RFC 7518 §6.3.1.2: `e` of 65537, the only exponent proof keys may use. */
const RSA_EXPONENT_65537 = 'AQAB';
/** RFC 7518 §3.3 / §3.5: at least 2048 bits; over 4096 is cost without security for a proof. */
export const RSA_MODULUS_MIN_BITS = 2048;
export const RSA_MODULUS_MAX_BITS = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** 4096 bits are 512 bytes: 683 base64url characters (a leading zero byte would add two). */
const MAX_MODULUS_CHARS = Math.ceil(((RSA_MODULUS_MAX_BITS + 8) / 8 / 3) * 4);

/**
 * RFC 9449 §4.2 leaves the proof key's strength to the server: an RSA `jwk` is accepted only
 * with the exponent 65537 and a modulus of 2048 to 4096 bits. Checked on the header's `jwk`
 * before the key is imported or any signature verified: a huge modulus costs CPU at import and
 * at every check, an odd exponent (e=3) invites the low-exponent signature forgeries of
 * Bleichenbacher 2006, and jose's own minimum-size refusal is a TypeError (a 500) after import.
 * Any other key type passes here unchanged (jose checks it).
 */
export function checkProofKey(jwk: unknown): void {
  if (typeof jwk !== 'object' || jwk === null) return;
  const { kty, e, n } = jwk as Record<string, unknown>;
  if (kty !== 'RSA') return;
  if (e !== RSA_EXPONENT_65537) {
    throw new InvalidDpopProof(
      'The DPoP proof key is refused: an RSA key must use the public exponent 65537 (AQAB)',
    ).because('weak_key');
  }
  const bits = typeof n === 'string' ? modulusBits(n) : undefined;
  if (bits === undefined || bits < RSA_MODULUS_MIN_BITS || bits > RSA_MODULUS_MAX_BITS) {
    throw new InvalidDpopProof(
      `The DPoP proof key is refused: an RSA modulus must be ${RSA_MODULUS_MIN_BITS} to ${RSA_MODULUS_MAX_BITS} bits`,
    ).because('weak_key');
  }
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
