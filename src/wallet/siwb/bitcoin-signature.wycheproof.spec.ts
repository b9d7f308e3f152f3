/**
 * Project Wycheproof's secp256k1 vectors through the two layers that decide a Sign in with
 * Bitcoin ECDSA signature (verifyBitcoinSignature calls nothing else on r, s or the key):
 *
 * - BIP-322 simple, P2WPKH (bare or P2SH-wrapped): `verifyDerSignature(der, sighash, key)`.
 *   verifySimple takes the witness apart (signature ‖ hash type, compressed key), computes the
 *   BIP-143 sighash of `to_sign` and hands this function the DER bytes, the 32-byte sighash and
 *   the key. A Wycheproof signature is over SHA-256(msg), so the sighash handed over is
 *   SHA-256(msg), and the key goes in compressed (BIP-143 takes no other). Both DER files run:
 *   ecdsa_secp256k1_sha256_bitcoin_test.json (Bitcoin's variant: strict DER and low s, BIP-66 and
 *   BIP-146) must match exactly; in ecdsa_secp256k1_sha256_test.json (plain ECDSA) the valid
 *   signatures with s > n/2 are refused by the `low-s` rule (BIP-146 LOW_S, which BIP-322
 *   requires: the Bitcoin file, made for that rule, calls a high s invalid), and
 *   each of those verifies in its low-s form (r, n − s), shown below.
 * - The legacy format, P2PKH: `legacySigner(bytes, hash)`, the key Bitcoin Core's
 *   `verifymessage` recovers from the 65-byte header ‖ r ‖ s. verifyLegacy computes the hash and
 *   compares the recovered key's HASH160 with the address; here the key is compared with the
 *   vector's. The form that fits is r ‖ s: ecdsa_secp256k1_sha256_p1363_test.json, each vector
 *   with the four recovery ids, compressed (headers 31-34). Unlike Ethereum's v, the header names
 *   recovery ids 2 and 3, and `verifymessage` takes a high s (the format predates BIP-146 and is
 *   no transaction): every valid vector verifies.
 *
 * Both curve implementations run (libsecp256k1 through the binding, which production loads on
 * linux-x64, and @noble/curves, the fallback) and must answer every vector alike.
 *
 * BIP-340 Schnorr (P2TR key path) has no Wycheproof vectors: BIP 340's own run through its check
 * in bitcoin-schnorr.bip340.spec.ts.
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import {
  type WycheproofAnswer,
  type WycheproofEcKey,
  type WycheproofFile,
  type WycheproofGroup,
  type WycheproofTest,
  hexBytes,
  wycheproofTests,
} from '../../../test/support/wycheproof-vectors';
import { type WycheproofLayer, checkWycheproof } from '../../../test/support/wycheproof-suite';
import {
  type EcdsaCurve,
  NOBLE_ECDSA,
  legacySigner,
  loadNativeEcdsa,
  verifyDerSignature,
} from './bitcoin-signature';

const SIMPLE = 'SIWB, BIP-322 simple (P2WPKH)';
const LEGACY = 'SIWB, legacy (P2PKH)';
const BITCOIN_FILE = 'ecdsa_secp256k1_sha256_bitcoin_test.json';
const DER_FILE = 'ecdsa_secp256k1_sha256_test.json';
const P1363_FILE = 'ecdsa_secp256k1_sha256_p1363_test.json';

const N = secp256k1.CURVE.n;
const CURVES: readonly [string, EcdsaCurve][] = [
  ['native', loadNativeEcdsa()],
  ['noble', NOBLE_ECDSA],
];

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
const keyOf = (group: WycheproofGroup) => group.publicKey as unknown as WycheproofEcKey;
const compressed = (key: WycheproofEcKey) =>
  secp256k1.ProjectivePoint.fromHex(key.uncompressed).toRawBytes(true);

/** s of a DER signature @noble/curves reads, else undefined. */
function sOfDer(sig: string): bigint | undefined {
  try {
    return secp256k1.Signature.fromDER(sig).s;
  } catch {
    return undefined;
  }
}

function simple(curve: EcdsaCurve) {
  return (test: WycheproofTest, group: WycheproofGroup): WycheproofAnswer => {
    const sighash = sha256(hexBytes(test.msg));
    const key = compressed(keyOf(group));
    if (verifyDerSignature(hexBytes(test.sig), sighash, key, curve)) return true;
    const s = sOfDer(test.sig);
    // Why a valid signature is refused: BIP-146 LOW_S, when its low-s form (r, n − s), which is
    // what a signer sends, verifies. (The Bitcoin file calls these invalid: refused, no more.)
    if (test.result === 'valid' && s !== undefined && s > N / 2n) {
      const low = secp256k1.Signature.fromDER(test.sig);
      const lowForm = new secp256k1.Signature(low.r, N - s).toDERRawBytes();
      if (verifyDerSignature(lowForm, sighash, key, curve)) return { refusedBy: 'low-s' };
    }
    return false;
  };
}

function legacy(curve: EcdsaCurve) {
  return (test: WycheproofTest, group: WycheproofGroup): WycheproofAnswer => {
    const hash = sha256(hexBytes(test.msg));
    const key = Buffer.from(compressed(keyOf(group)));
    // Headers 31-34: 27 + 4 (compressed key) + recovery id 0-3.
    return [31, 32, 33, 34].some((header) => {
      const signer = legacySigner(Uint8Array.from([header, ...hexBytes(test.sig)]), hash, curve);
      return signer !== undefined && key.equals(signer);
    });
  };
}

/** The layer over `file` with each curve implementation, named `<curve>` (or `<file>: <curve>`). */
function onBothCurves(
  file: WycheproofFile,
  layer: (curve: EcdsaCurve) => WycheproofLayer['verdict'],
  documented: string,
  named: (curve: string) => string = (curve) => curve,
): WycheproofLayer[] {
  return CURVES.map(([curve, implementation]) => ({
    name: named(curve),
    file,
    verdict: layer(implementation),
    ...(curve === 'native' ? { documented } : {}),
  }));
}

describe('BIP-322 simple (P2WPKH) ECDSA against Project Wycheproof', () => {
  const outcomes = checkWycheproof(
    ([BITCOIN_FILE, DER_FILE] as const).flatMap((file) =>
      onBothCurves(file, simple, SIMPLE, (curve) => `${file}: ${curve}`),
    ),
  );

  it.each([BITCOIN_FILE, DER_FILE] as const)(
    '%s: libsecp256k1 and @noble/curves answer every vector alike',
    (file) => {
      expect(outcomes.get(`${file}: native`)).toEqual(outcomes.get(`${file}: noble`));
    },
  );

  it('refuses, of the plain-ECDSA vectors, exactly the valid ones with a high s', () => {
    const highS = wycheproofTests(DER_FILE)
      .filter(({ test }) => test.result === 'valid' && (sOfDer(test.sig) ?? 0n) > N / 2n)
      .map(({ test }) => test.tcId);
    expect(highS.length).toBeGreaterThan(0);
    expect(outcomes.get(`${DER_FILE}: native`)!.refusedBy).toEqual({ 'low-s': highS });
    expect(outcomes.get(`${BITCOIN_FILE}: native`)!.refusedBy).toEqual({});
  });
});

describe('the legacy signed-message format (P2PKH) against Project Wycheproof', () => {
  const outcomes = checkWycheproof(onBothCurves(P1363_FILE, legacy, LEGACY));

  it('libsecp256k1 and @noble/curves answer every vector alike', () => {
    expect(outcomes.get('native')).toEqual(outcomes.get('noble'));
  });
});
