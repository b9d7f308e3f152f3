import { Logger } from '@nestjs/common';
import {
  SignJWT,
  base64url,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { TestClock } from '../../test/support/test-clock';
import { InvalidToken } from '../platform/errors/protocol-error';
import { AppConfig } from '../config/app-config';
import type { SignAccessTokenInput } from './access-token';
import {
  ACCESS_TOKEN_EXPIRED,
  ACCESS_TOKEN_FOR_ANOTHER_RESOURCE,
  ACCESS_TOKEN_INVALID,
  AccessTokenService,
} from './access-token.service';
import { withFlippedS } from '../../test/support/jws';
import { hasLowS } from './ecdsa-low-s';
import { SigningKeyService } from './signing-keys/signing-key.service';
import { InMemorySigningKeyRepository } from './signing-keys/testing/in-memory-signing-key.repository';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'https://api.test';
const TTL_SECONDS = 300;

const INPUT: SignAccessTokenInput = {
  sub: 'user-42',
  clientId: 'demo-client',
  scope: 'openid profile',
  authMethod: 'siwe',
  grantId: 'grant-7',
  extra: { tenant: 'acme' },
};

/** INPUT's claims as its token carries them, beside the extras, iat, exp and jti. */
const INPUT_CLAIMS = {
  iss: ISSUER,
  sub: 'user-42',
  aud: AUDIENCE,
  client_id: 'demo-client',
  scope: 'openid profile',
  auth_method: 'siwe',
  gid: 'grant-7',
};

function configFor(env: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({
    NODE_ENV: 'test',
    MONGODB_URI: 'mongodb://127.0.0.1:1/unit_test',
    ISSUER,
    ACCESS_TOKEN_AUDIENCE: AUDIENCE,
    ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
    KEY_ENCRYPTION_SECRET: 'unit-test-key-encryption-secret-0123456789',
    ...env,
  });
}

const encode = (value: object) => base64url.encode(JSON.stringify(value));

describe('AccessTokenService', () => {
  let repository: InMemorySigningKeyRepository;
  let clock: TestClock;
  let keys: SigningKeyService;
  let tokens: AccessTokenService;

  async function startInstance(env: Record<string, string> = {}) {
    const config = configFor(env);
    const keyService = new SigningKeyService(repository, config.tokens, clock);
    await keyService.onModuleInit();
    return {
      keys: keyService,
      tokens: new AccessTokenService(keyService, config.server, config.tokens, clock),
    };
  }

  /** A token signed with the service's real active key but with chosen header and claims. */
  async function forge(
    claims: JWTPayload,
    header: { typ?: string; kid?: string; alg?: string } = {},
    privateKey?: CryptoKey,
  ): Promise<string> {
    const active = await keys.signingKey();
    const now = clock.nowSeconds();
    return new SignJWT({
      iss: ISSUER,
      sub: 'user-42',
      aud: AUDIENCE,
      client_id: 'demo-client',
      scope: 'openid',
      auth_method: 'password',
      gid: 'grant-7',
      iat: now,
      exp: now + TTL_SECONDS,
      jti: 'forged-jti',
      ...claims,
    })
      .setProtectedHeader({ alg: active.alg, kid: active.kid, typ: 'at+jwt', ...header })
      .sign(privateKey ?? active.privateKey);
  }

  async function expectRejected(token: string, description = ACCESS_TOKEN_INVALID) {
    const error = await tokens.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidToken);
    const invalid = error as InvalidToken;
    expect(invalid.status).toBe(401);
    expect(invalid.description).toBe(description);
    expect(invalid.headers['WWW-Authenticate']).toBe(
      `Bearer realm="proofgate", error="invalid_token", error_description="${description}"`,
    );
  }

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    repository = new InMemorySigningKeyRepository();
    clock = new TestClock();
    ({ keys, tokens } = await startInstance());
  });

  it('signs an RFC 9068 JWT: at+jwt header with alg and kid, and exactly the agreed claims', async () => {
    const active = await keys.signingKey();

    const signed = await tokens.sign(INPUT);

    expect(decodeProtectedHeader(signed.token)).toEqual({
      alg: 'ES256',
      kid: active.kid,
      typ: 'at+jwt',
    });
    const payload = decodeJwt(signed.token);
    expect(payload).toEqual({
      ...INPUT_CLAIMS,
      tenant: 'acme',
      iat: expect.any(Number),
      exp: payload.iat! + TTL_SECONDS,
      jti: signed.jti,
    });
    expect(signed.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signed.expiresIn).toBe(TTL_SECONDS);
    expect(signed.expiresAt.getTime()).toBe(payload.exp! * 1000);
  });

  it('takes iat and exp from the Clock', async () => {
    clock.advance(86_400);

    const { token } = await tokens.sign(INPUT);

    const { iat } = decodeJwt(token);
    expect(Math.abs(iat! - (Math.floor(Date.now() / 1000) + 86_400))).toBeLessThanOrEqual(1);
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([tokens.sign(INPUT), tokens.sign(INPUT)]);
    expect(a.jti).not.toBe(b.jti);
  });

  it('produces tokens an independent verifier accepts with the published JWKS', async () => {
    const { token } = await tokens.sign(INPUT);

    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: await keys.publishedJwks() }),
      { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'] },
    );

    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.sub).toBe('user-42');
  });

  it('verifies its own token and returns the claims, extras apart', async () => {
    const signed = await tokens.sign(INPUT);

    const claims = await tokens.verify(signed.token);

    expect(claims).toEqual({
      ...INPUT_CLAIMS,
      jti: signed.jti,
      iat: expect.any(Number),
      exp: signed.expiresAt.getTime() / 1000,
      extra: { tenant: 'acme' },
    });
  });

  it('accepts a token until its exp and rejects it as expired from then on', async () => {
    // Frozen: the time this test takes on a loaded machine is no part of the margin.
    clock.freeze();
    const { token } = await tokens.sign(INPUT);

    // A second short of exp (iat is the signing time in whole seconds, rounded down).
    clock.advance(TTL_SECONDS - 1);
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-42' });

    clock.advance(1);
    await expectRejected(token, ACCESS_TOKEN_EXPIRED);
  });

  it('signs every ES256 token with a low-s signature, which an independent verifier accepts', async () => {
    const jwks = createLocalJWKSet({ keys: await keys.publishedJwks() });
    // WebCrypto leaves s high for about half its signatures: 64 unnormalised in a row would
    // happen once in 2^64 runs.
    for (let i = 0; i < 64; i += 1) {
      const { token } = await tokens.sign(INPUT);
      expect(hasLowS(token)).toBe(true);
      await jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
    }
  });

  it('rejects the high-s twin of its own token, which jose alone accepts (SEC 1 §4.1.4)', async () => {
    const { token } = await tokens.sign(INPUT);
    const twin = withFlippedS(token);
    expect(twin).not.toBe(token);
    // The malleability is real: the library verifies both encodings.
    await jwtVerify(twin, createLocalJWKSet({ keys: await keys.publishedJwks() }), {
      issuer: ISSUER,
      audience: AUDIENCE,
    });

    await expectRejected(twin);
    await expect(tokens.verify(twin, { anyAudience: true })).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a token whose payload was altered', async () => {
    const { token } = await tokens.sign(INPUT);
    const [header, , signature] = token.split('.');
    const tampered = [header, encode({ ...decodeJwt(token), sub: 'admin' }), signature].join('.');

    await expectRejected(tampered);
  });

  it('rejects a token for another audience, saying so', async () => {
    await expectRejected(
      await forge({ aud: 'https://other-api.test' }),
      ACCESS_TOKEN_FOR_ANOTHER_RESOURCE,
    );
  });

  it('signs for the requested resource (RFC 8707), which only an any-audience check accepts', async () => {
    const { token } = await tokens.sign({ ...INPUT, audience: 'https://calendar.test/' });
    expect(decodeJwt(token).aud).toBe('https://calendar.test/');
    await expectRejected(token, ACCESS_TOKEN_FOR_ANOTHER_RESOURCE);
    const claims = await tokens.verify(token, { anyAudience: true });
    expect(claims.aud).toBe('https://calendar.test/');
  });

  it('rejects a token from another issuer', async () => {
    await expectRejected(await forge({ iss: 'https://evil.test' }));
  });

  it('rejects a token without the at+jwt type (e.g. an ID token)', async () => {
    await expectRejected(await forge({}, { typ: 'JWT' }));
  });

  it('rejects an unsecured token (alg none)', async () => {
    const active = await keys.signingKey();
    const now = clock.nowSeconds();
    const unsecured = [
      encode({ alg: 'none', typ: 'at+jwt', kid: active.kid }),
      encode({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', iat: now, exp: now + 60, jti: 'x' }),
      '',
    ].join('.');

    await expectRejected(unsecured);
  });

  it('rejects HS256 keyed with the public key (algorithm confusion)', async () => {
    const [jwk] = await keys.publishedJwks();
    const now = clock.nowSeconds();
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', jti: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'at+jwt' })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));

    await expectRejected(token);
  });

  it('rejects a token signed by another key under our kid', async () => {
    const attacker = await generateKeyPair('ES256');
    await expectRejected(await forge({}, {}, attacker.privateKey));
  });

  it('rejects an RS256 header on our ES256 kid even when the RSA signature is valid', async () => {
    const attacker = await generateKeyPair('RS256');
    await expectRejected(await forge({}, { alg: 'RS256' }, attacker.privateKey));
  });

  it('rejects a token whose kid is unknown or missing', async () => {
    await expectRejected(await forge({}, { kid: 'A'.repeat(43) }));
    await expectRejected(await forge({}, { kid: undefined }));
  });

  it('rejects claims of the wrong shape', async () => {
    await expectRejected(await forge({ auth_method: 'magic-link' }));
    await expectRejected(await forge({ gid: undefined }));
    await expectRejected(await forge({ jti: undefined }));
    await expectRejected(await forge({ aud: [AUDIENCE, 'https://other-api.test'] }));
  });

  it('never signs past notAfter, and says so in expires_in', async () => {
    const now = clock.nowSeconds();
    const capped = await tokens.sign({ ...INPUT, notAfter: now + 60 });
    expect(decodeJwt(capped.token).exp).toBe(now + 60);
    expect(capped.expiresIn).toBe(60);
    const uncapped = await tokens.sign({ ...INPUT, notAfter: now + TTL_SECONDS * 2 });
    expect(uncapped.expiresIn).toBe(TTL_SECONDS);
  });

  it('carries an RFC 8693 act chain, and rejects a malformed or endless one', async () => {
    const act = { sub: 'agent', act: { sub: 'earlier-agent' } };
    const signed = await tokens.sign({ ...INPUT, act });
    expect(decodeJwt(signed.token).act).toEqual(act);
    expect((await tokens.verify(signed.token)).act).toEqual(act);
    await expectRejected(await forge({ act: 'agent' }));
    await expectRejected(await forge({ act: { sub: 'agent', act: { client: 'x' } } }));
    let endless: object = { sub: 'first' };
    for (let i = 0; i < 8; i += 1) endless = { sub: `agent-${i}`, act: endless };
    await expectRejected(await forge({ act: endless }));
  });

  it('rejects strings that are not JWTs', async () => {
    await expectRejected('');
    await expectRejected('not-a-jwt');
    await expectRejected('a.b.c');
  });

  it('never echoes the token in the error', async () => {
    const { token } = await tokens.sign(INPUT);
    const tampered = `${token.slice(0, -4)}AAAA`;

    const error = (await tokens.verify(tampered).catch((e: unknown) => e)) as InvalidToken;

    const signature = tampered.split('.')[2];
    const exposed = JSON.stringify([error.message, error.description, error.headers]);
    expect(exposed).not.toContain(signature);
    expect(exposed).not.toContain(tampered.split('.')[1]);
  });

  it('verifies tokens of a key rotated away, for as long as they live', async () => {
    const { token } = await tokens.sign(INPUT);
    await keys.rotate();

    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-42' });
    const next = await tokens.sign(INPUT);
    expect(decodeProtectedHeader(next.token).kid).not.toBe(decodeProtectedHeader(token).kid);
  });

  it('verifies a token signed by a key another instance just installed', async () => {
    const other = await startInstance();
    await other.keys.rotate();
    const { token } = await other.tokens.sign(INPUT);

    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-42' });
  });

  it('lets a failing key lookup surface as itself, not as an invalid token', async () => {
    const other = await startInstance();
    await other.keys.rotate();
    const { token } = await other.tokens.sign(INPUT);
    const outage = new Error('database unreachable');
    repository.failNextLookup = outage;

    await expect(tokens.verify(token)).rejects.toBe(outage);
  });

  it('refuses extra claims that would override a registered claim', async () => {
    await expect(tokens.sign({ ...INPUT, extra: { sub: 'admin' } })).rejects.toThrow(
      'Extra claim "sub" would override a registered claim',
    );
    await expect(tokens.sign({ ...INPUT, extra: { client_id: 'other' } })).rejects.toThrow(
      /client_id/,
    );
  });

  it('signs with RS256 when configured', async () => {
    repository = new InMemorySigningKeyRepository();
    ({ keys, tokens } = await startInstance({ TOKEN_SIGNING_ALG: 'RS256' }));

    const { token } = await tokens.sign(INPUT);

    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-42' });
  });
});
