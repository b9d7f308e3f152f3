import type { Address, Hex } from 'viem';
import {
  bytesToHex,
  concat,
  hashMessage as viemHashMessage,
  hexToBytes,
  isHex,
  recoverAddress as viemRecoverAddress,
} from 'viem/utils';
import { eip55 } from './eip55';
import { type CryptoImplementation, keccak256 } from './keccak';

/** Order n of the secp256k1 group (SEC 2 v2, §2.4.1). */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** EIP-2: an Ethereum signature's s must not exceed n/2. */
export const SECP256K1_HALF_N = SECP256K1_N / 2n;

/** `native`: libsecp256k1 through the `secp256k1` package's N-API binding; `viem`: noble-curves (pure JS). */
export type RecoveryImplementation = CryptoImplementation;

/** One curve implementation, reduced to the only operations we need from it. */
export interface RecoveryBackend {
  readonly name: RecoveryImplementation;
  /** Who computes keccak-256 for this backend (native unless the `keccak` binding is missing). */
  readonly keccak: RecoveryImplementation;
  /**
   * The EIP-55 address of the key that made the signature `rs` (r‖s, 64 bytes) with recovery id
   * `recoveryId` over the 32-byte `hash`. Throws (or rejects) when no key can be recovered.
   * No policy here: both backends take every r, s they can, so they can be compared raw.
   */
  recover(hash: Uint8Array, rs: Uint8Array, recoveryId: 0 | 1): Address | Promise<Address>;
  /** EIP-191 personal_sign: keccak256("\x19Ethereum Signed Message:\n" + length + message). */
  hashMessage(messageText: string): Hex;
}

const EIP191_PREFIX = '\x19Ethereum Signed Message:\n';

/** The EIP-191 personal_sign hash with the process's keccak-256; the same bytes as viem's hashMessage. */
function eip191Hash(messageText: string): Hex {
  const message = Buffer.from(messageText, 'utf8');
  const prefix = Buffer.from(`${EIP191_PREFIX}${message.length}`, 'utf8');
  return bytesToHex(keccak256.hash(Buffer.concat([prefix, message])));
}

/** What the `secp256k1` package's binding offers for recovery (its lib/index.js contract). */
interface NativeSecp256k1 {
  ecdsaRecover(
    signature: Uint8Array,
    recid: number,
    msg32: Uint8Array,
    compressed: boolean,
  ): Uint8Array;
}

/**
 * libsecp256k1 (bitcoin-core) through the `secp256k1` package. We load its binding module, not
 * its index: the index silently falls back to `elliptic` when the binding is missing, and our
 * fallback is viem instead, which is also the reference we test against.
 */
export function loadNativeBackend(): RecoveryBackend {
  // A native module may be absent for this platform: a require() failure is how we learn it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require('secp256k1/bindings') as NativeSecp256k1;
  return {
    name: 'native',
    keccak: keccak256.name,
    recover(hash, rs, recoveryId) {
      return addressOfPublicKey(native.ecdsaRecover(rs, recoveryId, hash, false));
    },
    hashMessage: eip191Hash,
  };
}

/** viem's `recoverAddress` over the canonical r‖s‖v form (v = 27 + recovery id). */
export const viemBackend: RecoveryBackend = {
  name: 'viem',
  keccak: 'viem',
  recover(hash, rs, recoveryId) {
    return viemRecoverAddress({ hash, signature: concat([rs, Uint8Array.of(27 + recoveryId)]) });
  },
  hashMessage: (messageText) => viemHashMessage(messageText),
};

/**
 * Yellow Paper, Appendix F: the address is the last 20 bytes of keccak256 over the 64-byte
 * uncompressed point (without its 0x04 prefix); written with the EIP-55 checksum.
 */
function addressOfPublicKey(uncompressed: Uint8Array): Address {
  if (uncompressed.length !== 65 || uncompressed[0] !== 4) {
    throw new Error('expected an uncompressed secp256k1 public key');
  }
  return eip55.checksum(bytesToHex(keccak256.hash(uncompressed.subarray(1)).subarray(12)));
}

