import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';

/** A base58 32-byte key is 32 to 44 characters; anything longer is refused before decoding. */
const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * The 32 bytes of a Solana address (a base58 Ed25519 public key), or undefined when the text is
 * not one: not base58, not 32 bytes, or not the canonical encoding of them (base58 has exactly
 * one per byte string, so two texts never name one key).
 */
export function solanaAddressBytes(address: string): Uint8Array | undefined {
  if (!BASE58_KEY.test(address)) return undefined;
  const bytes = bs58.decode(address);
  if (bytes.length !== 32 || bs58.encode(bytes) !== address) return undefined;
  return bytes;
}

/**
 * Whether a wallet can sign for the key at all. An off-curve address (a program-derived address)
 * has no private key; a small-order point "verifies" forged signatures under cofactorless
 * verification (RFC 8032 §5.1.7 leaves it to the verifier), so an account named by one would be
 * anyone's. Neither gets a nonce. Strict decoding (not ZIP-215): a non-canonical point
 * encoding is refused too.
 */
export function isSigningKey(publicKey: Uint8Array): boolean {
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}
