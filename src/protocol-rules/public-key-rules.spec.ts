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

  it('refuses an EC point off its curve, missing coordinates, and other curves', () => {
    const p256 = jwkOf('ec', { namedCurve: 'P-256' });
    expect(publicKeyProblem(offCurve(p256))).toBe('an EC key must be a point on its curve');
    expect(publicKeyProblem({ ...p256, y: undefined })).toBe(
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
