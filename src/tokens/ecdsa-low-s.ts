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

import { P256_ORDER, P256_SCALAR_BYTES, hasLowS, isLowS } from '@proofgate/resource-server/low-s';

/** The check is the resource-server package's, so that its APIs refuse what the service does. */
export { hasLowS };

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

/**
 * A 64-byte ES256 signature (r || s) with s replaced by n − s when s is above n/2: the same
 * buffer when it already is low-s.
 */
export function lowSSignature(signature: Buffer): Buffer {
  if (signature.length !== 2 * P256_SCALAR_BYTES) {
    throw new Error(`An ES256 signature of ${signature.length} bytes, expected 64`);
  }
  if (isLowS(signature)) return signature;
  const s = toBigInt(signature.subarray(P256_SCALAR_BYTES));
  return Buffer.concat([
    signature.subarray(0, P256_SCALAR_BYTES),
    toBytes(P256_ORDER - s, P256_SCALAR_BYTES),
  ]);
}
