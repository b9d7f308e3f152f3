import { generateKeyPairSync } from 'node:crypto';
import { publicJwksProblem } from './client-jwks';

const rsa = (modulusLength: number) =>
  generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ format: 'jwk' });

const EC = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' };

describe('publicJwksProblem (RFC 7591 jwks of a private_key_jwt client)', () => {
  it('accepts public signing keys', () => {
    expect(
      publicJwksProblem({ keys: [EC, { kty: 'OKP', crv: 'Ed25519', x: 'x', alg: 'EdDSA' }] }),
    ).toBeUndefined();
    expect(publicJwksProblem({ keys: [rsa(2048), rsa(3072)] })).toBeUndefined();
  });

  it('refuses an RSA key shorter than 2048 bits (RFC 7518 §3.3), or one without a modulus', () => {
    expect(publicJwksProblem({ keys: [EC, rsa(1024)] })).toBe(
      'keys[1] is an RSA key shorter than 2048 bits',
    );
    // 2047 bits: 256 bytes whose first has its top bit clear.
    const n = Buffer.alloc(256, 0xff);
    n[0] = 0x7f;
    expect(
      publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB', n: n.toString('base64url') }] }),
    ).toBe('keys[0] is an RSA key shorter than 2048 bits');
    // Leading zero bytes add nothing.
    const padded = Buffer.concat([Buffer.alloc(2), Buffer.alloc(255, 0xff)]);
    expect(
      publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB', n: padded.toString('base64url') }] }),
    ).toBe('keys[0] is an RSA key shorter than 2048 bits');
    expect(publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB' }] })).toBe(
      'keys[0] is an RSA key shorter than 2048 bits',
    );
  });

  it.each([
    [[], 'must be a JWK Set: an object with a "keys" array'],
    [{ keys: [] }, 'must be a JWK Set with at least one key in "keys"'],
    [
      { keys: [{ ...EC, d: 'private' }] },
      'keys[0] is a private or symmetric key: register public keys only',
    ],
    [
      { keys: [EC, { kty: 'RSA', n: 'n', e: 'AQAB', p: 'p' }] },
      'keys[1] is a private or symmetric key: register public keys only',
    ],
    [
      { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] },
      'keys[0] is a private or symmetric key: register public keys only',
    ],
    [{ keys: [{ kty: 'oct' }] }, 'keys[0] must be an EC, RSA or OKP public key'],
    [{ keys: [{ ...EC, use: 'enc' }] }, 'keys[0] use must be "sig"'],
    [{ keys: [{ ...EC, alg: 'HS256' }] }, 'keys[0] alg must be one of ES256, PS256, RS256, EdDSA'],
    [{ keys: Array.from({ length: 11 }, () => EC) }, 'may hold at most 10 keys'],
  ])('refuses %j', (jwks, problem) => {
    expect(publicJwksProblem(jwks)).toBe(problem);
  });
});
