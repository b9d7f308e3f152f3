/**
 * Project Wycheproof's vectors through the layer that decides a `private_key_jwt` client
 * assertion's signature, for each algorithm of CLIENT_ASSERTION_ALGS (ES256 in IEEE P1363 form as
 * RFC 7518 §3.4 has it, PS256, RS256, EdDSA): `signatureVerifies(alg, keyObject, data, signature)`.
 * verifyAssertionJws picks the key from the client's set (jose's local JWK set, which imports the
 * registered JWK) and hands this function the KeyObject of that CryptoKey, the signing input
 * `BASE64URL(header) '.' BASE64URL(payload)` and the decoded signature; nothing else looks at the
 * signature. A vector's msg stands for the signing input (any bytes to node:crypto), and its key
 * is registered as a client would register it: a JWK that `publicJwksProblem` accepts, imported by
 * `createLocalJWKSet` for the header's `alg`.
 *
 * Every valid vector verifies but two, and every invalid one is refused. The two are the RS256
 * vectors of a key with e = 3 (tcIds 258, 259): the key rules DPoP shares
 * (`protocol-rules/public-key-rules.ts`) refuse to register an RSA key whose exponent is not 65537. The one `acceptable` RSA vector (tcId 8, a DigestInfo without its NULL) is refused:
 * OpenSSL verifies as RFC 8017 §8.2.2 says, building the encoding (with the NULL of §9.2 Note 1)
 * and comparing.
 */
import { KeyObject } from 'node:crypto';
import { createLocalJWKSet } from 'jose';
import {
  JWS_FILES,
  type WycheproofGroup,
  hexBytes,
  publicJwkOf,
} from '../../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../../test/support/wycheproof-suite';
import { CLIENT_ASSERTION_ALGS, publicJwksProblem } from '../../protocol-rules/client-jwks';
import { type AssertionAlg, signatureVerifies } from './assertion-jws';

/**
 * The key a client registered, as verifyAssertionJws gets it from the client's key set; undefined
 * when the key rules (`publicJwksProblem`: RSA e = 65537) refuse the set at registration.
 */
async function registeredKey(
  alg: AssertionAlg,
  group: WycheproofGroup,
): Promise<KeyObject | undefined> {
  const jwks = { keys: [publicJwkOf(group)] };
  if (publicJwksProblem(jwks) !== undefined) return undefined;
  const key = await createLocalJWKSet(jwks)({ alg }, { payload: '', signature: '' });
  return KeyObject.from(key);
}

describe('client assertion signatures against Project Wycheproof', () => {
  const outcomes = checkWycheproof(
    CLIENT_ASSERTION_ALGS.map((alg) => ({
      name: alg,
      file: JWS_FILES[alg],
      documented: `Client assertions (${alg})`,
      verdict: async (test, group) => {
        const key = await registeredKey(alg, group);
        // Its registration is refused: an RSA exponent other than 65537.
        if (key === undefined) return { refusedBy: 'rsa-exponent' };
        return signatureVerifies(
          alg,
          key,
          Buffer.from(hexBytes(test.msg)),
          Buffer.from(hexBytes(test.sig)),
        );
      },
    })),
  );

  it('refuses a valid signature only by an RSA key whose exponent is not 65537', () => {
    for (const [alg, outcome] of outcomes) {
      expect(outcome.refusedBy).toEqual(alg === 'RS256' ? { 'rsa-exponent': [258, 259] } : {});
    }
  });

  it('refuses the acceptable RSA vector without the DigestInfo NULL (tcId 8)', () => {
    expect(outcomes.get('RS256')!.acceptable).toEqual({ 8: 'refused' });
  });
});
