import { createHash, getHashes } from 'node:crypto';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import {
  Address,
  CompactSize,
  NETWORK,
  OutScript,
  RawWitness,
  Script,
  TEST_NETWORK,
  p2wpkh,
  utils,
} from '@scure/btc-signer';
import { RawOutput, VarBytes } from '@scure/btc-signer/script';
import { BITCOIN_CHAINS, type BitcoinChainId } from '../../config/sections/wallet.config';
import { LruCache } from '../../platform/cache/lru-cache';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { InvalidSignature } from '../core/wallet.errors';

/** A network's address encodings (base58 version bytes, bech32 prefix), by its CAIP-2 id. */
const NETWORKS: Readonly<Record<BitcoinChainId, typeof NETWORK>> = {
  [BITCOIN_CHAINS.mainnet]: NETWORK,
  [BITCOIN_CHAINS.testnet]: TEST_NETWORK,
};

/**
 * The address types a wallet signs in with, and how each signs a message (BIP-322 §Types of
 * Signatures): the legacy format for P2PKH (`1…`, the only type it may be used for), the simple
 * format (a witness stack) for native segwit v0 P2WPKH (`bc1q…`), P2SH-wrapped P2WPKH (`3…`) and
 * taproot key-path P2TR (`bc1p…`).
 */
export type BitcoinAddressType = 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' | 'p2tr';

export interface BitcoinAddress {
  readonly chain: BitcoinChainId;
  readonly type: BitcoinAddressType;
  /** Its scriptPubKey: BIP-322's `message_challenge`. */
  readonly script: Uint8Array;
}

