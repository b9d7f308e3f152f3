import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  CompactSign,
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
} from 'jose';
import type { ChallengeStore } from '../../challenges/challenge-store';
import type { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidClient } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import type { OAuthClient } from '../oauth-client';
import type { ClientKeySets } from './client-key-sets';
import { ClientAssertionVerifier, assertedClientId } from './client-assertion.verifier';

const ISSUER = 'https://auth.example.com';
const NOW = 1_767_225_600;

class FixedClock extends Clock {
  now(): Date {
    return new Date(NOW * 1000);
  }
}

/** The challenge store's recordOnce, in memory: true the first time a key is seen. */
function memoryStore(): { store: ChallengeStore; ttls: number[] } {
  const seen = new Set<string>();
  const ttls: number[] = [];
  const store = {
    recordOnce: (_kind: string, key: string, ttlSeconds: number) => {
      ttls.push(ttlSeconds);
      if (seen.has(key)) return Promise.resolve(false);
      seen.add(key);
      return Promise.resolve(true);
    },
  } as unknown as ChallengeStore;
  return { store, ttls };
}

describe('ClientAssertionVerifier (RFC 7523 §3)', () => {
  let privateKey: CryptoKey;
  let client: OAuthClient;
  let verifier: ClientAssertionVerifier;
  let ttls: number[];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = await exportJWK(pair.publicKey);
    client = {
      clientId: 'agent',
      type: 'confidential',
      name: 'Agent',
      redirectUris: [],
      jwks: { keys: [jwk] },
    };
    const keySets = {
      keysOf: () => Promise.resolve(createLocalJWKSet({ keys: [jwk] })),
      refreshed: () => Promise.resolve(undefined),
    } as unknown as ClientKeySets;
    const memory = memoryStore();
    ttls = memory.ttls;
    verifier = new ClientAssertionVerifier(
      keySets,
      memory.store,
      new FixedClock(),
      new DomainEvents(new EventEmitter2()),
      { issuer: ISSUER } as ServerConfig,
    );
  });

  const sign = (claims: Record<string, unknown>, alg = 'ES256') =>
    new SignJWT({
      iss: 'agent',
      sub: 'agent',
      aud: ISSUER,
      iat: NOW,
      exp: NOW + 60,
      jti: `jti-${Math.random()}`,
      ...claims,
    })
      .setProtectedHeader({ alg })
      .sign(privateKey);

  const AUDIENCE_REFUSED = 'client_assertion aud must be the issuer identifier, as a single string';

  async function refusal(assertion: string): Promise<string> {
    try {
      await verifier.verify(client, assertion);
    } catch (error) {
      if (error instanceof InvalidClient) return error.description;
      throw error;
    }
    throw new Error('accepted');
  }

  it('accepts a well-formed assertion once, remembering its jti while it could be accepted', async () => {
    const assertion = await sign({ jti: 'once' });
    await expect(verifier.verify(client, assertion)).resolves.toBeUndefined();
    expect(ttls.at(-1)).toBe(60 + 30);
    expect(await refusal(assertion)).toBe('client_assertion was already used (jti replay)');
  });

  it('accepts aud = the issuer identifier, as a single string', async () => {
    await expect(verifier.verify(client, await sign({ aud: ISSUER }))).resolves.toBeUndefined();
  });

  it.each([
    [{ aud: 'https://other.example' }, AUDIENCE_REFUSED],
    [{ aud: `${ISSUER}/token` }, AUDIENCE_REFUSED],
    [{ aud: [ISSUER] }, AUDIENCE_REFUSED],
    [{ aud: ['https://x.example', ISSUER] }, AUDIENCE_REFUSED],
    [{ exp: NOW - 31, iat: NOW - 100 }, 'client_assertion expired'],
    [{ exp: NOW + 331 }, 'client_assertion exp must be at most 300 seconds ahead'],
    [{ exp: undefined }, 'client_assertion must have the exp claim'],
    [{ jti: undefined }, 'client_assertion must have the jti claim'],
    [{ jti: 'x'.repeat(257) }, 'client_assertion jti must be a string of 1 to 256 characters'],
    [{ iat: NOW + 31 }, 'client_assertion iat is in the future'],
    [{ nbf: NOW + 31 }, 'client_assertion is not valid yet (nbf)'],
    [{ iss: 'someone' }, 'client_assertion iss and sub must both be the client_id'],
    [{ sub: 'someone' }, 'client_assertion iss and sub must both be the client_id'],
  ])('refuses %j', async (claims, description) => {
    expect(await refusal(await sign(claims))).toBe(description);
  });

  it('refuses a claim named twice, naming it: another verifier may read the first', async () => {
    const claims = {
      iss: 'agent',
      sub: 'agent',
      aud: ISSUER,
      iat: NOW,
      exp: NOW + 60,
      jti: 'twice',
    };
    const text = JSON.stringify(claims).replace('{', '{"sub":"someone-else",');
    const assertion = await new CompactSign(new TextEncoder().encode(text))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey);
    expect(await refusal(assertion)).toBe('client_assertion names member "sub" twice');
    // The same claims, each once, are accepted.
    const once = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey);
    await expect(verifier.verify(client, once)).resolves.toBeUndefined();
  });

  it('allows 30 s of clock skew on exp, iat and nbf', async () => {
    await expect(
      verifier.verify(client, await sign({ exp: NOW - 29, iat: NOW + 29, nbf: NOW + 29 })),
    ).resolves.toBeUndefined();
    await expect(verifier.verify(client, await sign({ exp: NOW + 329 }))).resolves.toBeUndefined();
  });

  it('refuses HS256 and none before looking at any key', async () => {
    const hs = await new SignJWT({
      iss: 'agent',
      sub: 'agent',
      aud: ISSUER,
      exp: NOW + 60,
      jti: 'h',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    const expected =
      'client_assertion must be signed with ES256, PS256, RS256, EdDSA (never HS* or none)';
    expect(await refusal(hs)).toBe(expected);
    const [header, payload] = hs.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect(header).not.toBe('');
    expect(await refusal(none)).toBe(expected);
    expect(await refusal('not-a-jwt')).toBe('client_assertion must be one compact JWS');
  });

  it('reads the asserted client_id without verifying anything, and nothing from garbage', async () => {
    expect(assertedClientId(await sign({}))).toBe('agent');
    expect(assertedClientId('a.b.c')).toBeUndefined();
    expect(assertedClientId('x'.repeat(9000))).toBeUndefined();
  });
});
