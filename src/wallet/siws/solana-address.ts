import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';

/** A base58 32-byte key is 32 to 44 characters; anything longer is refused before decoding. */
const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * The 32 bytes of a Solana address (a base58 Ed25519 public key), or undefined when the text is
 * not one. Base58 maps byte strings to texts one to one (leading `1`s are the leading zero bytes),
 * so two texts never name one key.
 */
export function solanaAddressBytes(address: string): Uint8Array | undefined {
  if (!BASE58_KEY.test(address)) return undefined;
  const bytes = bs58.decode(address);
  return bytes.length === 32 ? bytes : undefined;
}

/** Curve25519's field prime, 2^255 - 19. */
const P = 2n ** 255n - 19n;
/** A point of order 8 (the torsion subgroup's generator libsodium lists in its blacklist). */
const ORDER_8_POINT = '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05';

function littleEndian(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse());
}

/**
 * Every 32-byte encoding of the eight points of small order: the canonical ones, with the sign
 * bit flipped (x = 0 has no sign, but lax decoders ignore it), and y + p for y < 19 (non-canonical
 * y that a lax decoder reduces). Computed once, with @noble/curves, from the order-8 generator.
 */
export const SMALL_ORDER_ENCODINGS: ReadonlySet<string> = (() => {
  const encodings = new Set<string>();
  const add = (bytes: Uint8Array) => {
    encodings.add(Buffer.from(bytes).toString('hex'));
    const flipped = Uint8Array.from(bytes);
    flipped[31] ^= 0x80;
    encodings.add(Buffer.from(flipped).toString('hex'));
  };
  const generator = ed25519.Point.fromHex(ORDER_8_POINT);
  let point = ed25519.Point.ZERO;
  for (let k = 0; k < 8; k++) {
    const bytes = point.toBytes();
    add(bytes);
    const y = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`) & (2n ** 255n - 1n);
    if (y < 19n) add(littleEndian(y + P));
    point = point.add(generator);
  }
  return encodings;
})();

/**
 * Whether the key can stand for an account. A small-order point "verifies" forged signatures
 * under cofactorless verification (RFC 8032 §5.1.7 leaves rejecting it to the verifier; OpenSSL
 * does not), so an account named by one would be anyone's: such an address gets no nonce and no
 * signature from it is accepted. A set lookup, not a point decoding (a square root: ~0.4 ms in
 * JavaScript): an off-curve address (a program-derived address, which no wallet can sign for)
 * gets a nonce, and its signatures fail like any other bad signature.
 */
export function isSigningKey(publicKey: Uint8Array): boolean {
  return !SMALL_ORDER_ENCODINGS.has(Buffer.from(publicKey).toString('hex'));
}
