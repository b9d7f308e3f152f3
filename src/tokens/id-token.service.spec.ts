import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { TestClock } from '../../test/support/test-clock';
import { AppConfig } from '../config/app-config';
import type { SignIdTokenInput } from './id-token';
import { hasLowS } from './ecdsa-low-s';
import { IdTokenService, accessTokenHash } from './id-token.service';
import { IssuerJwtSigner } from './issuer-jwt.signer';
import { SigningKeyService } from './signing-keys/signing-key.service';
import { InMemorySigningKeyRepository } from './signing-keys/testing/in-memory-signing-key.repository';

const ISSUER = 'https://issuer.test';
const TTL_SECONDS = 300;

const INPUT: SignIdTokenInput = {
  sub: 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  clientId: 'demo-spa',
  authMethod: 'siwe',
  authTime: 1_767_225_600,
  nonce: 'n-0S6_WzA2Mj',
  accessToken: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
};

function configFor(alg: string): AppConfig {
  return AppConfig.fromEnv({
    NODE_ENV: 'test',
    MONGODB_URI: 'mongodb://127.0.0.1:1/unit_test',
    ISSUER,
    ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
    TOKEN_SIGNING_ALG: alg,
    KEY_ENCRYPTION_SECRET: 'unit-test-key-encryption-secret-0123456789',
  });
}

describe('IdTokenService', () => {
  it('signs every ES256 ID token with a low-s signature (one encoding per token)', async () => {
    const clock = new TestClock();
    const config = configFor('ES256');
    const keys = new SigningKeyService(new InMemorySigningKeyRepository(), config.tokens, clock);
    await keys.onModuleInit();
    const idTokens = new IdTokenService(
      new IssuerJwtSigner(keys, config.server, clock),
      config.tokens,
    );
    const jwks = createLocalJWKSet({ keys: await keys.publishedJwks() });
    for (let i = 0; i < 64; i += 1) {
      const idToken = await idTokens.sign(INPUT);
      expect(hasLowS(idToken)).toBe(true);
      await jwtVerify(idToken, jwks, { issuer: ISSUER, audience: INPUT.clientId });
    }
  });

  it.each(['ES256', 'RS256'] as const)(
    'signs with the client’s id_token_signed_response_alg %s, whatever TOKEN_SIGNING_ALG is',
    async (alg) => {
      const clock = new TestClock();
      const config = configFor(alg === 'ES256' ? 'RS256' : 'ES256');
      const keys = new SigningKeyService(new InMemorySigningKeyRepository(), config.tokens, clock);
      await keys.onModuleInit();
      const idTokens = new IdTokenService(
        new IssuerJwtSigner(keys, config.server, clock),
        config.tokens,
      );

      const idToken = await idTokens.sign({ ...INPUT, alg });

      const { protectedHeader } = await jwtVerify(
        idToken,
        createLocalJWKSet({ keys: await keys.publishedJwks() }),
        { issuer: ISSUER, audience: INPUT.clientId, algorithms: [alg] },
      );
      expect(protectedHeader.kid).toBe((await keys.signingKey(alg)).kid);
      expect(protectedHeader.kid).not.toBe((await keys.signingKey()).kid);
    },
  );

  it.each(['ES256', 'RS256'])(
    'signs with the active %s key: OpenID Connect Core §2 claims, at_hash of that alg',
    async (alg) => {
      const clock = new TestClock();
      const config = configFor(alg);
      const keys = new SigningKeyService(new InMemorySigningKeyRepository(), config.tokens, clock);
      await keys.onModuleInit();

      const before = clock.nowSeconds();
      const idToken = await new IdTokenService(
        new IssuerJwtSigner(keys, config.server, clock),
        config.tokens,
      ).sign(INPUT);
      const after = clock.nowSeconds();

      const { payload, protectedHeader } = await jwtVerify(
        idToken,
        createLocalJWKSet({ keys: await keys.publishedJwks() }),
        { issuer: ISSUER, audience: INPUT.clientId, typ: 'JWT', algorithms: [alg] },
      );
      expect(protectedHeader.kid).toBe((await keys.signingKey()).kid);
      // SHA-256 for both algs, left 128 bits: computed here without the service's helper.
      const half = createHash('sha256').update(INPUT.accessToken).digest().subarray(0, 16);
      expect(payload).toEqual({
        iss: ISSUER,
        sub: INPUT.sub,
        aud: INPUT.clientId,
        iat: payload.iat,
        exp: (payload.iat ?? 0) + TTL_SECONDS,
        auth_time: INPUT.authTime,
        nonce: INPUT.nonce,
        at_hash: half.toString('base64url'),
        amr: ['siwe'],
      });
      // The clock runs in real time: the signing second lies between the two readings.
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.iat).toBeLessThanOrEqual(after);
    },
  );

  it('leaves nonce out when the request had none, and says pwd for a password login', async () => {
    const clock = new TestClock();
    const config = configFor('ES256');
    const keys = new SigningKeyService(new InMemorySigningKeyRepository(), config.tokens, clock);
    await keys.onModuleInit();

    const idToken = await new IdTokenService(
      new IssuerJwtSigner(keys, config.server, clock),
      config.tokens,
    ).sign({
      ...INPUT,
      nonce: undefined,
      sub: 'user0',
      authMethod: 'password',
    });

    const { payload } = await jwtVerify(
      idToken,
      createLocalJWKSet({ keys: await keys.publishedJwks() }),
    );
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.amr).toEqual(['pwd']);
  });

  it('hashes the access token with the hash of the alg and keeps its left half', () => {
    expect(Buffer.from(accessTokenHash('token', 'ES256'), 'base64url')).toHaveLength(16);
    expect(accessTokenHash('token', 'RS256')).toBe(accessTokenHash('token', 'ES256'));
  });
});
