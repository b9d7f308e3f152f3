import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { ProofKeys } from './proof-keys';
import { Refused } from './refusal';

const options = { typ: 'dpop+jwt', algorithms: ['ES256', 'RS256'] };

/** A client's ES256 DPoP key and proofs of it. */
async function client() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ htm: 'GET', htu: 'https://api.example/x', jti: randomUUID(), ...claims })
      .setIssuedAt()
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
  return { jwk, proof };
}

describe('ProofKeys (DPoP proof keys imported once, remembered once admitted)', () => {
  it('imports a key for each proof until told the request was admitted, then takes the quick path', async () => {
    const keys = new ProofKeys(10);
    const { proof } = await client();
    const first = await keys.verify(await proof(), options);
    const second = await keys.verify(await proof(), options);
    expect(first.imported).toBeDefined();
    expect(second.imported).toBeDefined();
    expect(second.imported).not.toBe(first.imported);
    keys.remember(first.imported!);
    const third = await proof();
    expect(keys.verifyKnown(third)).toMatchObject({ alg: 'ES256', jkt: first.jkt });
    const fourth = await keys.verify(third, options);
    expect(fourth).toMatchObject({ alg: 'ES256', jkt: first.jkt });
    expect(fourth.imported).toBeUndefined();
  });

  it('leaves to jose what the quick path does not know: a bad signature, an exp', async () => {
    const keys = new ProofKeys(10);
    const { proof } = await client();
    keys.remember((await keys.verify(await proof(), options)).imported!);
    const good = await proof();
    const [header, payload, signature] = good.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}AA`;
    expect(keys.verifyKnown(tampered)).toBeUndefined();
    await expect(keys.verify(tampered, options)).rejects.toThrow('signature verification failed');
    expect(
      keys.verifyKnown(await proof({ exp: Math.floor(Date.now() / 1000) + 60 })),
    ).toBeUndefined();
  });

  it('keeps at most its capacity, the least recently used key going first', async () => {
    const keys = new ProofKeys(1);
    const [a, b] = [await client(), await client()];
    keys.remember((await keys.verify(await a.proof(), options)).imported!);
    keys.remember((await keys.verify(await b.proof(), options)).imported!);
    expect(keys.verifyKnown(await a.proof())).toBeUndefined();
    expect(keys.verifyKnown(await b.proof())).toBeDefined();
  });

  it('refuses a key the rules refuse before importing it (a 1024-bit RSA modulus): invalid_dpop_proof, never a TypeError', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', typ: 'dpop+jwt', jwk })}.${encode({ htm: 'GET', htu: 'https://api.example/x', jti: 'j', iat: Math.floor(Date.now() / 1000) })}`;
    const weak = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const refused = await new ProofKeys(10).verify(weak, options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof key is refused: an RSA modulus must be 2048 to 4096 bits',
      reason: 'weak_key',
    });
  });
});

