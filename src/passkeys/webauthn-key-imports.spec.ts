import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import { SoftwareAuthenticator } from '../lab-client/software-authenticator';
import {
  WebAuthnKeyImports,
  installWebAuthnKeyImports,
  verificationKeyId,
} from './webauthn-key-imports';

const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:3000';
const challenge = () => randomBytes(32).toString('base64url');

/** A software passkey and its public key as the library hands it back at registration. */
async function registered() {
  const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
  const expected = challenge();
  const registration = await verifyRegistrationResponse({
    response: authenticator.register({ challenge: expected, user: { id: 'dXNlcg' } }),
    expectedChallenge: expected,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: false,
  });
  if (!registration.verified) throw new Error('the software passkey did not register');
  return { authenticator, publicKey: registration.registrationInfo.credential.publicKey };
}

const check = (response: AuthenticationResponseJSON, publicKey: Uint8Array<ArrayBuffer>) =>
  verifyAuthenticationResponse({
    response,
    expectedChallenge: () => true,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential: { id: response.id, publicKey, counter: 0 },
    requireUserVerification: false,
  });

describe('passkey keys imported once (@simplewebauthn/server)', () => {
  const imports = installWebAuthnKeyImports(10);

  it('installs into the version of the library the project runs', () => {
    // An upgrade that drops the library's replaceable WebCrypto reference fails here, not silently
    // in the benchmark.
    expect(imports).toBeInstanceOf(WebAuthnKeyImports);
    expect(installWebAuthnKeyImports(10)).toBe(imports);
  });

  it('imports a credential key on its first sign-in only, each sign-in still fully checked', async () => {
    const { authenticator, publicKey } = await registered();
    const before = imports!.imports;
    for (let i = 0; i < 3; i++) {
      const verified = await check(authenticator.assert({ challenge: challenge() }), publicKey);
      expect(verified.verified).toBe(true);
    }
    expect(imports!.imports - before).toBe(1);

    // The remembered key still refuses what it did not sign.
    const forged = authenticator.assert({ challenge: challenge() });
    const signature = Buffer.from(forged.response.signature, 'base64url');
    signature[signature.length - 1] ^= 0x01;
    forged.response.signature = signature.toString('base64url');
    await expect(check(forged, publicKey)).resolves.toMatchObject({ verified: false });
    // And an assertion it signed over other data.
    const tampered = authenticator.assert({ challenge: challenge() }, { counter: 7 });
    const other = authenticator.assert({ challenge: challenge() });
    tampered.response.signature = other.response.signature;
    await expect(check(tampered, publicKey)).resolves.toMatchObject({ verified: false });
  });

  it('never answers one credential’s key for another’s', async () => {
    const first = await registered();
    const second = await registered();
    await check(first.authenticator.assert({ challenge: challenge() }), first.publicKey);
    const before = imports!.imports;
    // The second passkey's assertion against the first's (remembered) key: refused.
    await expect(
      check(second.authenticator.assert({ challenge: challenge() }), first.publicKey),
    ).resolves.toMatchObject({ verified: false });
    // Against its own key: imported (a key of its own), then verified.
    const verified = await check(
      second.authenticator.assert({ challenge: challenge() }),
      second.publicKey,
    );
    expect(verified.verified).toBe(true);
    expect(imports!.imports - before).toBe(1);
  });
});

describe('WebAuthnKeyImports', () => {
  const publicJwk = () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { ...publicKey.export({ format: 'jwk' }), ext: false };
  };
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };

  it('keeps at most its bound, least recently used first out', async () => {
    const cache = new WebAuthnKeyImports(2);
    const [a, b, c] = [publicJwk(), publicJwk(), publicJwk()];
    const load = (jwk: webcrypto.JsonWebKey) =>
      cache.crypto.subtle.importKey('jwk', jwk, ecdsa, false, ['verify']);
    const first = await load(a);
    expect(await load(a)).toBe(first);
    await load(b);
    await load(a); // a is now the most recent
    await load(c); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.imports).toBe(3);
    expect(await load(a)).toBe(first);
    await load(b);
    expect(cache.imports).toBe(4);
  });

  it('imports afresh whatever is not a public verification key, and keeps no failed import', async () => {
    const cache = new WebAuthnKeyImports(10);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const subtle = cache.crypto.subtle;
    await subtle.importKey('jwk', privateJwk, ecdsa, false, ['sign']);
    await subtle.importKey('jwk', privateJwk, ecdsa, false, ['sign']);
    expect(cache.imports).toBe(2);
    expect(cache.size).toBe(0);

    const offCurve = { ...publicJwk(), y: Buffer.alloc(32, 1).toString('base64url') };
    await expect(subtle.importKey('jwk', offCurve, ecdsa, false, ['verify'])).rejects.toThrow();
    expect(cache.size).toBe(0);

    // The rest of WebCrypto is Node's own, called on Node's object.
    const digest = await subtle.digest('SHA-256', Buffer.from('abc'));
    expect(Buffer.from(digest).toString('hex')).toMatch(/^ba7816bf/);
    expect(cache.crypto.getRandomValues(new Uint8Array(8))).toHaveLength(8);
  });

  it.each<[string, unknown, unknown, boolean, string[]]>([
    ['raw', { kty: 'EC' }, ecdsa, false, ['verify']],
    ['jwk', { kty: 'EC', d: 'secret' }, ecdsa, false, ['verify']],
    ['jwk', { kty: 'EC', key_ops: ['sign'] }, ecdsa, false, ['verify']],
    ['jwk', { kty: 'EC' }, ecdsa, true, ['verify']],
    ['jwk', { kty: 'EC' }, ecdsa, false, ['verify', 'sign']],
    ['jwk', { kty: 'EC' }, ecdsa, false, ['sign']],
    ['jwk', { kty: 'EC' }, { ...ecdsa, extra: 1 }, false, ['verify']],
    ['jwk', { kty: 'EC', x: 1 }, ecdsa, false, ['verify']],
    ['jwk', { kty: 'EC', ext: 'no' }, ecdsa, false, ['verify']],
    ['jwk', Buffer.alloc(1), ecdsa, false, ['verify']],
    ['jwk', { kty: 'EC' }, 'ECDSA', false, ['verify']],
  ])('remembers no %s import of %j (%j, extractable %s, %j)', (...args) => {
    expect(verificationKeyId(...args)).toBeUndefined();
  });

  it('tells keys apart by every member that makes them', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'BB', ext: false };
    const id = verificationKeyId('jwk', jwk, ecdsa, false, ['verify']);
    expect(id).toBeDefined();
    expect(verificationKeyId('jwk', { ...jwk }, { ...ecdsa }, false, ['verify'])).toBe(id);
    for (const other of [
      { ...jwk, x: 'AB' },
      { ...jwk, y: 'BC' },
      { ...jwk, crv: 'P-384' },
      { ...jwk, ext: true },
      { ...jwk, alg: 'ES256' },
    ]) {
      expect(verificationKeyId('jwk', other, ecdsa, false, ['verify'])).not.toBe(id);
    }
    expect(
      verificationKeyId('jwk', jwk, { ...ecdsa, namedCurve: 'P-384' }, false, ['verify']),
    ).not.toBe(id);
    expect(
      verificationKeyId('jwk', jwk, { name: 'ECDSA', hash: { name: 'SHA-256' } }, false, [
        'verify',
      ]),
    ).not.toBe(id);
  });
});