/** Why a 64/65-byte signature is refused before any curve arithmetic, or by the curve itself. */
export type SignatureProblem =
  /** 65 bytes whose last byte is not 27, 28, 0 or 1. */
  | 'v'
  /** r or s is 0 or not below n (SEC 1 §4.1.4 step 1). */
  | 'range'
  /** r is not the x coordinate of a curve point, or the recovered point is at infinity. */
  | 'point';

export type DecodedSignature =
  | {
      readonly ok: true;
      readonly encoding: 'rsv' | 'eip-2098';
      /** r‖s, with s brought to its low form when the signature had a high s. */
      readonly rs: Uint8Array;
      /** The recovery id that goes with `rs` (flipped along with s when that was high). */
      readonly recoveryId: 0 | 1;
      /** The signature as sent had s > n/2 (EIP-2 refuses those). */
      readonly highS: boolean;
    }
  | { readonly ok: false; readonly problem: 'not-ecdsa' | Exclude<SignatureProblem, 'point'> };

/**
 * Takes a signature apart the way Ethereum writes ECDSA signatures:
 * - 65 bytes: r ‖ s ‖ v, with v = 27/28 (EIP-191 personal_sign, as wallets return it) or 0/1
 *   (a bare y parity, as some signers return it); viem accepts exactly
 *   these four values, and so do we. Any other v (EIP-155's 35+, 2, 29...) is refused.
 * - 64 bytes: EIP-2098 compact form r ‖ (yParity << 255 | s). It can only carry s < 2^255,
 *   which is why it presupposes EIP-2's low s.
 * Anything else is not an ECDSA signature (an ERC-1271 contract wallet's format, an ERC-6492
 * wrapper): `not-ecdsa`.
 *
 * A high s (s > n/2, EIP-2) is reported, not refused here: the caller needs to know whose key
 * made it (see `SignatureRecovery.examine`). `rs` then holds the equivalent low-s signature,
 * (r, n - s) with the other recovery id, which recovers the same key; so both backends only ever
 * see low-s input, and the EIP-2 rule is applied in one place whatever the implementation.
 */
export function decodeSignature(signature: Hex | Uint8Array): DecodedSignature {
  const bytes = typeof signature === 'string' ? hexToBytes(signature) : signature;
  let yParity: 0 | 1;
  let sBytes: Uint8Array;
  let encoding: 'rsv' | 'eip-2098';
  if (bytes.length === 65) {
    const v = bytes[64];
    if (v === 27 || v === 0) yParity = 0;
    else if (v === 28 || v === 1) yParity = 1;
    else return { ok: false, problem: 'v' };
    sBytes = bytes.slice(32, 64);
    encoding = 'rsv';
  } else if (bytes.length === 64) {
    // EIP-2098: the top bit of the second word is the y parity, the other 255 bits are s.
    yParity = (bytes[32] >> 7) as 0 | 1;
    sBytes = bytes.slice(32, 64);
    sBytes[0] &= 0x7f;
    encoding = 'eip-2098';
  } else {
    return { ok: false, problem: 'not-ecdsa' };
  }
  const r = bytesToBigInt(bytes.subarray(0, 32));
  let s = bytesToBigInt(sBytes);
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) {
    return { ok: false, problem: 'range' };
  }
  const highS = s > SECP256K1_HALF_N;
  if (highS) {
    s = SECP256K1_N - s;
    yParity = (yParity ^ 1) as 0 | 1;
  }
  const rs = new Uint8Array(64);
  rs.set(bytes.subarray(0, 32), 0);
  rs.set(bigIntTo32Bytes(s), 32);
  return { ok: true, encoding, rs, recoveryId: yParity, highS };
}

/** What a signature says about its signer, without any policy decision on it yet. */
export type EoaRecovery =
  /** A well-formed low-s signature by `address`'s key. */
  | { readonly outcome: 'recovered'; readonly address: Address }
  /** A high-s signature (EIP-2 forbids it) by `address`'s key. */
  | { readonly outcome: 'high-s'; readonly address: Address }
  /** 64/65 bytes that are not a usable ECDSA signature. */
  | { readonly outcome: 'invalid'; readonly problem: SignatureProblem }
  /** Neither 64 nor 65 bytes: not an EOA signature at all. */
  | { readonly outcome: 'not-ecdsa' };

