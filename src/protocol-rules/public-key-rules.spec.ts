import { generateKeyPairSync } from 'node:crypto';
import { publicKeyProblem } from './public-key-rules';

const jwkOf = (type: 'ec' | 'ed25519' | 'rsa', options: Record<string, unknown> = {}) =>
  generateKeyPairSync(type as 'ec', options as { namedCurve: string }).publicKey.export({
    format: 'jwk',
  });

/** The same key with one byte of a coordinate changed: no longer a point on the curve. */
function offCurve(jwk: { y?: string }): Record<string, unknown> {
  const y = Buffer.from(jwk.y!, 'base64url');
  y[y.length - 1] ^= 1;
  return { ...jwk, y: y.toString('base64url') };
}

/** A syntactic RSA JWK whose modulus has exactly `bits` bits (the top one set). */
function modulusOf(bits: number, leadingZeroBytes = 0): Record<string, unknown> {
  const bytes = Buffer.alloc(leadingZeroBytes + Math.ceil(bits / 8), 0xff);
  bytes.fill(0, 0, leadingZeroBytes);
  bytes[leadingZeroBytes] = 0xff >> ((8 - (bits % 8)) % 8);
  return { kty: 'RSA', e: 'AQAB', n: bytes.toString('base64url') };
}

const EXPONENT = 'an RSA key must use the public exponent 65537 (AQAB)';
const SIZE = 'an RSA modulus must be 2048 to 4096 bits';

describe('publicKeyProblem (the key rules of DPoP proof keys and client keys alike)', () => {
  it('accepts RSA 2048 to 4096 bits with e = 65537, NIST EC points and Ed25519 keys', () => {
    expect(publicKeyProblem(jwkOf('rsa', { modulusLength: 2048 }))).toBeUndefined();
    expect(publicKeyProblem(jwkOf('rsa', { modulusLength: 4096 }))).toBeUndefined();
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
      expect(publicKeyProblem(jwkOf('ec', { namedCurve }))).toBeUndefined();
    }
    expect(publicKeyProblem(jwkOf('ed25519'))).toBeUndefined();
  });

  it('refuses an RSA exponent other than 65537 and a modulus outside 2048 to 4096 bits', () => {
    expect(publicKeyProblem(jwkOf('rsa', { modulusLength: 2048, publicExponent: 3 }))).toBe(
      'an RSA key must use the public exponent 65537 (AQAB)',
    );
    expect(publicKeyProblem(jwkOf('rsa', { modulusLength: 1024 }))).toBe(
      'an RSA modulus must be 2048 to 4096 bits',
    );
    expect(publicKeyProblem({ kty: 'RSA', e: 'AQAB' })).toBe(
      'an RSA modulus must be 2048 to 4096 bits',
    );
  });

  it('refuses any RSA exponent but 65537 as it is written: 17, a padded 65537, none', () => {
    const rsa = jwkOf('rsa', { modulusLength: 2048 });
    expect(publicKeyProblem(jwkOf('rsa', { modulusLength: 2048, publicExponent: 17 }))).toBe(
      EXPONENT,
    );
    expect(publicKeyProblem({ ...rsa, e: 'AAEAAQ' })).toBe(EXPONENT);
    expect(publicKeyProblem({ ...rsa, e: undefined })).toBe(EXPONENT);
  });

  it('counts the RSA modulus in bits, at both edges, leading zero bytes aside', () => {
    expect(publicKeyProblem(modulusOf(2048))).toBeUndefined();
    expect(publicKeyProblem(modulusOf(4096))).toBeUndefined();
    expect(publicKeyProblem(modulusOf(4096, 1))).toBeUndefined();
    for (const bits of [2047, 4097, 1024, 8192]) {
      expect({ bits, problem: publicKeyProblem(modulusOf(bits)) }).toEqual({ bits, problem: SIZE });
    }
  });

  it('refuses an RSA modulus that is missing, empty, not base64url, or all zeros', () => {
    for (const n of [undefined, '', 'a+b/', 'AAAA', 42]) {
      expect(publicKeyProblem({ kty: 'RSA', e: 'AQAB', ...(n === undefined ? {} : { n }) })).toBe(
        SIZE,
      );
    }
  });

  it('refuses an EC point off its curve, missing coordinates, and other curves', () => {
    const p256 = jwkOf('ec', { namedCurve: 'P-256' });
    expect(publicKeyProblem(offCurve(p256))).toBe('an EC key must be a point on its curve');
    expect(publicKeyProblem({ ...p256, y: undefined })).toBe(
      'an EC key must be a point on its curve',
    );
    expect(publicKeyProblem({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' })).toBe(
      'an EC key must be a point on its curve',
    );
    // A valid P-256 point named as P-384: not a point of P-384.
    expect(publicKeyProblem({ ...p256, crv: 'P-384' })).toBe(
      'an EC key must be a point on its curve',
    );
    expect(publicKeyProblem(jwkOf('ec', { namedCurve: 'secp256k1' }))).toBe(
      'an EC key must be on P-256, P-384 or P-521',
    );
  });

  it('refuses an OKP key of the wrong length or of an encryption curve', () => {
    const ed = jwkOf('ed25519');
    expect(publicKeyProblem({ ...ed, x: ed.x!.slice(0, 20) })).toBe(
      'an OKP key must be an Ed25519 public key',
    );
    expect(publicKeyProblem({ ...ed, crv: 'X25519' })).toBe('an OKP key must be Ed25519 or Ed448');
  });

  it('leaves what is no RSA, EC or OKP key to the caller', () => {
    expect(publicKeyProblem({ kty: 'oct', k: 'c2VjcmV0' })).toBeUndefined();
    expect(publicKeyProblem('RSA')).toBeUndefined();
    expect(publicKeyProblem(undefined)).toBeUndefined();
  });
});
