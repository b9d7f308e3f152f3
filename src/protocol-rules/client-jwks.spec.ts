import { generateKeyPairSync } from 'node:crypto';
import { fetchedJwks, publicJwksProblem } from './client-jwks';

const rsa = (modulusLength: number, publicExponent = 65537) =>
  generateKeyPairSync('rsa', { modulusLength, publicExponent }).publicKey.export({
    format: 'jwk',
  });

/** A P-256 point and an Ed25519 key (fixed: the table's test names print them). */
const EC = {
  kty: 'EC',
  crv: 'P-256',
  x: '563KxAvvagtAi_rGpq53wqX5qteMPQLxevi06Y_zPKU',
  y: 'rxaCXbJQ7VPkedzuWI33n8nFp-XKijdypIT-AadLZy0',
};
const ED25519 = { kty: 'OKP', crv: 'Ed25519', x: 'fxm1blXFQKCrXyFyS0HYpnUS40x69zgErPfT1hv9bBE' };
const SIZE = 'is refused: an RSA modulus must be 2048 to 4096 bits';

describe('publicJwksProblem (RFC 7591 jwks of a private_key_jwt client)', () => {
  it('accepts public signing keys', () => {
    expect(publicJwksProblem({ keys: [EC, { ...ED25519, alg: 'EdDSA' }] })).toBeUndefined();
    expect(publicJwksProblem({ keys: [rsa(2048), rsa(3072)] })).toBeUndefined();
  });

  it('refuses an RSA key shorter than 2048 bits (RFC 7518 §3.3), or one without a modulus', () => {
    expect(publicJwksProblem({ keys: [EC, rsa(1024)] })).toBe(`keys[1] ${SIZE}`);
    // 2047 bits: 256 bytes whose first has its top bit clear.
    const n = Buffer.alloc(256, 0xff);
    n[0] = 0x7f;
    expect(
      publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB', n: n.toString('base64url') }] }),
    ).toBe(`keys[0] ${SIZE}`);
    // Leading zero bytes add nothing.
    const padded = Buffer.concat([Buffer.alloc(2), Buffer.alloc(255, 0xff)]);
    expect(
      publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB', n: padded.toString('base64url') }] }),
    ).toBe(`keys[0] ${SIZE}`);
    expect(publicJwksProblem({ keys: [{ kty: 'RSA', e: 'AQAB' }] })).toBe(`keys[0] ${SIZE}`);
  });

  it("refuses what DPoP's key rules refuse: e other than 65537, an EC point off its curve", () => {
    expect(publicJwksProblem({ keys: [rsa(2048, 3)] })).toBe(
      'keys[0] is refused: an RSA key must use the public exponent 65537 (AQAB)',
    );
    const y = Buffer.from(EC.y, 'base64url');
    y[31] ^= 1;
    expect(publicJwksProblem({ keys: [ED25519, { ...EC, y: y.toString('base64url') }] })).toBe(
      'keys[1] is refused: an EC key must be a point on its curve',
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

describe('fetchedJwks (a jwks_uri answer)', () => {
  it('reads a JWK Set whose objects name each member once', () => {
    expect(fetchedJwks(JSON.stringify({ keys: [EC, ED25519] }))).toEqual({
      jwks: { keys: [EC, ED25519] },
    });
  });

  it('refuses a set that names a member twice, naming it: another verifier may read the first', () => {
    const keys = JSON.stringify([EC]);
    expect(fetchedJwks(`{"keys":${keys},"keys":[]}`)).toEqual({
      problem: 'the document names member "keys" twice',
    });
    const key = JSON.stringify(EC).replace('{', '{"kid":"a","kid":"b",');
    expect(fetchedJwks(`{"keys":[${key}]}`)).toEqual({
      problem: 'the document names member "kid" twice',
    });
  });

  it('refuses text that is not JSON', () => {
    expect(fetchedJwks('{"keys":')).toEqual({ problem: 'the document is not valid JSON' });
  });
});