describe('ProofKeys: the keys of every algorithm, and what a remembered key does not change', () => {
  /** A key of `alg` and proofs signed by it, with the `jwk` of the header chosen by the caller. */
  async function keyOf(alg: 'ES256' | 'EdDSA' | 'RS256') {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const sign = (jwk: JWK, claims: Record<string, unknown> = {}) =>
      new SignJWT({ htm: 'GET', htu: 'https://api.example/x', jti: randomUUID(), ...claims })
        .setIssuedAt()
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
        .sign(privateKey);
    return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey), sign };
  }
  const every = { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'] };

  it('answers the RFC 7638 thumbprint jose computes, for EC, OKP and RSA keys, imported or remembered', async () => {
    const keys = new ProofKeys(10);
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const { publicJwk, sign } = await keyOf(alg);
      const expected = await calculateJwkThumbprint(publicJwk, 'sha256');
      const first = await keys.verify(await sign(publicJwk), every);
      expect({ alg, jkt: first.jkt }).toEqual({ alg, jkt: expected });
      keys.remember(first.imported!);
      const second = await keys.verify(await sign(publicJwk), every);
      expect({ alg, jkt: second.jkt, imported: second.imported }).toEqual({
        alg,
        jkt: expected,
        imported: undefined,
      });
    }
  });

  it('knows a remembered key whatever the order of its members', async () => {
    const keys = new ProofKeys(10);
    const { publicJwk, sign } = await keyOf('ES256');
    keys.remember((await keys.verify(await sign(publicJwk), every)).imported!);
    const reordered: JWK = { y: publicJwk.y, x: publicJwk.x, kty: 'EC', crv: publicJwk.crv };
    const proof = await sign(reordered);
    expect(keys.verifyKnown(proof)).toBeDefined();
    expect((await keys.verify(proof, every)).imported).toBeUndefined();
  });

  it('still refuses a private key in the header once its public key is remembered', async () => {
    const keys = new ProofKeys(10);
    const { publicJwk, privateJwk, sign } = await keyOf('ES256');
    keys.remember((await keys.verify(await sign(publicJwk), every)).imported!);
    const bad = await sign(privateJwk);
    expect(keys.verifyKnown(bad)).toBeUndefined();
    await expect(keys.verify(bad, every)).rejects.toThrow(/public key/);
  });

  it('refuses an RSA key outside the rules before looking at the signature (e = 3, no signature at all)', async () => {
    const { publicJwk, sign } = await keyOf('RS256');
    const proof = await sign({ ...publicJwk, e: 'Aw' });
    const unsigned = `${proof.slice(0, proof.lastIndexOf('.'))}.AAAA`;
    const refused = await new ProofKeys(10)
      .verify(unsigned, every)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({
      error: 'invalid_dpop_proof',
      description:
        'The DPoP proof key is refused: an RSA key must use the public exponent 65537 (AQAB)',
      reason: 'weak_key',
    });
  });

  it('keeps nothing of a proof that does not verify', async () => {
    const keys = new ProofKeys(10);
    const { publicJwk, sign } = await keyOf('ES256');
    const other = await keyOf('ES256');
    // The header's key, but signed by another: refused each time, never imported for later.
    const forged = await other.sign(publicJwk);
    for (let i = 0; i < 2; i++) {
      await expect(keys.verify(forged, every)).rejects.toThrow(/signature verification failed/);
    }
    const genuine = await keys.verify(await sign(publicJwk), every);
    expect(genuine.imported).toBeDefined();
    expect(genuine.jkt).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
  });

  it('keeps a key remembered under one alg apart from the same key under another', async () => {
    const keys = new ProofKeys(10);
    const { privateJwk, publicJwk, sign } = await keyOf('RS256');
    keys.remember((await keys.verify(await sign(publicJwk), every)).imported!);
    // The same RSA key under PS256 needs an RSA-PSS key: the one remembered for RS256 would not do.
    const ps = await new SignJWT({ htm: 'GET', htu: 'https://api.example/x', jti: randomUUID() })
      .setIssuedAt()
      .setProtectedHeader({ alg: 'PS256', typ: 'dpop+jwt', jwk: publicJwk })
      .sign(await importJWK(privateJwk, 'PS256'));
    const verified = await keys.verify(ps, every);
    expect(verified.alg).toBe('PS256');
    expect(verified.imported).toBeDefined();
  });
});

