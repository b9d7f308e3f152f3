import { createHash } from 'node:crypto';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import {
  Address,
  CompactSize,
  NETWORK,
  OutScript,
  RawTx,
  RawWitness,
  Script,
  TEST_NETWORK,
  Transaction,
  p2pkh,
  p2sh,
  p2wpkh,
} from '@scure/btc-signer';
import { BITCOIN_CHAINS, type BitcoinChainId } from '../../config/sections/wallet.config';
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
        ? verifyLegacy(address, text, bytes)
        : verifySimple(address, text, bytes);
  } catch {
    // A witness that does not decode, a key off the curve, a non-DER signature: none verifies.
    valid = false;
  }
  if (!valid) throw new InvalidSignature('The signature is not valid for the message address');
}

/** BIP-322 §Full: `message_hash`, the BIP-340 tagged hash of the message bytes. */
export function bip322MessageHash(message: Uint8Array): Uint8Array {
  return schnorr.utils.taggedHash('BIP0322-signed-message', message);
}

function sha256d(...parts: Uint8Array[]): Uint8Array {
  const once = createHash('sha256');
  for (const part of parts) once.update(part);
  return Uint8Array.from(createHash('sha256').update(once.digest()).digest());
}

/** BIP-322 `to_spend`'s txid, in the order txids are shown (and btc-signer's inputs take them). */
export function bip322ToSpendTxid(messageChallenge: Uint8Array, message: Uint8Array): Uint8Array {
  const toSpend = RawTx.encode({
    version: 0,
    segwitFlag: false,
    inputs: [
      {
        txid: new Uint8Array(32),
        index: 0xffffffff,
        finalScriptSig: Script.encode(['OP_0', bip322MessageHash(message)]),
        sequence: 0,
      },
    ],
    outputs: [{ amount: 0n, script: messageChallenge }],
    witnesses: [],
    lockTime: 0,
  });
  return sha256d(toSpend).reverse();
}

/**
 * BIP-322 `to_sign` of the simple format: version 0, lock time 0, one input spending `to_spend`'s
 * output with sequence 0, one OP_RETURN output of no value. Its witness is the signature, which
 * no sighash covers, so it is left out.
 */
export function bip322ToSign(messageChallenge: Uint8Array, message: Uint8Array): Transaction {
  const toSign = new Transaction({ version: 0, lockTime: 0, allowUnknownOutputs: true });
  toSign.addInput({
    txid: bip322ToSpendTxid(messageChallenge, message),
    index: 0,
    sequence: 0,
    witnessUtxo: { script: messageChallenge, amount: 0n },
  });
  toSign.addOutput({ script: Script.encode(['RETURN']), amount: 0n });
  return toSign;
}

/**
 * BIP-322 simple: the witness stack that spends `to_spend`'s output in `to_sign`, checked as the
 * script interpreter would for the address's one script form, with BIP-322's required rules:
 * SIGHASH_ALL (taproot's default is the same), strict DER and low S, no other stack items.
 */
function verifySimple(address: BitcoinAddress, message: Uint8Array, bytes: Uint8Array): boolean {
  const witness = RawWitness.decode(bytes);
  const toSign = bip322ToSign(address.script, message);
  if (address.type === 'p2tr') {
    // BIP-341 key path: one 64-byte Schnorr signature (SIGHASH_DEFAULT), or 65 with SIGHASH_ALL.
    if (witness.length !== 1) return false;
    const [signed] = witness;
    const hashType = signed.length === 65 ? signed[64] : SIGHASH_DEFAULT;
    if (signed.length !== 64 && !(signed.length === 65 && hashType === SIGHASH_ALL)) return false;
    const sighash = toSign.preimageWitnessV1(0, [address.script], hashType, [0n]);
    const outputKey = OutScript.decode(address.script);
    return (
      outputKey.type === 'tr' && schnorr.verify(signed.subarray(0, 64), sighash, outputKey.pubkey)
    );
  }
  // P2WPKH, bare or P2SH-wrapped (BIP-141): [signature ‖ hash type, compressed public key].
  if (witness.length !== 2) return false;
  const [signed, publicKey] = witness;
  if (signed.length < 9 || signed[signed.length - 1] !== SIGHASH_ALL) return false;
  const keyScript = p2wpkh(publicKey);
  const spent = address.type === 'p2wpkh' ? keyScript : p2sh(keyScript);
  if (!Buffer.from(spent.script).equals(Buffer.from(address.script))) return false;
  // BIP-143: the script code of a P2WPKH input is the P2PKH script of its key hash.
  const scriptCode = p2pkh(publicKey).script;
  const sighash = toSign.preimageWitnessV0(0, scriptCode, SIGHASH_ALL, 0n);
  return secp256k1.verify(signed.subarray(0, -1), sighash, publicKey, {
    format: 'der',
    lowS: true,
  });
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
function verifyLegacy(address: BitcoinAddress, message: Uint8Array, bytes: Uint8Array): boolean {
  if (bytes.length !== 65 || bytes[0] < 27 || bytes[0] > 34) return false;
  const header = bytes[0] - 27;
  const publicKey = secp256k1.Signature.fromCompact(bytes.subarray(1))
    .addRecoveryBit(header & 3)
    .recoverPublicKey(legacyMessageHash(message))
    .toRawBytes(header >= 4);
  return Buffer.from(p2pkh(publicKey).script).equals(Buffer.from(address.script));
}
