import { createHash, randomBytes } from 'node:crypto';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import {
  NETWORK,
  OutScript,
  RawWitness,
  Script,
  TEST_NETWORK,
  Transaction,
  WIF,
  p2pkh,
  p2sh,
  p2tr,
  p2wpkh,
} from '@scure/btc-signer';
import {
  bip322MessageHash,
  bip322SighashV0,
  bip322SighashV1,
  bip322ToSpendTxid,
  ECDSA,
  NOBLE_SCHNORR,
  SCHNORR,
  type SchnorrVerifier,
  loadWasmSchnorr,
  type EcdsaCurve,
  NOBLE_ECDSA,
  legacyMessageHash,
  loadNativeEcdsa,
  readBitcoinAddress,
  verifyBitcoinSignature,
} from './bitcoin-signature';
import { bip322ToSpend } from '../../lab-client/siwb-scenarios';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const TESTNET = 'bip122:000000000933ea01ad0ee984209779ba';

/** BIP-322 §Test vectors: the key and its P2WPKH address. */
const VECTOR_KEY = 'L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k';
const VECTOR_P2WPKH = 'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l';
/** The same key's P2TR address (Bitcoin Core's message tests). */
const VECTOR_P2TR = 'bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3';

const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'utf8'));
const hex = (value: Uint8Array) => Buffer.from(value).toString('hex');
const txid = (raw: Uint8Array) =>
  hex(createHash('sha256').update(createHash('sha256').update(raw).digest()).digest().reverse());

/**
 * BIP-322 `to_sign` of the simple format, built with @scure/btc-signer's Transaction (as the lab's
 * wallets do): the reference the verifier's field-by-field sighashes are checked against.
 */
function bip322ToSign(script: Uint8Array, message: Uint8Array): Transaction {
  const toSign = new Transaction({ version: 0, lockTime: 0, allowUnknownOutputs: true });
  toSign.addInput({ txid: bip322ToSpendTxid(script, message), index: 0, sequence: 0 });
  toSign.addOutput({ script: Script.encode(['RETURN']), amount: 0n });
  return toSign;
}

const NATIVE_ECDSA = loadNativeEcdsa();
const WASM_SCHNORR = loadWasmSchnorr();

function verifiesWith(
  curve: EcdsaCurve,
  schnorrVerifier: SchnorrVerifier,
  address: string,
  message: string,
  signature: string,
): boolean | 'malformed' {
  try {
    verifyBitcoinSignature(
      readBitcoinAddress(address)!,
      message,
      signature,
      curve,
      schnorrVerifier,
    );
    return true;
  } catch (error) {
    return (error as { error?: string }).error === 'invalid_request' ? 'malformed' : false;
  }
}

/** The answer for the signature, the same by libsecp256k1 and by @noble/curves. */
function verifies(address: string, message: string, signature: string): boolean | 'malformed' {
  const native = verifiesWith(NATIVE_ECDSA, WASM_SCHNORR, address, message, signature);
  expect(verifiesWith(NOBLE_ECDSA, NOBLE_SCHNORR, address, message, signature)).toBe(native);
  return native;
}