describe('ProofKeys.verifyKnown (the quick ES256 path) accepts only what jose accepts', () => {
  const b64 = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  function signer() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    const jwk = { kty, crv, x, y } as JWK;
    const compact = (header: unknown, payload: unknown, key: KeyObject = privateKey) => {
      const input = `${b64(header)}.${b64(payload)}`;
      const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      return `${input}.${signature.toString('base64url')}`;
    };
    return { privateKey, jwk, compact };
  }

  const claims = { jti: 'j1', htm: 'POST', htu: 'https://as.example/token', iat: 1_700_000_000 };
  const at = {
    typ: 'dpop+jwt',
    algorithms: ['ES256', 'EdDSA'],
    requiredClaims: ['iat', 'jti', 'htm', 'htu'],
    currentDate: new Date(1_700_000_000_000),
  };

  /** `verify`'s verdict: jose's (by the remembered key) for a proof the quick path leaves. */
  async function joseAccepts(keys: ProofKeys, proof: string): Promise<boolean> {
    return keys.verify(proof, at).then(
      () => true,
      () => false,
    );
  }

  it('takes a plain proof of a remembered key, with the claims and thumbprint jose gives', async () => {
    const keys = new ProofKeys(10);
    const { jwk, compact } = signer();
    const proof = compact({ typ: 'dpop+jwt', alg: 'ES256', jwk }, claims);
    expect(keys.verifyKnown(proof)).toBeUndefined(); // not remembered yet: jose imports it
    const byJose = await keys.verify(proof, at);
    expect(keys.verifyKnown(proof)).toBeUndefined(); // verified, but not admitted yet
    keys.remember(byJose.imported!);
    expect(keys.verifyKnown(proof)).toEqual({
      payload: byJose.payload,
      alg: 'ES256',
      jkt: byJose.jkt,
    });
  });

  it('leaves to jose every proof jose refuses, and the unusual ones it accepts', async () => {
    const keys = new ProofKeys(10);
    const { jwk, compact, privateKey } = signer();
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk };
    keys.remember((await keys.verify(compact(header, claims), at)).imported!);
    expect(keys.verifyKnown(compact(header, claims))).toBeDefined();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const good = compact(header, claims);
    // The next-to-last character carries six bits of the signature (the last one two, and padding).
    const last = good.length - 2;
    const flipped = `${good.slice(0, last)}${good[last] === 'A' ? 'B' : 'A'}${good.slice(last + 1)}`;
    expect(flipped).not.toBe(good);
    const privateJwk = privateKey.export({ format: 'jwk' });
    const refused = {
      'signed by another key': compact(header, claims, other),
      'a signature altered': flipped,
      'a signature cut short': good.slice(0, -4),
      'typ JWT': compact({ ...header, typ: 'JWT' }, claims),
      'a private key in jwk': compact({ ...header, jwk: privateJwk }, claims),
      'a critical extension': compact({ ...header, crit: ['exp'] }, claims),
      'expired (exp)': compact(header, { ...claims, exp: 1_600_000_000 }),
      'not yet valid (nbf)': compact(header, { ...claims, nbf: 1_800_000_000 }),
      'iat a string': compact(header, { ...claims, iat: '1700000000' }),
      'no jti': compact(header, { ...claims, jti: undefined }),
      'claims an array': compact(header, [claims]),
      'claims not UTF-8': `${b64(header)}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${good.split('.')[2]}`,
    };
    for (const [name, proof] of Object.entries(refused)) {
      expect({ name, quick: keys.verifyKnown(proof) }).toEqual({ name, quick: undefined });
      expect({ name, jose: await joseAccepts(keys, proof) }).toEqual({ name, jose: false });
    }
    const unusual = {
      'typ with its media type prefix': compact({ ...header, typ: 'application/dpop+jwt' }, claims),
      'a kid in the header': compact({ ...header, kid: 'k' }, claims),
      'an exp still ahead': compact(header, { ...claims, exp: 1_800_000_000 }),
    };
    for (const [name, proof] of Object.entries(unusual)) {
      expect({ name, quick: keys.verifyKnown(proof) }).toEqual({ name, quick: undefined });
      expect({ name, jose: await joseAccepts(keys, proof) }).toEqual({ name, jose: true });
    }
  });

  it('takes no other algorithm, even for a remembered key', async () => {
    const keys = new ProofKeys(10);
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const ed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
    keys.remember((await keys.verify(ed, at)).imported!);
    expect(keys.verifyKnown(ed)).toBeUndefined();
  });
});