/** The ECDSA steps of the signature checks, as a curve implementation answers them. */
export interface EcdsaCurve {
  readonly name: 'native' | 'noble';
  /** SEC 1 §4.1.4 over a 32-byte hash, `r ‖ s` with s in the low half (BIP-146 LOW_S). */
  verify(compact: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean;
  /** The public key of a recoverable signature (SEC 1 §4.1.6), compressed or not. */
  recover(compact: Uint8Array, recovery: number, hash: Uint8Array, compressed: boolean): Uint8Array;
}

/** @noble/curves (pure JS): the reference, and the fallback. */
export const NOBLE_ECDSA: EcdsaCurve = {
  name: 'noble',
  verify: (compact, hash, publicKey) =>
    secp256k1.verify(compact, hash, publicKey, { format: 'compact', lowS: true }),
  recover: (compact, recovery, hash, compressed) =>
    secp256k1.Signature.fromCompact(compact)
      .addRecoveryBit(recovery)
      .recoverPublicKey(hash)
      .toRawBytes(compressed),
};

/** What the `secp256k1` package's binding module offers (its lib/index.js contract). */
interface NativeSecp256k1 {
  ecdsaVerify(signature: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  ecdsaRecover(
    signature: Uint8Array,
    recovery: number,
    msg32: Uint8Array,
    compressed: boolean,
  ): Uint8Array;
}

/**
 * libsecp256k1 (bitcoin-core's) through the `secp256k1` package's binding, as SIWE's recovery
 * loads it: about 40 times faster than @noble/curves here (~60 µs against ~2.3 ms a verification),
 * which would otherwise make SIWB the slowest proof on /wallet/verify. Its verification refuses a
 * high s as BIP-322 requires; the spec checks both implementations on the same inputs. BIP-340
 * Schnorr (P2TR) is not in the binding: SCHNORR below checks it.
 */
export function loadNativeEcdsa(): EcdsaCurve {
  // A native module may be absent for this platform: a require() failure is how we learn it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require('secp256k1/bindings') as NativeSecp256k1;
  return {
    name: 'native',
    verify: (compact, hash, publicKey) => native.ecdsaVerify(compact, hash, publicKey),
    recover: (compact, recovery, hash, compressed) =>
      native.ecdsaRecover(compact, recovery, hash, compressed),
  };
}

/** The binding when it loads, else @noble/curves: chosen once, it changes only the speed. */
export const ECDSA: EcdsaCurve = (() => {
  try {
    return loadNativeEcdsa();
  } catch {
    return NOBLE_ECDSA;
  }
})();

/** BIP-340 verification of a 64-byte signature of a 32-byte message by an x-only key. */
export interface SchnorrVerifier {
  readonly name: 'wasm' | 'noble';
  verify(signature: Uint8Array, message: Uint8Array, xOnlyPublicKey: Uint8Array): boolean;
}

/** @noble/curves (pure JS): the reference, and the fallback. */
export const NOBLE_SCHNORR: SchnorrVerifier = {
  name: 'noble',
  verify: (signature, message, key) => schnorr.verify(signature, message, key),
};

/** What `tiny-secp256k1` (libsecp256k1 built to WebAssembly) offers for BIP-340. */
interface TinySecp256k1 {
  verifySchnorr(message: Uint8Array, xOnlyPublicKey: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * libsecp256k1's BIP-340 through `tiny-secp256k1` (WebAssembly): about 7 times @noble/curves' rate
 * here (3,575 against 496 verifications a second), which made P2TR sign-ins a third of SIWE's
 * rate. It throws on a key that is not on the curve, which the caller counts as not verified.
 */
export function loadWasmSchnorr(): SchnorrVerifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('tiny-secp256k1') as TinySecp256k1;
  return {
    name: 'wasm',
    verify: (signature, message, key) => wasm.verifySchnorr(message, key, signature),
  };
}

/** The WebAssembly build when it loads, else @noble/curves: chosen once, it changes only the speed. */
export const SCHNORR: SchnorrVerifier = (() => {
  try {
    return loadWasmSchnorr();
  } catch {
    return NOBLE_SCHNORR;
  }
})();

/** Base58Check addresses are 26 to 35 characters; bech32(m) ones are lower case (BIP-173). */
export const BITCOIN_ADDRESS_FORM =
  /^(?:[1-9A-HJ-NP-Za-km-z]{26,35}|(?:bc|tb)1[02-9ac-hj-np-z]{39,59})$/;

/**
 * Reads a Bitcoin address of a network Proofgate knows, as wallets show it (bech32 in lower case:
 * one text per address), or undefined: another text, a witness program no wallet signs a message
 * with (P2WSH, unknown witness versions) or a checksum that fails. A `3…` address is taken to
 * wrap a P2WPKH key, the only P2SH form wallets sign in with; its signature proves it.
 */
export function readBitcoinAddress(address: string): BitcoinAddress | undefined {
  if (!BITCOIN_ADDRESS_FORM.test(address)) return undefined;
  const cached = READ_ADDRESSES.get(address);
  if (cached !== undefined) return cached ?? undefined;
  const read = decodeBitcoinAddress(address);
  READ_ADDRESSES.set(address, read ?? null);
  return read;
}

/**
 * Addresses read lately (the nonce, the message's parse and the policy check each read the one
 * address of a sign-in): btc-signer's decode of a taproot address lifts its key onto the curve in
 * pure JS, ~0.13 ms a read. Bounded, as SIWE's checksum cache; an entry is ~200 bytes.
 */
const READ_ADDRESSES = new LruCache<string, BitcoinAddress | null>(8192);

function decodeBitcoinAddress(address: string): BitcoinAddress | undefined {
  for (const [chain, network] of Object.entries(NETWORKS) as [BitcoinChainId, typeof NETWORK][]) {
    let decoded: ReturnType<ReturnType<typeof Address>['decode']>;
    try {
      decoded = Address(network).decode(address);
    } catch {
      continue;
    }
    const type = ADDRESS_TYPES[decoded.type];
    if (type !== undefined) return { chain, type, script: OutScript.encode(decoded) };
  }
  return undefined;
}

const ADDRESS_TYPES: Readonly<Record<string, BitcoinAddressType>> = {
  pkh: 'p2pkh',
  sh: 'p2sh-p2wpkh',
  wpkh: 'p2wpkh',
  tr: 'p2tr',
};

/** BIP-143 / BIP-341 hash types: all inputs and outputs signed (taproot's default means the same). */
const SIGHASH_ALL = 0x01;
const SIGHASH_DEFAULT = 0x00;

/** The zero fields of BIP-322's virtual transactions (versions, lock times, sequences, values). */
const ZERO_U32 = new Uint8Array(4);
const ZERO_U64 = new Uint8Array(8);
/** `to_spend` up to its scriptSig: version 0, one input, spending output 0xFFFFFFFF of txid 0. */
const TO_SPEND_HEAD = Uint8Array.from([
  ...ZERO_U32,
  0x01,
  ...new Uint8Array(32),
  ...[0xff, 0xff, 0xff, 0xff],
]);
/** `to_spend` between its scriptSig and its output's script: sequence 0, one output, value 0. */
const TO_SPEND_MIDDLE = Uint8Array.from([...ZERO_U32, 0x01, ...ZERO_U64]);

/**
 * BIP-340's tagged hash, SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖ data), by node's OpenSSL with the
 * tag's half hashed once (@noble/curves' `taggedHash` is the same in pure JS, a few µs a call).
 */
function taggedHash(tag: string): (...data: Uint8Array[]) => Uint8Array {
  const tagHash = createHash('sha256').update(tag, 'utf8').digest();
  const prefix = Uint8Array.from([...tagHash, ...tagHash]);
  return (...data) => sha256(prefix, ...data);
}
/** BIP-322 `message_hash`'s tag, and BIP-341's signature hash's. */
const BIP322_MESSAGE_TAG = taggedHash('BIP0322-signed-message');
const TAP_SIGHASH_TAG = taggedHash('TapSighash');

/** Standard padded base64 (RFC 4648 §4); a simple signature is well under 1 KiB. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNATURE_MAX_CHARS = 1024;

/**
 * Checks a wallet's signature of `message` (its exact UTF-8 bytes) for `address`: BIP-322 simple
 * for segwit addresses, the legacy signed-message format for P2PKH. A text that is not base64 is
 * a malformed request (InvalidRequest); anything else that does not verify, malformed witness
 * included, is a wrong signature (InvalidSignature).
 */
export function verifyBitcoinSignature(
  address: BitcoinAddress,
  message: string,
  signature: string,
  curve: EcdsaCurve = ECDSA,
  schnorrVerifier: SchnorrVerifier = SCHNORR,
): void {
  // Canonical too: the text is what its bytes encode to (no stray bits in the last character).
  if (
    signature.length === 0 ||
    signature.length > SIGNATURE_MAX_CHARS ||
    !BASE64.test(signature) ||
    Buffer.from(signature, 'base64').toString('base64') !== signature
  ) {
    throw new InvalidRequest(
      'The signature must be base64: a BIP-322 simple signature, or the legacy signed-message format for a 1… address',
    );
  }
  const bytes = Uint8Array.from(Buffer.from(signature, 'base64'));
  const text = Buffer.from(message, 'utf8');
  let valid: boolean;
  try {
    valid =
      address.type === 'p2pkh'
        ? verifyLegacy(address, text, bytes, curve)
        : verifySimple(address, text, bytes, curve, schnorrVerifier);
  } catch {
    // A witness that does not decode, a key off the curve, a non-DER signature: none verifies.
    valid = false;
  }
  if (!valid) throw new InvalidSignature('The signature is not valid for the message address');
}

/** BIP-322 §Full: `message_hash`, the BIP-340 tagged hash of the message bytes. */
export function bip322MessageHash(message: Uint8Array): Uint8Array {
  return BIP322_MESSAGE_TAG(message);
}

/**
 * HASH160 (RIPEMD-160 of SHA-256) of a key or script, by node's OpenSSL: btc-signer's payment
 * builders would decode the key as a curve point first (~0.2 ms each here), which the signature
 * check does anyway. Where OpenSSL has no RIPEMD-160, btc-signer's own (pure JS).
 */
const hash160: (data: Uint8Array) => Uint8Array = getHashes().includes('ripemd160')
  ? (data) =>
      Uint8Array.from(
        createHash('ripemd160').update(createHash('sha256').update(data).digest()).digest(),
      )
  : (data) => {
      const decoded = OutScript.decode(p2wpkh(data).script);
      return decoded.type === 'wpkh' ? decoded.hash : new Uint8Array(20);
    };

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

function sha256d(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(sha256(...parts))
      .digest(),
  );
}

/**
 * BIP-322 `to_spend`'s hash: version 0, one input spending output 0xFFFFFFFF of the null txid
 * with `OP_0 <message_hash>` as its scriptSig and sequence 0, one output of no value to the
 * address's script, lock time 0. Only the message hash and the script vary, so it is written field
 * by field (the scripts by btc-signer's encoders), as `to_sign`'s sighashes below. Its double
 * SHA-256 is the txid in internal byte order (as outpoints carry it); txids are shown reversed.
 */
function bip322ToSpendHash(messageChallenge: Uint8Array, message: Uint8Array): Uint8Array {
  return sha256d(
    TO_SPEND_HEAD,
    VarBytes.encode(Script.encode(['OP_0', bip322MessageHash(message)])), // its scriptSig
    TO_SPEND_MIDDLE,
    VarBytes.encode(messageChallenge), // its output's script
    ZERO_U32, // nLockTime
  );
}

/** BIP-322 `to_spend`'s txid, in the order txids are shown. */
export function bip322ToSpendTxid(messageChallenge: Uint8Array, message: Uint8Array): Uint8Array {
  return bip322ToSpendHash(messageChallenge, message).reverse();
}

/** `to_sign`'s one output script, OP_RETURN: encoded once (btc-signer's encoder costs tens of µs). */
const OP_RETURN_SCRIPT = Script.encode(['RETURN']);

/**
 * BIP-322 `to_sign` of the simple format has one shape: version 0, lock time 0, one input spending
 * `to_spend`'s output 0 (of no value) with sequence 0, one OP_RETURN output of no value. Only the
 * outpoint (`to_spend`'s hash) and the spent script vary, so the sighashes below are the BIP-143
 * and BIP-341 digests of that shape, written field by field from btc-signer's encoders (the
 * output, the length-prefixed script) with node's SHA-256, instead of building the transaction
 * through btc-signer's PSBT machinery (~0.15 ms a check). The spec checks them against
 * btc-signer's `Transaction.preimageWitnessV0`/`preimageWitnessV1` on the same `to_sign`.
 *
 * Here: `to_sign`'s one output, serialized (value, script).
 */
const TO_SIGN_OUTPUT = RawOutput.encode({ amount: 0n, script: OP_RETURN_SCRIPT });
/** BIP-143 `hashSequence` and `hashOutputs` of `to_sign`: the same for every message. */
const V0_HASH_SEQUENCE = sha256d(ZERO_U32);
const V0_HASH_OUTPUTS = sha256d(TO_SIGN_OUTPUT);
/** BIP-341 `sha_amounts`, `sha_sequences` and `sha_outputs` of `to_sign`: the same for every message. */
const V1_SHA_AMOUNTS = sha256(ZERO_U64);
const V1_SHA_SEQUENCES = sha256(ZERO_U32);
const V1_SHA_OUTPUTS = sha256(TO_SIGN_OUTPUT);

function u32le(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** `to_sign`'s one outpoint: `to_spend`'s hash and output index 0. */
function toSignOutpoint(toSpendHash: Uint8Array): Uint8Array {
  return utils.concatBytes(toSpendHash, ZERO_U32);
}

/**
 * BIP-143's signature hash of `to_sign`'s input, spending a segwit v0 output of no value with
 * `scriptCode` (for P2WPKH, the P2PKH script of its key hash), SIGHASH_ALL.
 */
export function bip322SighashV0(toSpendHash: Uint8Array, scriptCode: Uint8Array): Uint8Array {
  const outpoint = toSignOutpoint(toSpendHash);
  return sha256d(
    ZERO_U32, // nVersion
    sha256d(outpoint), // hashPrevouts
    V0_HASH_SEQUENCE,
    outpoint,
    VarBytes.encode(scriptCode),
    ZERO_U64, // the amount spent
    ZERO_U32, // nSequence
    V0_HASH_OUTPUTS,
    ZERO_U32, // nLockTime
    u32le(SIGHASH_ALL),
  );
}

/**
 * BIP-341's signature hash (`TapSighash` of epoch 0 and SigMsg) of `to_sign`'s input, key path, no
 * annex, spending a taproot output of no value with `script`; `hashType` is SIGHASH_DEFAULT or
 * SIGHASH_ALL (both sign every input and output).
 */
export function bip322SighashV1(
  toSpendHash: Uint8Array,
  script: Uint8Array,
  hashType: number,
): Uint8Array {
  return TAP_SIGHASH_TAG(
    utils.concatBytes(
      Uint8Array.of(0x00, hashType), // the epoch, then hash_type
      ZERO_U32, // nVersion
      ZERO_U32, // nLockTime
      sha256(toSignOutpoint(toSpendHash)), // sha_prevouts
      V1_SHA_AMOUNTS,
      sha256(VarBytes.encode(script)), // sha_scriptpubkeys
      V1_SHA_SEQUENCES,
      V1_SHA_OUTPUTS,
      Uint8Array.of(0x00), // spend_type: key path, no annex
      ZERO_U32, // input_index
    ),
  );
}

/**
 * BIP-322 simple: the witness stack that spends `to_spend`'s output in `to_sign`, checked as the
 * script interpreter would for the address's one script form, with BIP-322's required rules:
 * SIGHASH_ALL (taproot's default is the same), strict DER and low S, no other stack items.
 */
function verifySimple(
  address: BitcoinAddress,
  message: Uint8Array,
  bytes: Uint8Array,
  curve: EcdsaCurve,
  schnorrVerifier: SchnorrVerifier,
): boolean {
  const witness = RawWitness.decode(bytes);
  const toSpendHash = bip322ToSpendHash(address.script, message);
  if (address.type === 'p2tr') {
    // BIP-341 key path: one 64-byte Schnorr signature (SIGHASH_DEFAULT), or 65 with SIGHASH_ALL.
    if (witness.length !== 1) return false;
    const [signed] = witness;
    const hashType = signed.length === 65 ? signed[64] : SIGHASH_DEFAULT;
    if (signed.length !== 64 && !(signed.length === 65 && hashType === SIGHASH_ALL)) return false;
    const sighash = bip322SighashV1(toSpendHash, address.script, hashType);
    // The output key is the script's push (OP_1 <32 bytes>), taken as it is: btc-signer's decode
    // would check it is on the curve in pure JS (~0.3 ms), which the Schnorr check does anyway.
    const script = address.script;
    if (script.length !== 34 || script[0] !== 0x51 || script[1] !== 0x20) return false;
    return verifySchnorrSignature(
      signed.subarray(0, 64),
      sighash,
      script.subarray(2),
      schnorrVerifier,
    );
  }
  // P2WPKH, bare or P2SH-wrapped (BIP-141): [signature ‖ hash type, compressed public key].
  if (witness.length !== 2) return false;
  const [signed, publicKey] = witness;
  if (signed.length < 9 || signed[signed.length - 1] !== SIGHASH_ALL) return false;
  // BIP-143 (WITNESS_PUBKEYTYPE): a segwit v0 key is compressed; the curve checks it is a point.
  if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) return false;
  const keyHash = hash160(publicKey);
  const keyScript = OutScript.encode({ type: 'wpkh', hash: keyHash });
  const spent =
    address.type === 'p2wpkh'
      ? keyScript
      : OutScript.encode({ type: 'sh', hash: hash160(keyScript) });
  if (!Buffer.from(spent).equals(Buffer.from(address.script))) return false;
  // BIP-143: the script code of a P2WPKH input is the P2PKH script of its key hash.
  const scriptCode = OutScript.encode({ type: 'pkh', hash: keyHash });
  const sighash = bip322SighashV0(toSpendHash, scriptCode);
  return verifyDerSignature(signed.subarray(0, -1), sighash, Uint8Array.from(publicKey), curve);
}

/**
 * The check that decides a BIP-322 key-path (P2TR) signature: BIP-340 over the 32-byte BIP-341
 * sighash by the output's x-only key. A key off the curve (libsecp256k1 throws on it) or a
 * message of another length than a sighash's verifies nothing. The one place BIP-322 simple
 * decides a Schnorr signature; BIP 340's own vectors drive it (bitcoin-schnorr.bip340.spec.ts).
 */
export function verifySchnorrSignature(
  signature: Uint8Array,
  sighash: Uint8Array,
  xOnlyKey: Uint8Array,
  verifier: SchnorrVerifier = SCHNORR,
): boolean {
  if (signature.length !== 64 || sighash.length !== 32 || xOnlyKey.length !== 32) return false;
  try {
    return verifier.verify(signature, sighash, xOnlyKey);
  } catch {
    return false;
  }
}

/**
 * The ECDSA check of a segwit v0 witness signature (its hash-type byte already taken off) of a
 * 32-byte `sighash` by `publicKey`: strict DER (BIP-66) read by @noble/curves, which refuses BER
 * forms, padding and trailing bytes; then r and s in range, s in the low half (BIP-146 LOW_S) and
 * the key on the curve, by the curve implementation. False for anything that does not verify.
 * The one place BIP-322 simple decides an ECDSA signature; its Wycheproof spec drives it.
 */
export function verifyDerSignature(
  der: Uint8Array,
  sighash: Uint8Array,
  publicKey: Uint8Array,
  curve: EcdsaCurve = ECDSA,
): boolean {
  try {
    const compact = secp256k1.Signature.fromDER(der).toCompactRawBytes();
    return curve.verify(compact, sighash, publicKey);
  } catch {
    // Not DER, r or s out of range, a key off the curve: none verifies.
    return false;
  }
}

const LEGACY_MAGIC = Buffer.from('Bitcoin Signed Message:\n', 'utf8');

/** The legacy signed-message hash: double SHA-256 of the magic and the message, length-prefixed. */
export function legacyMessageHash(message: Uint8Array): Uint8Array {
  return sha256d(
    CompactSize.encode(BigInt(LEGACY_MAGIC.length)),
    LEGACY_MAGIC,
    CompactSize.encode(BigInt(message.length)),
    message,
  );
}

/**
 * The legacy format (Bitcoin Core's `signmessage`): 65 bytes, a header (27 + recovery id, plus 4
 * when the key is compressed) and the compact signature; the key recovered from it must be the
 * one the P2PKH address hashes.
 */
function verifyLegacy(
  address: BitcoinAddress,
  message: Uint8Array,
  bytes: Uint8Array,
  curve: EcdsaCurve,
): boolean {
  const publicKey = legacySigner(bytes, legacyMessageHash(message), curve);
  if (publicKey === undefined) return false;
  const script = OutScript.encode({ type: 'pkh', hash: hash160(publicKey) });
  return Buffer.from(script).equals(Buffer.from(address.script));
}

/**
 * The key that made a legacy signature of the 32-byte `hash` (SEC 1 §4.1.6 public key recovery,
 * as Bitcoin Core's `verifymessage`): in the form its header names, or undefined when the bytes
 * are no such signature or no key can be recovered. Recovery ids 2 and 3 (R's x coordinate is
 * r + n) are taken, as Bitcoin Core takes them; so is a high s, as `verifymessage` does (the
 * legacy format predates BIP-146 and is no transaction). The one place the legacy format decides
 * a signature; its Wycheproof spec drives it.
 */
export function legacySigner(
  bytes: Uint8Array,
  hash: Uint8Array,
  curve: EcdsaCurve = ECDSA,
): Uint8Array | undefined {
  if (bytes.length !== 65 || bytes[0] < 27 || bytes[0] > 34) return undefined;
  const header = bytes[0] - 27;
  try {
    return curve.recover(bytes.slice(1), header & 3, hash, header >= 4);
  } catch {
    // r or s out of range, r + n off the field, or no point with that x: nobody signed it.
    return undefined;
  }
}