describe('BIP-322 test vectors', () => {
  it('hash messages with the BIP0322-signed-message tag', () => {
    expect(hex(bip322MessageHash(bytes('')))).toBe(
      'c90c269c4f8fcbe6880f72a721ddfbf1914268a794cbb21cfafee13770ae19f1',
    );
    expect(hex(bip322MessageHash(bytes('Hello World')))).toBe(
      'f0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a',
    );
  });

  it('build the to_spend and to_sign transactions of the BIP text', () => {
    const script = readBitcoinAddress(VECTOR_P2WPKH)!.script;
    expect(hex(bip322ToSpendTxid(script, bytes('')))).toBe(
      'c5680aa69bb8d860bf82d4e9cd3504b55dde018de765a91bb566283c545a99a7',
    );
    expect(hex(bip322ToSpendTxid(script, bytes('Hello World')))).toBe(
      'b79d196740ad5217771c1098fc4a4b51e0535c32236c71f1ea4d61a2d603352b',
    );
    // A txid is of the transaction without its witness.
    expect(txid(bip322ToSign(script, bytes('')).unsignedTx)).toBe(
      '1e9654e951a5ba44c8604c4de6c67fd78a27e81dcadcfe1edf638ba3aaebaed6',
    );
    expect(txid(bip322ToSign(script, bytes('Hello World')).unsignedTx)).toBe(
      '88737ae86f2077145f93cc4b153ae9a1cb8d56afa511988c149c5c8c9d93bddf',
    );
  });

  it.each([
    [
      '',
      'AkcwRAIgM2gBAQqvZX15ZiysmKmQpDrG83avLIT492QBzLnQIxYCIBaTpOaD20qRlEylyxFSeEA2ba9YOixpX8z46TSDtS40ASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=',
    ],
    [
      '',
      'AkgwRQIhAPkJ1Q4oYS0htvyuSFHLxRQpFAY56b70UvE7Dxazen0ZAiAtZfFz1S6T6I23MWI2lK/pcNTWncuyL8UL+oMdydVgzAEhAsfxIAMZZEKUPYWI4BruhAQjzFT8FSFSajuFwrDL1Yhy',
    ],
    [
      'Hello World',
      'AkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=',
    ],
    [
      'Hello World',
      'AkgwRQIhAOzyynlqt93lOKJr+wmmxIens//zPzl9tqIOua93wO6MAiBi5n5EyAcPScOjf1lAqIUIQtr3zKNeavYabHyR8eGhowEhAsfxIAMZZEKUPYWI4BruhAQjzFT8FSFSajuFwrDL1Yhy',
    ],
  ])('verify the P2WPKH simple signature of %j, and not of another message', (message, sig) => {
    expect(verifies(VECTOR_P2WPKH, message, sig)).toBe(true);
    expect(verifies(VECTOR_P2WPKH, `${message}!`, sig)).toBe(false);
  });

  it('verify the P2TR simple signature of "Hello World" (SIGHASH_ALL)', () => {
    const sig =
      'AUHd69PrJQEv+oKTfZ8l+WROBHuy9HKrbFCJu7U1iK2iiEy1vMU5EfMtjc+VSHM7aU0SDbak5IUZRVno2P5mjSafAQ==';
    expect(verifies(VECTOR_P2TR, 'Hello World', sig)).toBe(true);
    expect(verifies(VECTOR_P2TR, 'Hello World!', sig)).toBe(false);
    expect(verifies(VECTOR_P2WPKH, 'Hello World', sig)).toBe(false);
  });

  it("verify bitcoinjs-message's legacy P2PKH example, and not another message", () => {
    const sig =
      'H9L5yLFjti0QTHhPyFrZCT1V/MMnBtXKmoiKDZ78NDBjERki6ZTQZdSMCtkgoNmp17By9ItJr8o7ChX0XxY91nk=';
    const message = 'This is an example of a signed message.';
    expect(verifies('1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV', message, sig)).toBe(true);
    expect(verifies('1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV', `${message}!`, sig)).toBe(false);
  });

  it("compute to_spend's txid as @scure/btc-signer's RawTx encodes it, and message_hash as @noble/curves' taggedHash", () => {
    for (let i = 0; i < 20; i++) {
      const script = Uint8Array.from(randomBytes(i * 7 + 20));
      const message = Uint8Array.from(randomBytes(i * 31));
      const messageHash = schnorr.utils.taggedHash('BIP0322-signed-message', message);
      expect(hex(bip322MessageHash(message))).toBe(hex(messageHash));
      const toSpend = bip322ToSpend(script, messageHash);
      expect(hex(bip322ToSpendTxid(script, message))).toBe(txid(toSpend));
    }
  });

  it("compute to_sign's sighashes as @scure/btc-signer's Transaction does (BIP-143, BIP-341)", () => {
    const scripts = [
      readBitcoinAddress(VECTOR_P2WPKH)!.script,
      readBitcoinAddress(VECTOR_P2TR)!.script,
      ...Array.from({ length: 20 }, (_, i) => Uint8Array.from(randomBytes(i + 20))),
    ];
    for (const [i, script] of scripts.entries()) {
      const message = Uint8Array.from(randomBytes(i * 13));
      const toSpend = Uint8Array.from(bip322ToSpendTxid(script, message)).reverse();
      const toSign = bip322ToSign(script, message);
      const keyHash = Uint8Array.from(randomBytes(20));
      const scriptCode = OutScript.encode({ type: 'pkh', hash: keyHash });
      expect(hex(bip322SighashV0(toSpend, scriptCode))).toBe(
        hex(toSign.preimageWitnessV0(0, scriptCode, 0x01, 0n)),
      );
      for (const hashType of [0x00, 0x01]) {
        expect(hex(bip322SighashV1(toSpend, script, hashType))).toBe(
          hex(toSign.preimageWitnessV1(0, [script], hashType, [0n])),
        );
      }
    }
  });

  it('derive the vector addresses from the vector key', () => {
    const key = WIF().decode(VECTOR_KEY);
    expect(p2wpkh(secp256k1.getPublicKey(key, true)).address).toBe(VECTOR_P2WPKH);
    expect(p2tr(schnorr.getPublicKey(key)).address).toBe(VECTOR_P2TR);
  });
});