/** Client-facing texts: fixed, never quoting the signature. */
export const SIGNATURE_REFUSALS = {
  'not-ecdsa': 'The signature is not a 65-byte or 64-byte (EIP-2098) ECDSA signature',
  v: 'The signature v value must be 27 or 28 (or 0 or 1)',
  range: 'The signature is not a valid ECDSA signature',
  point: 'The signature is not a valid ECDSA signature',
  'high-s': 'The signature has a high s value, which EIP-2 forbids; sign again with the wallet',
} as const;

/**
 * Recovers the signer of an ECDSA signature over a hash (ecrecover), for EOA wallets. libsecp256k1
 * (native) when its binding loads, else viem; both get the same, already policy-checked input,
 * so the implementation in use changes only the speed, never an answer.
 */
export class SignatureRecovery {
  private static preferred?: SignatureRecovery;

  /**
   * @param backend the curve implementation.
   * @param fallbackReason set when the native binding was wanted but did not load (for the log).
   */
  constructor(
    private readonly backend: RecoveryBackend,
    readonly fallbackReason?: string,
  ) {}

  /** Which implementation answers: say it in logs and tests. */
  get implementation(): RecoveryImplementation {
    return this.backend.name;
  }

  /** Which implementation computes keccak-256 (message hashes, addresses of recovered keys). */
  get keccak(): RecoveryImplementation {
    return this.backend.keccak;
  }

  /** The native binding if it loads, else viem. The process's choice is made once. */
  static load(loadNative: () => RecoveryBackend = loadNativeBackend): SignatureRecovery {
    if (loadNative !== loadNativeBackend) return SignatureRecovery.choose(loadNative);
    SignatureRecovery.preferred ??= SignatureRecovery.choose(loadNative);
    return SignatureRecovery.preferred;
  }

  /** One implementation, no fallback: for the cross-check tests and the benchmark. */
  static using(implementation: RecoveryImplementation): SignatureRecovery {
    return new SignatureRecovery(implementation === 'native' ? loadNativeBackend() : viemBackend);
  }

  private static choose(loadNative: () => RecoveryBackend): SignatureRecovery {
    try {
      return new SignatureRecovery(loadNative());
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return new SignatureRecovery(viemBackend, reason);
    }
  }

  /** `examine` over the EIP-191 personal_sign hash of `messageText` (as viem's `hashMessage`). */
  examineMessage(messageText: string, signature: Uint8Array): Promise<EoaRecovery> {
    return this.examine(this.backend.hashMessage(messageText), signature);
  }

  /**
   * Recovers without deciding: a high-s signature is still attributed to its key, so a caller can
   * tell a malleated signature of the expected signer (refuse it, EIP-2) from something that may
   * be a contract wallet's own format (ask the chain). `signature` is bytes: its text form was
   * read once, where it arrived (SiweVerifier's `readSignature`).
   */
  async examine(hash: Hex, signature: Uint8Array): Promise<EoaRecovery> {
    if (!isHex(hash, { strict: true }) || hash.length !== 66) {
      throw new TypeError('hash must be 32 bytes of 0x-prefixed hex');
    }
    const decoded = decodeSignature(signature);
    if (!decoded.ok) {
      return decoded.problem === 'not-ecdsa'
        ? { outcome: 'not-ecdsa' }
        : { outcome: 'invalid', problem: decoded.problem };
    }
    let address: Address;
    try {
      address = await this.backend.recover(hexToBytes(hash), decoded.rs, decoded.recoveryId);
    } catch {
      // r in range but not an x coordinate on the curve, or Q at infinity: both backends refuse.
      return { outcome: 'invalid', problem: 'point' };
    }
    return { outcome: decoded.highS ? 'high-s' : 'recovered', address };
  }
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function bigIntTo32Bytes(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
}
