/**
 * ECDSA signature malleability (SEC 1 §4.1.4): if (r, s) verifies, so does (r, n − s), so a JWS
 * signed with ES256 has two valid encodings of one signed content. Proofgate signs with the low
 * half of s only (s ≤ n/2, the BIP-62 / Ethereum rule) and refuses the other half, so that a
 * cache, log or replay check keyed on the whole token sees one token, not two. A module of no
 * imports: the service signs and checks by it too (`@proofgate/resource-server/low-s`).
 */

/** The order n of the P-256 group (SEC 2 §2.4.2, FIPS 186-5 / SP 800-186 §3.2.1.3). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** RFC 7518 §3.4: an ES256 JWS signature is r || s, each 32 bytes big-endian. */
export const P256_SCALAR_BYTES = 32;
/** n/2 as 32 big-endian bytes: s is low when its bytes compare at most equal to these. */
const HALF_ORDER_BYTES = Buffer.from(
  (P256_ORDER >> 1n).toString(16).padStart(2 * P256_SCALAR_BYTES, '0'),
  'hex',
);

/** Whether the s of a 64-byte r || s signature is at most n/2 (a byte comparison: no BigInt). */
export function isLowS(signature: Buffer): boolean {
  return signature.compare(HALF_ORDER_BYTES, 0, P256_SCALAR_BYTES, P256_SCALAR_BYTES) <= 0;
}

/**
 * Whether the ES256 signature of `compactJws` (the text after its second dot) is the canonical
 * one: 64 bytes whose s is at most n/2. A signature of another length is not canonical either.
 */
export function hasLowS(compactJws: string): boolean {
  const signature = Buffer.from(compactJws.slice(compactJws.lastIndexOf('.') + 1), 'base64url');
  return signature.length === 2 * P256_SCALAR_BYTES && isLowS(signature);
}