/** A wallet's BIP-322 simple signature, made with @scure/btc-signer's own signer. */
function signSimple(
  key: Uint8Array,
  address: string,
  message: string,
  spending: { redeemScript?: Uint8Array; tapInternalKey?: Uint8Array } = {},
) {
  const { script } = readBitcoinAddress(address)!;
  const toSign = bip322ToSign(script, bytes(message));
  const signer = new Transaction({ version: 0, allowUnknownOutputs: true });
  // A signer needs the spent output; the verifier's to_sign leaves it out (it is no part of the tx).
  signer.addInput({
    ...toSign.getInput(0),
    witnessUtxo: { script, amount: 0n },
    ...spending,
  });
  signer.addOutput(toSign.getOutput(0));
  signer.signIdx(key, 0);
  signer.finalize();
  return Buffer.from(RawWitness.encode(signer.getInput(0).finalScriptWitness!)).toString('base64');
}

/** A legacy signed message (Bitcoin Core's signmessage): header, then r ‖ s. */
function signLegacy(key: Uint8Array, message: string, compressed = true): string {
  const signature = secp256k1.sign(legacyMessageHash(bytes(message)), key);
  const header = 27 + signature.recovery + (compressed ? 4 : 0);
  return Buffer.from([header, ...signature.toCompactRawBytes()]).toString('base64');
}

describe('the curve implementations', () => {
  it('are libsecp256k1 where its binding loads, as for SIWE, and its WebAssembly build for BIP-340', () => {
    expect(ECDSA.name).toBe('native');
    expect(SCHNORR.name).toBe('wasm');
  });

  it('agree on random BIP-340 signatures, tampered ones and keys off the curve', () => {
    const offCurve = new Uint8Array(32).fill(0xff);
    for (let i = 0; i < 50; i++) {
      const key = schnorr.utils.randomPrivateKey();
      const publicKey = schnorr.getPublicKey(key);
      const message = Uint8Array.from(createHash('sha256').update(String(i)).digest());
      const signature = schnorr.sign(message, key);
      const tampered = Uint8Array.from(signature);
      tampered[i % 64] ^= 1;
      const answers = (sig: Uint8Array, pub: Uint8Array) => {
        const wasm = (() => {
          try {
            return WASM_SCHNORR.verify(sig, message, pub);
          } catch {
            return false;
          }
        })();
        expect(NOBLE_SCHNORR.verify(sig, message, pub)).toBe(wasm);
        return wasm;
      };
      expect(answers(signature, publicKey)).toBe(true);
      expect(answers(tampered, publicKey)).toBe(false);
      expect(answers(signature, offCurve)).toBe(false);
    }
  });

  it('agree on random signatures, high s and bad keys', () => {
    for (let i = 0; i < 50; i++) {
      const key = secp256k1.utils.randomPrivateKey();
      const hash = Uint8Array.from(createHash('sha256').update(String(i)).digest());
      const signature = secp256k1.sign(hash, key);
      const low = signature.toCompactRawBytes();
      const high = new secp256k1.Signature(
        signature.r,
        secp256k1.CURVE.n - signature.s,
      ).toCompactRawBytes();
      for (const compressed of [true, false]) {
        const publicKey = secp256k1.getPublicKey(key, compressed);
        expect(NATIVE_ECDSA.verify(low, hash, publicKey)).toBe(true);
        expect(NOBLE_ECDSA.verify(low, hash, publicKey)).toBe(true);
        // BIP-322 LOW_S: the high-s twin of a valid signature is refused by both.
        expect(NATIVE_ECDSA.verify(high, hash, publicKey)).toBe(false);
        expect(NOBLE_ECDSA.verify(high, hash, publicKey)).toBe(false);
        expect(NATIVE_ECDSA.recover(low, signature.recovery, hash, compressed)).toEqual(
          NOBLE_ECDSA.recover(low, signature.recovery, hash, compressed),
        );
      }
    }
  });
});

