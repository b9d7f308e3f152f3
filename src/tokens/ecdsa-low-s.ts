/**
 * ECDSA signature malleability (SEC 1 §4.1.4): if (r, s) verifies, so does (r, n − s). A JWS
 * then has two valid encodings for one signed content. Nothing Proofgate checks keys on the
 * signature (revocation keys on `jti` and `gid`), but a resource server, cache or log that keys
 * on the whole token would see two tokens, and a careful issuer produces one encoding only. So
 * Proofgate signs ES256 with the low half of s (s ≤ n/2, the BIP-62 / Ethereum rule) and refuses
 * the other half. WebCrypto (OpenSSL) does not normalise: about half of its signatures are
 * high-s, so the signer flips them here.
 *
 * RS256 (RSASSA-PKCS1-v1_5) is deterministic and has no such second encoding.
 */

/** The order n of the P-256 group (SEC 2 §2.4.2, FIPS 186-5 / SP 800-186 §3.2.1.3). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;
/** RFC 7518 §3.4: an ES256 JWS signature is r || s, each 32 bytes big-endian. */
const P256_SCALAR_BYTES = 32;
/** n/2 as 32 big-endian bytes: s is low when its bytes compare at most equal to these. */
const P256_HALF_ORDER_BYTES = Buffer.from(
  P256_HALF_ORDER.toString(16).padStart(2 * P256_SCALAR_BYTES, '0'),
  'hex',
);

/** Whether the s of a 64-byte r || s signature is at most n/2 (a byte comparison: no BigInt). */
function lowS(signature: Buffer): boolean {
  return signature.compare(P256_HALF_ORDER_BYTES, 0, P256_SCALAR_BYTES, P256_SCALAR_BYTES) <= 0;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

/** The base64url signature segment of a compact JWS (the text after the second dot). */
function signatureSegment(compactJws: string): string {
  return compactJws.slice(compactJws.lastIndexOf('.') + 1);
}

/**
 * Whether the ES256 signature of `compactJws` is the canonical (low-s) one: 64 bytes whose s is
 * at most n/2. A signature of another length is not canonical either.
 */
export function hasLowS(compactJws: string): boolean {
  const signature = Buffer.from(signatureSegment(compactJws), 'base64url');
  if (signature.length !== 2 * P256_SCALAR_BYTES) return false;
  return lowS(signature);
}

/**
 * A 64-byte ES256 signature (r || s) with s replaced by n − s when s is above n/2: the same
 * buffer when it already is low-s.
 */
export function lowSSignature(signature: Buffer): Buffer {
  if (signature.length !== 2 * P256_SCALAR_BYTES) {
    throw new Error(`An ES256 signature of ${signature.length} bytes, expected 64`);
  }
  if (lowS(signature)) return signature;
  const s = toBigInt(signature.subarray(P256_SCALAR_BYTES));
  return Buffer.concat([
    signature.subarray(0, P256_SCALAR_BYTES),
    toBytes(P256_ORDER - s, P256_SCALAR_BYTES),
  ]);
}
