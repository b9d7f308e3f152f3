/**
 * BIP 340's own test vectors (test/vectors/bip340/, bitcoin/bips; Project Wycheproof has none for
 * BIP-340 Schnorr) through the function that decides a Sign in with Bitcoin Taproot (P2TR)
 * signature: `verifySchnorrSignature(signature, sighash, xOnlyKey)`. verifySimple takes the
 * witness apart, computes the BIP-341 sighash of `to_sign` (always 32 bytes) and hands this
 * function the 64-byte signature, the sighash and the output's x-only key; nothing else reads
 * them. A vector's message stands for the sighash.
 *
 * Both implementations the service may load run (libsecp256k1 through tiny-secp256k1's
 * WebAssembly, which production loads, and @noble/curves, the fallback) and must answer alike.
 * Every `FALSE` row is refused (a key off the curve or past the field size, R with an odd y, a
 * negated message or s, sG − eP at infinity, r or s out of range). Every `TRUE` row with a 32-byte
 * message verifies; the four with other lengths (0, 1, 17 and 100 bytes: rows 15 to 18, BIP 340's
 * variable-length messages) are refused by the rule `message-length`: a BIP-322 signature only
 * ever signs a 32-byte sighash, so no such message reaches the check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOBLE_SCHNORR, loadWasmSchnorr, verifySchnorrSignature } from './bitcoin-signature';

interface Bip340Vector {
  readonly index: number;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly valid: boolean;
  readonly comment: string;
}

const HEADER = 'index,secret key,public key,aux_rand,message,signature,verification result,comment';
const FILE = join(__dirname, '../../../test/vectors/bip340/test-vectors.csv');

function bip340Vectors(): Bip340Vector[] {
  // Upstream's file has CRLF line ends.
  const [header, ...rows] = readFileSync(FILE, 'utf8').trim().split(/\r?\n/);
  if (header !== HEADER) throw new Error(`${FILE}: not BIP 340's columns: ${header}`);
  return rows.map((row) => {
    const [index, , publicKey, , message, signature, result, ...comment] = row.split(',');
    return {
      index: Number(index),
      publicKey: Buffer.from(publicKey, 'hex'),
      message: Buffer.from(message, 'hex'),
      signature: Buffer.from(signature, 'hex'),
      valid: result === 'TRUE',
      comment: comment.join(','),
    };
  });
}

describe('SIWB Taproot (BIP-340 Schnorr) signatures against BIP 340’s test vectors', () => {
  const vectors = bip340Vectors();
  const verifiers = [
    ['wasm (libsecp256k1)', loadWasmSchnorr()],
    ['noble', NOBLE_SCHNORR],
  ] as const;

  it('reads every row of the file: 9 TRUE, 10 FALSE', () => {
    expect(vectors.map((v) => v.index)).toEqual([...Array(19).keys()]);
    expect(vectors.filter((v) => v.valid)).toHaveLength(9);
    expect(vectors.filter((v) => !v.valid)).toHaveLength(10);
  });

  describe.each(verifiers)('%s', (_name, verifier) => {
    const answers = vectors.map((v) => ({
      vector: v,
      verified: verifySchnorrSignature(v.signature, v.message, v.publicKey, verifier),
    }));

    it('verifies every TRUE row of a 32-byte message', () => {
      const wrong = answers.filter(
        ({ vector, verified }) => vector.valid && vector.message.length === 32 && !verified,
      );
      expect(wrong.map(({ vector }) => vector.index)).toEqual([]);
      expect(
        answers
          .filter(({ vector, verified }) => vector.valid && verified)
          .map((a) => a.vector.index),
      ).toEqual([0, 1, 2, 3, 4]);
    });

    it('refuses every FALSE row', () => {
      const accepted = answers.filter(({ vector, verified }) => !vector.valid && verified);
      expect(accepted.map(({ vector }) => `${vector.index} ${vector.comment}`)).toEqual([]);
    });

    it('refuses the TRUE rows of other message lengths by the rule message-length', () => {
      const refused = answers.filter(({ vector, verified }) => vector.valid && !verified);
      expect(refused.map(({ vector }) => [vector.index, vector.message.length])).toEqual([
        [15, 0],
        [16, 1],
        [17, 17],
        [18, 100],
      ]);
    });
  });
});