describe('signatures of every address type, made by @scure/btc-signer', () => {
  const key = secp256k1.utils.randomPrivateKey();
  const other = secp256k1.utils.randomPrivateKey();
  const publicKey = secp256k1.getPublicKey(key, true);
  const message = 'app.example.com wants you to sign in with your Bitcoin account:';

  it('P2WPKH (bc1q…), BIP-322 simple', () => {
    const address = p2wpkh(publicKey).address;
    expect(verifies(address, message, signSimple(key, address, message))).toBe(true);
    // Another key's signature of the same message, for its own address.
    const otherAddress = p2wpkh(secp256k1.getPublicKey(other, true)).address;
    expect(verifies(address, message, signSimple(other, otherAddress, message))).toBe(false);
  });

  it('P2TR (bc1p…), BIP-322 simple, key path', () => {
    const address = p2tr(schnorr.getPublicKey(key)).address;
    const signature = signSimple(key, address, message, {
      tapInternalKey: schnorr.getPublicKey(key),
    });
    expect(Buffer.from(signature, 'base64')).toHaveLength(66);
    expect(verifies(address, message, signature)).toBe(true);
    expect(verifies(address, `${message} `, signature)).toBe(false);
  });

  it('P2SH-P2WPKH (3…), BIP-322 simple', () => {
    const inner = p2wpkh(publicKey);
    const address = p2sh(inner).address;
    expect(address.startsWith('3')).toBe(true);
    const signed = signSimple(key, address, message, { redeemScript: inner.script });
    expect(verifies(address, message, signed)).toBe(true);
    const otherInner = p2wpkh(secp256k1.getPublicKey(other, true));
    const otherAddress = p2sh(otherInner).address;
    const forged = signSimple(other, otherAddress, message, { redeemScript: otherInner.script });
    expect(verifies(otherAddress, message, forged)).toBe(true);
    expect(verifies(address, message, forged)).toBe(false);
  });

  it('P2PKH (1…), the legacy format, with a compressed or an uncompressed key', () => {
    const compressed = p2pkh(publicKey).address;
    const uncompressed = p2pkh(secp256k1.getPublicKey(key, false)).address;
    expect(verifies(compressed, message, signLegacy(key, message))).toBe(true);
    expect(verifies(uncompressed, message, signLegacy(key, message, false))).toBe(true);
    // The header says which key the address hashes: the other form is another address.
    expect(verifies(compressed, message, signLegacy(key, message, false))).toBe(false);
    expect(verifies(compressed, message, signLegacy(other, message))).toBe(false);
  });

  it('refuses the legacy format for a segwit address, and BIP-322 simple for P2PKH', () => {
    const segwit = p2wpkh(publicKey).address;
    expect(verifies(segwit, message, signLegacy(key, message))).toBe(false);
    const legacy = p2pkh(publicKey).address;
    expect(verifies(legacy, message, signSimple(key, segwit, message))).toBe(false);
  });

  it('tells a malformed text (400) from a well-formed wrong signature (401)', () => {
    const address = p2wpkh(publicKey).address;
    expect(verifies(address, message, 'not base64!')).toBe('malformed');
    expect(verifies(address, message, `0x${'ab'.repeat(32)}`)).toBe('malformed');
    // Stray bits in the last character: base64 alphabet, not the encoding of any bytes.
    expect(verifies(address, message, 'AAB=')).toBe('malformed');
    expect(verifies(address, message, 'AAAA=')).toBe('malformed');
    // Base64 of bytes that are no witness, or a witness of the wrong shape: a wrong signature.
    expect(verifies(address, message, 'AAAA')).toBe(false);
    expect(verifies(address, message, Buffer.alloc(65, 7).toString('base64'))).toBe(false);
    expect(verifies(address, message, Buffer.from(RawWitness.encode([])).toString('base64'))).toBe(
      false,
    );
  });

  it('reads addresses per network, and only the types wallets sign in with', () => {
    expect(readBitcoinAddress(p2wpkh(publicKey).address)).toMatchObject({
      chain: MAINNET,
      type: 'p2wpkh',
    });
    expect(readBitcoinAddress(p2wpkh(publicKey, TEST_NETWORK).address)).toMatchObject({
      chain: TESTNET,
      type: 'p2wpkh',
    });
    expect(readBitcoinAddress(p2pkh(publicKey, TEST_NETWORK).address)?.chain).toBe(TESTNET);
    expect(
      readBitcoinAddress(p2tr(schnorr.getPublicKey(key), undefined, NETWORK).address),
    ).toMatchObject({
      type: 'p2tr',
    });
    // Upper-case bech32 (valid per BIP-173) is refused: one address, one text.
    expect(readBitcoinAddress(VECTOR_P2WPKH.toUpperCase())).toBeUndefined();
    // A P2WSH address (a script, not a key) and a broken checksum.
    expect(
      readBitcoinAddress('bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3'),
    ).toBeUndefined();
    expect(readBitcoinAddress(VECTOR_P2WPKH.replace(/l$/, 'm'))).toBeUndefined();
    expect(readBitcoinAddress(`0x${'ab'.repeat(20)}`)).toBeUndefined();
  });
});
