import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
} from 'jose';
import { DpopProofKeys } from './dpop-proof-keys';

async function proof(alg: 'ES256' | 'EdDSA' | 'RS256', jwk?: JWK) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const sign = (headerJwk: JWK) =>
    new SignJWT({ jti: 'x' })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: headerJwk })
      .sign(privateKey);
  const publicJwk = jwk ?? (await exportJWK(publicKey));
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), sign };
}

describe('DpopProofKeys', () => {
  it('answers the RFC 7638 thumbprint jose computes, for EC, OKP and RSA keys', async () => {
    const keys = new DpopProofKeys();
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const { publicJwk, sign } = await proof(alg);
      const expected = await calculateJwkThumbprint(publicJwk, 'sha256');
      // First use (imported), then a second proof of the same key (remembered).
      for (let i = 0; i < 2; i++) {
        const jwt = await sign(publicJwk);
        const { jkt } = await keys.verified((key) => jwtVerify(jwt, key));
        expect(jkt).toBe(expected);
      }
    }
  });

  it('imports a key once, whatever the order of its members', async () => {
    const keys = new DpopProofKeys();
    const { publicJwk, sign } = await proof('ES256');
    const reordered: JWK = { y: publicJwk.y, x: publicJwk.x, kty: 'EC', crv: publicJwk.crv };
    const resolved = [];
    for (const jwk of [publicJwk, reordered, publicJwk]) {
      const jwt = await sign(jwk);
      const { verified, imported } = await keys.verified((key) => jwtVerify(jwt, key));
      if (imported) keys.remember(imported);
      resolved.push(verified.key);
    }
    expect(resolved[1]).toBe(resolved[0]);
    expect(resolved[2]).toBe(resolved[0]);
  });

  it('still refuses a private key in the header once its public key is remembered', async () => {
    const keys = new DpopProofKeys();
    const { publicJwk, privateJwk, sign } = await proof('ES256');
    const good = await sign(publicJwk);
    await keys.verified((key) => jwtVerify(good, key));
    const bad = await sign(privateJwk);
    await expect(keys.verified((key) => jwtVerify(bad, key))).rejects.toThrow(/public key/);
  });

  it('remembers a key only when told its request was authorised, and hands it over once', async () => {
    const keys = new DpopProofKeys();
    const { publicJwk, sign } = await proof('ES256');
    const first = await keys.verified(async (key) => jwtVerify(await sign(publicJwk), key));
    // Verified, not remembered: the next proof of the key imports it again.
    const second = await keys.verified(async (key) => jwtVerify(await sign(publicJwk), key));
    expect(first.imported).toBeDefined();
    expect(second.imported).toBeDefined();
    expect(second.verified.key).not.toBe(first.verified.key);
    keys.remember(first.imported!);
    const third = await keys.verified(async (key) => jwtVerify(await sign(publicJwk), key));
    expect(third.imported).toBeUndefined();
    expect(third.verified.key).toBe(first.verified.key);
  });

  it('refuses an RSA key outside the limits before importing it or checking the signature', async () => {
    const keys = new DpopProofKeys();
    const { publicJwk } = await proof('RS256');
    let resolved = false;
    const refused = keys.verified(async (resolve) => {
      // A header with e=3 and a payload that is not even signed: the resolver refuses the key.
      await resolve(
        { alg: 'RS256', jwk: { ...publicJwk, e: 'Aw' } },
        {
          payload: '',
          signature: '',
          protected: '',
        },
      );
      resolved = true;
      return undefined;
    });
    await expect(refused).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      reason: 'weak_key',
    });
    expect(resolved).toBe(false);
  });

  it('remembers no key whose proof does not verify', async () => {
    const keys = new DpopProofKeys();
    const { publicJwk } = await proof('ES256');
    const other = await proof('ES256');
    // Signed by another key than the header's: refused, then refused again, never served.
    const forged = await other.sign(publicJwk);
    for (let i = 0; i < 2; i++) {
      await expect(keys.verified((key) => jwtVerify(forged, key))).rejects.toThrow(
        /signature verification failed/,
      );
    }
    const { publicJwk: unrelated, sign } = await proof('ES256');
    const jwt = await sign(unrelated);
    const first = await keys.verified((key) => jwtVerify(jwt, key));
    expect(first.jkt).toBe(await calculateJwkThumbprint(unrelated, 'sha256'));
  });

  it('keeps a key imported for one alg apart from the same key under another', async () => {
    const keys = new DpopProofKeys();
    const { privateJwk, publicJwk, sign } = await proof('RS256');
    await keys.verified(async (key) => jwtVerify(await sign(publicJwk), key));
    // The same RSA key under PS256 needs an RSA-PSS key: a key imported for RS256 would not do.
    const ps = await new SignJWT({ jti: 'y' })
      .setProtectedHeader({ alg: 'PS256', typ: 'dpop+jwt', jwk: publicJwk })
      .sign(await importJWK(privateJwk, 'PS256'));
    const { verified } = await keys.verified((key) => jwtVerify(ps, key));
    expect(verified.protectedHeader.alg).toBe('PS256');
  });
});

describe('DpopProofKeys.verifyKnown (the quick ES256 path)', () => {
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
  const options = {
    typ: 'dpop+jwt',
    algorithms: ['ES256', 'EdDSA'],
    requiredClaims: ['iat', 'jti', 'htm', 'htu'],
    currentDate: new Date(1_700_000_000_000),
  };

  async function joseAccepts(keys: DpopProofKeys, proof: string): Promise<boolean> {
    return keys
      .verified((key) => jwtVerify(proof, key, options))
      .then(
        () => true,
        () => false,
      );
  }

  it('takes a plain proof of a remembered key, with the claims and thumbprint jose gives', async () => {
    const keys = new DpopProofKeys();
    const { jwk, compact } = signer();
    const proof = compact({ typ: 'dpop+jwt', alg: 'ES256', jwk }, claims);
    expect(keys.verifyKnown(proof)).toBeUndefined(); // not remembered yet: jose imports it
    const byJose = await keys.verified((key) => jwtVerify(proof, key, options));
    expect(keys.verifyKnown(proof)).toBeUndefined(); // verified, but not authorised yet
    keys.remember(byJose.imported!);
    expect(keys.verifyKnown(proof)).toEqual({ payload: byJose.verified.payload, jkt: byJose.jkt });
  });

  it('leaves to jose every proof jose refuses, and the unusual ones it accepts', async () => {
    const keys = new DpopProofKeys();
    const { jwk, compact, privateKey } = signer();
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk };
    const { imported } = await keys.verified((key) =>
      jwtVerify(compact(header, claims), key, options),
    );
    keys.remember(imported!);
    expect(keys.verifyKnown(compact(header, claims))).toBeDefined();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const good = compact(header, claims);
    // The next-to-last character carries six bits of the signature (the last one two, and padding).
    const at = good.length - 2;
    const flipped = `${good.slice(0, at)}${good[at] === 'A' ? 'B' : 'A'}${good.slice(at + 1)}`;
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
    const keys = new DpopProofKeys();
    const { publicJwk, sign: signEd } = await proof('EdDSA');
    const ed = await signEd(publicJwk);
    const { imported } = await keys.verified((key) => jwtVerify(ed, key));
    keys.remember(imported!);
    expect(keys.verifyKnown(ed)).toBeUndefined();
  });
});
