import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { signCompactJws } from './compact-jws';
import { hasLowS } from './ecdsa-low-s';

describe('signCompactJws (RFC 7515 §5.1, RFC 7518 §3.3, §3.4)', () => {
  const header = { typ: 'at+jwt', kid: 'k1' };
  const payload = {
    iss: 'https://auth.example.com',
    sub: 'agent',
    scope: 'api',
    exp: 2_000_000_000,
  };

  const ecKeys = (namedCurve = 'P-256') => generateKeyPairSync('ec', { namedCurve });
  const rsaKeys = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('signs ES256 JWTs that jose verifies, always with the low s', async () => {
    const { privateKey, publicKey } = ecKeys();
    for (let i = 0; i < 16; i += 1) {
      const token = signCompactJws({ alg: 'ES256', ...header }, { ...payload, n: i }, privateKey);
      const verified = await jwtVerify(token, publicKey, { algorithms: ['ES256'], typ: 'at+jwt' });
      expect(verified.payload).toEqual({ ...payload, n: i });
      expect(verified.protectedHeader).toEqual({ alg: 'ES256', ...header });
      expect(hasLowS(token)).toBe(true);
    }
  });

  it('signs RS256 JWTs that jose verifies', async () => {
    const { privateKey, publicKey } = rsaKeys();
    const token = signCompactJws({ alg: 'RS256', ...header }, payload, privateKey);
    await expect(compactVerify(token, publicKey)).resolves.toBeDefined();
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
  });

  it('refuses a key of another type or curve than the alg names, or a public key', () => {
    const ec = ecKeys();
    const rsa = rsaKeys();
    expect(() => signCompactJws({ alg: 'RS256' }, payload, ec.privateKey)).toThrow(
      'A RS256 JWS needs a private rsa key',
    );
    expect(() => signCompactJws({ alg: 'ES256' }, payload, rsa.privateKey)).toThrow(
      'A ES256 JWS needs a private ec prime256v1 key',
    );
    expect(() => signCompactJws({ alg: 'ES256' }, payload, ec.publicKey)).toThrow(
      'A ES256 JWS needs a private ec prime256v1 key',
    );
    expect(() => signCompactJws({ alg: 'ES256' }, payload, ecKeys('P-384').privateKey)).toThrow(
      'A ES256 JWS needs a private ec prime256v1 key',
    );
  });
});
