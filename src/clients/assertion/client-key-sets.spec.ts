import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import type { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { Clock } from '../../platform/clock/clock';
import type { GuardedFetcher } from '../../platform/http/outbound/guarded-fetcher';
import type { OAuthClient } from '../oauth-client';
import { ClientKeySets } from './client-key-sets';

class FixedClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  now(): Date {
    return new Date(this.ms);
  }
}

async function key(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = () =>
    new SignJWT({ sub: 'machine' }).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey);
  return { jwk, sign };
}

const client = (jwks: { keys: JWK[] }, clientId = 'machine'): OAuthClient =>
  ({ clientId, jwks: structuredClone(jwks) }) as unknown as OAuthClient;

describe('ClientKeySets, registered (inline) jwks', () => {
  // The inline path needs neither the fetcher nor the metadata settings (jwks_uri only).
  const make = (clock: Clock) =>
    new ClientKeySets(
      {} as unknown as GuardedFetcher,
      {} as unknown as ClientMetadataConfig,
      clock,
    );

  it('imports a registered set once: the same set answers every lookup of the same content', async () => {
    const k1 = await key('k1');
    const sets = make(new FixedClock(0));
    const first = await sets.keysOf(client({ keys: [k1.jwk] }));
    // Another copy of the client, as a repository read gives one per request.
    const second = await sets.keysOf(client({ keys: [k1.jwk] }));
    expect(second).toBe(first);
    await expect(jwtVerify(await k1.sign(), second)).resolves.toMatchObject({
      payload: { sub: 'machine' },
    });
  });

  it('answers a rotated set with its own keys: the removed key no longer verifies', async () => {
    const [k1, k2] = [await key('k1'), await key('k2')];
    const sets = make(new FixedClock(0));
    const before = await sets.keysOf(client({ keys: [k1.jwk] }));
    await jwtVerify(await k1.sign(), before);
    const after = await sets.keysOf(client({ keys: [k2.jwk] }));
    expect(after).not.toBe(before);
    await expect(jwtVerify(await k2.sign(), after)).resolves.toBeDefined();
    await expect(jwtVerify(await k1.sign(), after)).rejects.toThrow();
  });

  it('refuses a set stored before the key rules it breaks (e = 3): invalid_client', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    const sets = make(new FixedClock(0));
    await expect(
      sets.keysOf(client({ keys: [weak.publicKey.export({ format: 'jwk' }) as JWK] })),
    ).rejects.toMatchObject({
      error: 'invalid_client',
      description:
        "The client's registered jwks cannot be used: keys[0] is refused: an RSA key must use the public exponent 65537 (AQAB)",
    });
  });

  it('keeps sets apart per client, and imports a set again once its entry expired', async () => {
    const k1 = await key('k1');
    const clock = new FixedClock(0);
    const sets = make(clock);
    const a = await sets.keysOf(client({ keys: [k1.jwk] }, 'a'));
    expect(await sets.keysOf(client({ keys: [k1.jwk] }, 'b'))).not.toBe(a);
    clock.ms += 11 * 60_000;
    const again = await sets.keysOf(client({ keys: [k1.jwk] }, 'a'));
    expect(again).not.toBe(a);
    await expect(jwtVerify(await k1.sign(), again)).resolves.toBeDefined();
  });
});
