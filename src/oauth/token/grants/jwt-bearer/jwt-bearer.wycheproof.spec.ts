/**
 * Project Wycheproof's vectors through the layer that decides the signature of an ID-JAG or any
 * other JWT bearer assertion (RFC 7523 §2.1), for each algorithm of ASSERTION_ALGS Wycheproof has
 * vectors for (ES256 in IEEE P1363 form as RFC 7518 §3.4 has it, PS256, RS256, EdDSA; ES384,
 * ES512, PS384, PS512, RS384 and RS512 have none here). JwtBearerGrant verifies the assertion
 * with jose's `jwtVerify` against the trusted issuer's key set (ClientKeySets.keysAt: the fetched
 * JWK Set, checked by `publicJwksProblem`, imported by jose's `createLocalJWKSet`). jose decides
 * the signature in four lines over `BASE64URL(header) '.' BASE64URL(payload)`, which a vector's
 * msg can never be: `joseSignatureVerifies` (test/support/jose-signature.ts) runs those four lines,
 * with jose's own functions and algorithm table, over the vector's msg (shown below to answer as
 * `jwtVerify` does on real assertions).
 *
 * Every valid vector verifies but two, and every invalid one is refused. The two are the RS256
 * vectors of a key with e = 3 (tcIds 258, 259): the key rules DPoP shares
 * (`protocol-rules/public-key-rules.ts`) refuse an issuer's set holding an RSA key whose exponent
 * is not 65537.
 * The one `acceptable` RSA vector (tcId 8, a DigestInfo without its NULL) is refused: WebCrypto's
 * OpenSSL verifies as RFC 8017 §8.2.2 says, building the encoding (with the NULL of §9.2 Note 1)
 * and comparing.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  type CryptoKey,
  type JWK,
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
} from 'jose';
import { joseSignatureVerifies } from '../../../../../test/support/jose-signature';
import {
  JWS_FILES,
  type WycheproofGroup,
  hexBytes,
  publicJwkOf,
} from '../../../../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../../../../test/support/wycheproof-suite';
import { publicJwksProblem } from '../../../../protocol-rules/client-jwks';
import { ASSERTION_ALGS } from './check-assertion';

const ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA'] as const;

/**
 * The issuer's key, as the grant's key set imports it from the issuer's JWK Set; undefined when
 * the key rules (`publicJwksProblem`: RSA e = 65537) refuse the set before any signature is read.
 */
async function issuerKey(alg: string, group: WycheproofGroup): Promise<CryptoKey | undefined> {
  const jwks = { keys: [publicJwkOf(group)] };
  if (publicJwksProblem(jwks) !== undefined) return undefined;
  return createLocalJWKSet(jwks)({ alg }, { payload: '', signature: '' });
}

describe('JWT bearer assertion (ID-JAG) signatures against Project Wycheproof', () => {
  const outcomes = checkWycheproof(
    ALGS.map((alg) => ({
      name: alg,
      file: JWS_FILES[alg],
      documented: `ID-JAG / JWT bearer (${alg})`,
      verdict: async (test, group) => {
        const key = await issuerKey(alg, group);
        // The issuer's set is refused unread: an RSA exponent other than 65537.
        if (key === undefined) return { refusedBy: 'rsa-exponent' };
        return joseSignatureVerifies(alg, key, hexBytes(test.msg), hexBytes(test.sig));
      },
    })),
  );

  it('runs every algorithm of ASSERTION_ALGS that Wycheproof has vectors for', () => {
    expect(ASSERTION_ALGS.filter((alg) => alg in JWS_FILES)).toEqual([...ALGS]);
  });

  it('refuses a valid signature only by an RSA key whose exponent is not 65537', () => {
    for (const [alg, outcome] of outcomes) {
      expect(outcome.refusedBy).toEqual(alg === 'RS256' ? { 'rsa-exponent': [258, 259] } : {});
    }
  });

  it('refuses the acceptable RSA vector without the DigestInfo NULL (tcId 8)', () => {
    expect(outcomes.get('RS256')!.acceptable).toEqual({ 8: 'refused' });
  });

  describe('the layer driven answers as jwtVerify on a real assertion', () => {
    /** Signing keys (one RSA key for RS256 and PS256: generating one costs ~0.3 s). */
    const signers = new Map<string, { privateKey: CryptoKey | Uint8Array; publicJwk: JWK }>();
    beforeAll(async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const rsaPrivate = rsa.privateKey.export({ format: 'jwk' }) as JWK;
      const rsaPublic = rsa.publicKey.export({ format: 'jwk' }) as JWK;
      for (const alg of ALGS) {
        if (alg === 'RS256' || alg === 'PS256') {
          signers.set(alg, { privateKey: await importJWK(rsaPrivate, alg), publicJwk: rsaPublic });
        } else {
          const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
          signers.set(alg, { privateKey, publicJwk: await exportJWK(publicKey) });
        }
      }
    });

    it.each(ALGS)('%s', async (alg) => {
      const { privateKey, publicJwk } = signers.get(alg)!;
      const jwt = await new SignJWT({ sub: 'workload' })
        .setProtectedHeader({ alg })
        .sign(privateKey);
      const [header, payload, signature] = jwt.split('.');
      const tampered = Buffer.from(signature, 'base64url');
      tampered[tampered.length - 1] ^= 1;
      const key = await createLocalJWKSet({ keys: [publicJwk] })(
        { alg },
        { payload: '', signature: '' },
      );
      for (const [sig, verifies] of [
        [Buffer.from(signature, 'base64url'), true],
        [tampered, false],
      ] as const) {
        const byJwtVerify = await jwtVerify(
          `${header}.${payload}.${sig.toString('base64url')}`,
          key,
        )
          .then(() => true)
          .catch(() => false);
        const input = Buffer.from(`${header}.${payload}`, 'ascii');
        expect(byJwtVerify).toBe(verifies);
        await expect(joseSignatureVerifies(alg, key, input, sig)).resolves.toBe(verifies);
      }
    });
  });
});
