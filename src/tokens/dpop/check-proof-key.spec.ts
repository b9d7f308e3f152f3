import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { InvalidDpopProof } from './dpop.errors';
import { checkProofKey } from './check-proof-key';

function rsaJwk(modulusLength: number, publicExponent = 65537): JWK {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
  return publicKey.export({ format: 'jwk' });
}

/** A syntactic RSA JWK whose modulus has exactly `bits` bits (the top one set). */
function modulusOf(bits: number, leadingZeroBytes = 0): JWK {
  const bytes = Buffer.alloc(leadingZeroBytes + Math.ceil(bits / 8), 0xff);
  bytes.fill(0, 0, leadingZeroBytes);
  bytes[leadingZeroBytes] = 0xff >> ((8 - (bits % 8)) % 8);
  return { kty: 'RSA', e: 'AQAB', n: bytes.toString('base64url') };
}

function refusal(jwk: unknown): string | undefined {
  try {
    checkProofKey(jwk);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidDpopProof)) throw error;
    expect(error.reason).toBe('weak_key');
    return error.description;
  }
}

const EXPONENT =
  'The DPoP proof key is refused: an RSA key must use the public exponent 65537 (AQAB)';
const SIZE = 'The DPoP proof key is refused: an RSA modulus must be 2048 to 4096 bits';

describe('checkProofKey (RSA proof keys: e = 65537, 2048-4096 bits)', () => {
  it('accepts real 2048- and 3072-bit keys with e = 65537', () => {
    expect(refusal(rsaJwk(2048))).toBeUndefined();
    expect(refusal(rsaJwk(3072))).toBeUndefined();
  });

  it('refuses any other exponent: 3, 17, a padded 65537, none', () => {
    expect(refusal(rsaJwk(2048, 3))).toBe(EXPONENT);
    expect(refusal(rsaJwk(2048, 17))).toBe(EXPONENT);
    expect(refusal({ ...rsaJwk(2048), e: 'AAEAAQ' })).toBe(EXPONENT);
    const withoutE: JWK = rsaJwk(2048);
    delete withoutE.e;
    expect(refusal(withoutE)).toBe(EXPONENT);
  });

  it('counts the modulus in bits, at both edges, leading zero bytes aside', () => {
    expect(refusal(modulusOf(2048))).toBeUndefined();
    expect(refusal(modulusOf(4096))).toBeUndefined();
    expect(refusal(modulusOf(4096, 1))).toBeUndefined();
    expect(refusal(modulusOf(2047))).toBe(SIZE);
    expect(refusal(modulusOf(4097))).toBe(SIZE);
    expect(refusal(modulusOf(1024))).toBe(SIZE);
    expect(refusal(modulusOf(8192))).toBe(SIZE);
  });

  it('refuses a modulus that is missing, empty, not base64url, or all zeros', () => {
    for (const n of [undefined, '', 'a+b/', 'AAAA', 42]) {
      expect(refusal({ kty: 'RSA', e: 'AQAB', ...(n === undefined ? {} : { n }) })).toBe(SIZE);
    }
  });

  it('refuses an EC point off its curve, or on a curve no ES* algorithm uses', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    expect(refusal(jwk)).toBeUndefined();
    const y = Buffer.from(jwk.y!, 'base64url');
    y[31] ^= 1;
    expect(refusal({ ...jwk, y: y.toString('base64url') })).toBe(
      'The DPoP proof key is refused: an EC key must be a point on its curve',
    );
    expect(refusal({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' })).toBe(
      'The DPoP proof key is refused: an EC key must be a point on its curve',
    );
    expect(refusal({ ...jwk, crv: 'secp256k1' })).toBe(
      'The DPoP proof key is refused: an EC key must be on P-256, P-384 or P-521',
    );
  });

  it('leaves what is no RSA, EC or OKP key to jose', () => {
    expect(refusal({ kty: 'oct', k: 'c2VjcmV0' })).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
    expect(refusal('RSA')).toBeUndefined();
  });
});
