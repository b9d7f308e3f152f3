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
      resolved.push((await keys.verified((key) => jwtVerify(jwt, key))).verified.key);
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
