import { KeyObject, generateKeyPairSync, randomBytes, sign, webcrypto } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import { SoftwareAuthenticator } from '../lab-client/software-authenticator';
import {
  WebAuthnKeyImports,
  installWebAuthnKeyImports,
  libraryWebCrypto,
  syncDigest,
  syncVerify,
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

describe('the passkey check after its challenge’s redemption, in one turn of the event loop (#36)', () => {
  const imports = installWebAuthnKeyImports(10)!;

  /** Whether a turn of the event loop ended between the redemption and the check's answer. */
  async function turnEndedAfterRedeem(): Promise<boolean> {
    const { authenticator, publicKey } = await registered();
    await check(authenticator.assert({ challenge: challenge() }), publicKey); // the key imported
    let turnEnded = false;
    const verified = await verifyAuthenticationResponse({
      response: authenticator.assert({ challenge: challenge() }),
      expectedChallenge: () => {
        setImmediate(() => (turnEnded = true));
        return Promise.resolve(true);
      },
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id: authenticator.id, publicKey, counter: 0 },
      requireUserVerification: false,
    });
    expect(verified.verified).toBe(true);
    return turnEnded;
  }

  it('no thread-pool hop after the redeem: the sign-ins of a burst reach their grant writes together', async () => {
    expect(await turnEndedAfterRedeem()).toBe(false);
  });

  it('(with Node’s WebCrypto as it is, each of the three hashes and checks hands over to a later turn)', async () => {
    const library = libraryWebCrypto()!;
    library.setCachedCrypto(webcrypto);
    try {
      expect(await turnEndedAfterRedeem()).toBe(true);
    } finally {
      library.setCachedCrypto(imports.crypto);
    }
  });
});

describe('syncDigest and syncVerify answer as WebCrypto does', () => {
  const subtle = webcrypto.subtle;
  const data = Buffer.from('authenticatorData || clientDataHash');

  it('digests SHA-256/384/512 as WebCrypto, and leaves the rest to it', async () => {
    for (const name of ['SHA-256', 'SHA-384', 'SHA-512', 'sha-256']) {
      const mine = await syncDigest({ name }, data)!;
      expect(Buffer.from(mine)).toEqual(Buffer.from(await subtle.digest(name, data)));
    }
    const padded = new Uint8Array(Buffer.concat([Buffer.from('xx'), data])).buffer;
    const view = new Uint8Array(padded, 2, data.length);
    expect(Buffer.from(await syncDigest('SHA-256', view)!)).toEqual(
      Buffer.from(await subtle.digest('SHA-256', data)),
    );
    expect(syncDigest('SHA-1', data)).toBeUndefined();
  });

  it('verifies ECDSA (P1363) and Ed25519 as WebCrypto: valid, tampered, wrong length', async () => {
    for (const [generate, use] of [
      [
        { name: 'ECDSA', namedCurve: 'P-256' },
        { name: 'ECDSA', hash: { name: 'SHA-256' } },
      ],
      [
        { name: 'ECDSA', namedCurve: 'P-384' },
        { name: 'ECDSA', hash: 'SHA-384' },
      ],
      [{ name: 'Ed25519' }, { name: 'Ed25519' }],
    ] as const) {
      const pair = await subtle.generateKey(generate as webcrypto.EcKeyGenParams, true, [
        'sign',
        'verify',
      ]);
      const signature = Buffer.from(await subtle.sign(use, pair.privateKey, data));
      const tampered = Buffer.from(signature);
      tampered[tampered.length - 1] ^= 0x01;
      for (const [sig, signed] of [
        [signature, data],
        [tampered, data],
        [signature, Buffer.from('other data')],
        [signature.subarray(1), data],
        [Buffer.alloc(0), data],
      ] as const) {
        const expected = await subtle.verify(use, pair.publicKey, sig, signed);
        const mine = syncVerify(use, pair.publicKey, sig, signed);
        expect(await (mine ?? subtle.verify(use, pair.publicKey, sig, signed))).toBe(expected);
      }
      expect(await syncVerify(use, pair.publicKey, signature, data)).toBe(true);
    }
  });

  it('leaves WebCrypto to answer (and refuse) a key of another algorithm or use, and other algorithms', async () => {
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };
    const signature = await subtle.sign(ecdsa, ec.privateKey, data);
    // A private key, or a key of another algorithm: WebCrypto's own error, not a quiet answer.
    expect(syncVerify(ecdsa, ec.privateKey, signature, data)).toBeUndefined();
    expect(syncVerify({ name: 'Ed25519' }, ec.publicKey, signature, data)).toBeUndefined();
    await expect(
      subtle.verify({ name: 'Ed25519' }, ec.publicKey, signature, data),
    ).rejects.toThrow();
    const rsa = await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const rsaSignature = await subtle.sign('RSASSA-PKCS1-v1_5', rsa.privateKey, data);
    expect(syncVerify('RSASSA-PKCS1-v1_5', rsa.publicKey, rsaSignature, data)).toBeUndefined();
    // Through the wrapper, WebCrypto answers it.
    const wrapped = new WebAuthnKeyImports(2).crypto.subtle;
    await expect(
      wrapped.verify('RSASSA-PKCS1-v1_5', rsa.publicKey, rsaSignature, data),
    ).resolves.toBe(true);
  });
  it('checks a non-extractable key by the KeyObject of its JWK, never KeyObject.from (DEP0204)', async () => {
    // The library imports every passkey key non-extractable; Node 24 warns on KeyObject.from of
    // such a key, and a later major throws.
    const from = jest.spyOn(KeyObject, 'from');
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...publicKey.export({ format: 'jwk' }) };
      const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };
      const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
      const wrapped = new WebAuthnKeyImports(2).crypto.subtle;
      const imported = await wrapped.importKey('jwk', jwk, algorithm, false, ['verify']);
      expect(imported.extractable).toBe(false);
      expect(await syncVerify(ecdsa, imported, signature, data)).toBe(true);
      const tampered = Buffer.from(signature);
      tampered[0] ^= 0x01;
      expect(await syncVerify(ecdsa, imported, tampered, data)).toBe(false);
      // Imported elsewhere, it has no KeyObject here: WebCrypto answers it.
      const elsewhere = await subtle.importKey('jwk', jwk, algorithm, false, ['verify']);
      expect(syncVerify(ecdsa, elsewhere, signature, data)).toBeUndefined();
      await expect(wrapped.verify(ecdsa, elsewhere, signature, data)).resolves.toBe(true);
      expect(from).not.toHaveBeenCalled();
    } finally {
      from.mockRestore();
    }
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
