import { publicJwksProblem } from './client-jwks';

const EC = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' };

describe('publicJwksProblem (RFC 7591 jwks of a private_key_jwt client)', () => {
  it('accepts public signing keys', () => {
    expect(
      publicJwksProblem({ keys: [EC, { kty: 'OKP', crv: 'Ed25519', x: 'x', alg: 'EdDSA' }] }),
    ).toBeUndefined();
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
