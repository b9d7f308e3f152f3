/**
 * Project Wycheproof's vectors through the layers that decide a DPoP proof's signature, for
 * every algorithm of DPOP_SIGNING_ALGS that Wycheproof has vectors for (all of them: ES256 in
 * IEEE P1363 form as RFC 7518 §3.4 has it, EdDSA and Ed25519, RS256, PS256).
 *
 * DpopProofVerifier accepts a proof's signature through the resource-server package's ProofKeys,
 * on one of two paths:
 * - jose: `jwtVerify(proof, resolver)`, the resolver checking the header's `jwk` against the
 *   key rules (`publicKeyProblem`) and importing it with jose's `EmbeddedJWK`. jose decides the
 *   signature in its own four lines over `BASE64URL(header) '.' BASE64URL(payload)`; a vector's
 *   msg is arbitrary bytes, so `joseSignatureVerifies` (test/support/jose-signature.ts) runs those
 *   four lines, with jose's own functions and algorithm table, over the vector's msg instead.
 * - The quick path, for an ES256 proof by a key already remembered:
 *   `es256SignatureVerifies(keyObject, signingInput, signature)`, node:crypto's one-shot verify
 *   on the KeyObject of the same imported key. When it says false the proof goes to jose, so a
 *   proof is accepted iff either path accepts: both are run on every vector, and the quick path
 *   must never accept what jose refuses. Access tokens' quick path (access-token-jws.ts) runs the
 *   same check on libuv's thread pool (`es256SignatureVerifiesOffThread`): it must answer as the
 *   quick path on every vector.
 *
 * Every valid vector verifies but two, and every invalid one is refused. The two are the RS256
 * vectors of a key with e = 3 (tcIds 258, 259): the key rules refuse any RSA proof key whose
 * exponent is not 65537 before importing it (rule `rsa-exponent`: RFC 9449 §4.2 leaves the key's
 * strength to the server, and a small exponent is what Bleichenbacher's 2006 forgery needs from a
 * lax verifier). The one `acceptable` RSA vector
 * (tcId 8, a DigestInfo without its NULL) is refused: WebCrypto's OpenSSL verifies as
 * RFC 8017 §8.2.2 says, by building the encoding (with the NULL of §9.2 Note 1) and comparing.
 */
import { KeyObject } from 'node:crypto';
import {
  es256SignatureVerifies,
  es256SignatureVerifiesOffThread,
} from '@proofgate/resource-server/proof-keys';
import { EmbeddedJWK, type CryptoKey } from 'jose';
import { joseSignatureVerifies } from '../../../test/support/jose-signature';
import {
  JWS_FILES,
  type WycheproofGroup,
  hexBytes,
  publicJwkOf,
} from '../../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../../test/support/wycheproof-suite';
import { publicKeyProblem } from '../../protocol-rules/public-key-rules';
import { DPOP_SIGNING_ALGS } from './dpop-algorithms';

type DpopAlg = (typeof DPOP_SIGNING_ALGS)[number];

const FILES: Record<DpopAlg, keyof typeof JWS_FILES> = {
  ES256: 'ES256',
  EdDSA: 'EdDSA',
  Ed25519: 'EdDSA',
  RS256: 'RS256',
  PS256: 'PS256',
};

/**
 * The proof key as ProofKeys imports it from the header's `jwk`, or undefined when the key rules
 * refuse it first (ProofKeys's `weak_key`): an RSA exponent other than 65537.
 */
async function proofKey(alg: DpopAlg, group: WycheproofGroup): Promise<CryptoKey | undefined> {
  const jwk = publicJwkOf(group);
  if (publicKeyProblem(jwk) !== undefined) return undefined;
  return EmbeddedJWK({ alg, jwk }, undefined);
}

describe('DPoP proof signatures against Project Wycheproof', () => {
  /** Vectors the quick path accepted and jose refused: must stay empty. */
  const quickOnly: number[] = [];
  /** Vectors the off-thread check answered otherwise than the quick path: must stay empty. */
  const offThreadDiffers: number[] = [];
  const outcomes = checkWycheproof(
    DPOP_SIGNING_ALGS.map((alg) => ({
      name: alg,
      file: JWS_FILES[FILES[alg]],
      // DPoP takes Ed25519 under both its names: one docs row, for EdDSA.
      ...(alg === 'Ed25519'
        ? {}
        : { documented: `DPoP (${alg === 'EdDSA' ? 'EdDSA, Ed25519' : alg})` }),
      verdict: async (test, group) => {
        const key = await proofKey(alg, group);
        // RFC 9449 §4.2 leaves the key's strength to the server: e = 3 is refused unread.
        if (key === undefined) return { refusedBy: 'rsa-exponent' };
        const signingInput = hexBytes(test.msg);
        const signature = hexBytes(test.sig);
        const byJose = await joseSignatureVerifies(alg, key, signingInput, signature);
        if (alg !== 'ES256') return byJose;
        const byQuickPath = es256SignatureVerifies(KeyObject.from(key), signingInput, signature);
        if (byQuickPath && !byJose) quickOnly.push(test.tcId);
        const byOffThread = await es256SignatureVerifiesOffThread(
          KeyObject.from(key),
          signingInput,
          signature,
        );
        if (byOffThread !== byQuickPath) offThreadDiffers.push(test.tcId);
        return byQuickPath || byJose;
      },
    })),
  );

  it('refuses a valid signature only by an RSA key whose exponent is not 65537', () => {
    // rsa_signature_2048_sha256_test.json's last two groups: e = 3 (flag SmallPublicKey).
    expect(outcomes.get('RS256')!.refusedBy).toEqual({ 'rsa-exponent': [258, 259] });
    for (const alg of ['ES256', 'EdDSA', 'Ed25519', 'PS256'] as const) {
      expect(outcomes.get(alg)!.refusedBy).toEqual({});
    }
  });

  it('the ES256 quick path accepts nothing jose refuses', () => {
    expect(quickOnly).toEqual([]);
  });

  it("access tokens' off-thread check answers as the quick path on every ES256 vector", () => {
    expect(offThreadDiffers).toEqual([]);
  });

  it('EdDSA and Ed25519 answer alike', () => {
    expect(outcomes.get('Ed25519')).toEqual(outcomes.get('EdDSA'));
  });

  it('refuses the acceptable RSA vector without the DigestInfo NULL (tcId 8)', () => {
    expect(outcomes.get('RS256')!.acceptable).toEqual({ 8: 'refused' });
  });
});
