import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { randomBytes } from 'node:crypto';
import { InvalidToken } from '../../../src/platform/errors/protocol-error';
import type { SignAccessTokenInput } from '../../../src/tokens/access-token';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import { IdTokenService } from '../../../src/tokens/id-token.service';
import { SIGNING_KEY_COLLECTION } from '../../../src/tokens/signing-keys/persistence/signing-key.schema';
import { PrivateKeyCipher } from '../../../src/tokens/signing-keys/private-key-cipher';
import {
  ACTIVE_SLOT,
  NEXT_SLOT,
  type NewSigningKey,
} from '../../../src/tokens/signing-keys/signing-key';
import { SigningKeyRepository } from '../../../src/tokens/signing-keys/signing-key.repository';
import {
  SigningKeyService,
  privateKeyAssociatedData,
} from '../../../src/tokens/signing-keys/signing-key.service';
import { TestApp, createTestApp, startupFailure } from '../../support/test-app';
import { useTestApp } from '../../support/use-test-app';

const INPUT: SignAccessTokenInput = {
  sub: 'user-1',
  clientId: 'demo-client',
  scope: 'openid',
  authMethod: 'password',
  grantId: 'grant-1',
};
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Another database on the same test server; its name keeps "test" in it, as all test DBs must. */
function freshDatabaseUri(label: string): string {
  const url = new URL(process.env.MONGODB_URI!);
  url.pathname = `/proofgate_test_tokens_${label}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

async function fetchJwks(t: TestApp): Promise<JSONWebKeySet> {
  const response = await t.http().get('/jwks.json').expect(200);
  return response.body as JSONWebKeySet;
}

/** The kids published for `alg` (ES256, TOKEN_SIGNING_ALG's default), newest first. */
const kidsOf = (jwks: JSONWebKeySet, alg = 'ES256') =>
  jwks.keys.filter((key) => key.alg === alg).map((key) => key.kid);
const SLOTS = { active: ACTIVE_SLOT, next: NEXT_SLOT };
const activeKid = async (t: TestApp) => (await t.app.get(SigningKeyService).signingKey()).kid;
const signToken = (t: TestApp) => t.app.get(AccessTokenService).sign(INPUT);

/** What a resource server does: verify against the JWK Set fetched from the service. */
async function verifyWithServedJwks(t: TestApp, token: string, jwks?: JSONWebKeySet) {
  return jwtVerify(token, createLocalJWKSet(jwks ?? (await fetchJwks(t))), {
    issuer: t.config.server.issuer,
    audience: t.config.tokens.audience,
    typ: 'at+jwt',
    algorithms: ['ES256', 'RS256'],
    currentDate: t.clock.now(),
  });
}

describe('Token signing keys and JWKS on the test MongoDB server', () => {
  const t = useTestApp();

  it('serves the active public key of each alg at /jwks.json, cacheable, with no private member', async () => {
    const response = await t.http().get('/jwks.json').expect(200);

    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // RS256 too, installed on this first need: discovery lists it for ID tokens (Discovery §3).
    const rsKid = (await t.app.get(SigningKeyService).signingKey('RS256')).kid;
    expect(response.body).toEqual({
      keys: [
        { kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: rsKid, alg: 'RS256', use: 'sig' },
        {
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: await activeKid(t),
          alg: 'ES256',
          use: 'sig',
        },
      ],
    });
    for (const key of response.body.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it('issues access tokens that a resource server verifies with the served JWKS', async () => {
    const { token, jti } = await signToken(t);

    const { payload, protectedHeader } = await verifyWithServedJwks(t, token);

    expect(protectedHeader).toEqual({ alg: 'ES256', kid: await activeKid(t), typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: t.config.server.issuer,
      aud: t.config.tokens.audience,
      sub: 'user-1',
      client_id: 'demo-client',
      jti,
    });
  });

  it('keeps the private key in MongoDB only encrypted under KEY_ENCRYPTION_SECRET', async () => {
    const stored = await t.connection
      .collection(SIGNING_KEY_COLLECTION)
      .findOne({ kid: await activeKid(t) });

    expect(stored).not.toBeNull();
    expect(Object.keys(stored!).sort()).toEqual(
      ['_id', 'alg', 'createdAt', 'encryptedPrivateKey', 'kid', 'publicJwk', 'slot'].sort(),
    );
    expect(Object.keys(stored!.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(stored!.encryptedPrivateKey).toEqual({
      v: 1,
      salt: expect.any(String),
      iv: expect.any(String),
      tag: expect.any(String),
      ciphertext: expect.any(String),
    });
    // The stored box really holds the private key, and nothing outside it reveals the key.
    const privateJwk = JSON.parse(
      await new PrivateKeyCipher(t.config.tokens.keyEncryptionSecret).open(
        stored!.encryptedPrivateKey,
        privateKeyAssociatedData(stored!.kid, stored!.alg),
      ),
    );
    expect(privateJwk.d).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain(privateJwk.d);
  });

  it('creates a unique sparse index on the active slot', async () => {
    const indexes = await t.connection.collection(SIGNING_KEY_COLLECTION).listIndexes().toArray();
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { slot: 1 }, unique: true, sparse: true }),
    );
  });

  it('has a second instance on the same database sign with the same key', async () => {
    const keys = t.connection.collection(SIGNING_KEY_COLLECTION);
    const stored = await keys.countDocuments();
    const second = await createTestApp();
    try {
      expect(await activeKid(second)).toBe(await activeKid(t));
      const { token } = await signToken(second);
      await expect(t.app.get(AccessTokenService).verify(token)).resolves.toMatchObject({
        sub: 'user-1',
      });
      expect(await keys.countDocuments()).toBe(stored);
      expect(await keys.countDocuments({ slot: ACTIVE_SLOT })).toBe(1);
    } finally {
      await second.close({ dropDatabase: false });
    }
  });

  it('refuses to start with another KEY_ENCRYPTION_SECRET, and leaves the keys alone', async () => {
    const before = await t.connection.collection(SIGNING_KEY_COLLECTION).find().toArray();

    const failure = await startupFailure({
      KEY_ENCRYPTION_SECRET: 'a-different-key-encryption-secret-0123456789',
    });

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^Cannot decrypt signing key \S+ stored in MongoDB: KEY_ENCRYPTION_SECRET is not the secret/,
    );
    expect(await t.connection.collection(SIGNING_KEY_COLLECTION).find().toArray()).toEqual(before);
  });

  describe('on a database of its own', () => {
    const opened: TestApp[] = [];
    const open = async (env: Record<string, string>) => {
      const app = await createTestApp(env);
      opened.push(app);
      return app;
    };
    afterEach(async () => {
      // The last one drops the shared database; the others only disconnect.
      for (const [index, app] of opened.entries()) {
        await app.close({ dropDatabase: index === opened.length - 1 });
      }
      opened.length = 0;
    });

    it('has two instances initialising at once on an empty database agree on one key', async () => {
      const uri = freshDatabaseUri('race');

      const [a, b] = await Promise.all([open({ MONGODB_URI: uri }), open({ MONGODB_URI: uri })]);

      expect(await activeKid(a)).toBe(await activeKid(b));
      const keys = a.connection.collection(SIGNING_KEY_COLLECTION);
      expect(await keys.countDocuments()).toBe(1);
      expect(await keys.countDocuments({ slot: ACTIVE_SLOT })).toBe(1);
      expect(kidsOf(await fetchJwks(b))).toEqual([await activeKid(a)]);
    });

    it('lets exactly one of many concurrent writers take a free active slot', async () => {
      const app = await open({ MONGODB_URI: freshDatabaseUri('slot') });
      const repository = app.app.get(SigningKeyRepository);
      const active = (await repository.findSlots(SLOTS)).active!;
      const candidate = (n: number): NewSigningKey => ({
        ...active,
        kid: `${active.kid.slice(0, 40)}-${String(n).padStart(2, '0')}`,
        encryptedPrivateKey: active.encryptedPrivateKey!,
      });

      const whileHeld = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => repository.insertActive(candidate(n), ACTIVE_SLOT)),
      );
      expect(whileHeld).toEqual([false, false, false, false, false]);

      expect(await repository.retire(active.kid, app.clock.now())).toBe(true);
      expect(await repository.retire(active.kid, app.clock.now())).toBe(false);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          repository.insertActive(candidate(10 + n), ACTIVE_SLOT),
        ),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      const keys = app.connection.collection(SIGNING_KEY_COLLECTION);
      expect(await keys.countDocuments({ slot: ACTIVE_SLOT })).toBe(1);
      expect(await keys.countDocuments()).toBe(2);
      const retired = await keys.findOne({ kid: active.kid });
      expect(retired).toMatchObject({ retiredAt: expect.any(Date) });
      expect(retired).not.toHaveProperty('slot');
      expect(retired).not.toHaveProperty('encryptedPrivateKey');
    });

    it('keeps one next key, promoted only into a free active slot, and by one writer', async () => {
      const app = await open({ MONGODB_URI: freshDatabaseUri('next') });
      const repository = app.app.get(SigningKeyRepository);
      const active = (await repository.findSlots(SLOTS)).active!;
      const activatesAt = new Date(app.clock.now().getTime() + 300_000);
      const candidate = (n: number) => ({
        ...active,
        kid: `${active.kid.slice(0, 40)}-${String(n).padStart(2, '0')}`,
        encryptedPrivateKey: active.encryptedPrivateKey!,
        activatesAt,
      });

      const inserted = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => repository.insertNext(candidate(n), NEXT_SLOT)),
      );
      expect(inserted.filter(Boolean)).toHaveLength(1);
      const { next } = await repository.findSlots(SLOTS);
      expect(next).toMatchObject({ activatesAt });
      expect(await repository.promoteNext(next!.kid, SLOTS)).toBe(false);

      expect(await repository.retire(active.kid, app.clock.now())).toBe(true);
      const promoted = await Promise.all(
        [1, 2, 3].map(() => repository.promoteNext(next!.kid, SLOTS)),
      );

      expect(promoted.filter(Boolean)).toHaveLength(1);
      const slots = await repository.findSlots(SLOTS);
      expect(slots).toEqual({ active: expect.objectContaining({ kid: next!.kid }), next: null });
      expect(slots.active).not.toHaveProperty('activatesAt');
      const keys = app.connection.collection(SIGNING_KEY_COLLECTION);
      expect(await keys.findOne({ kid: next!.kid })).toMatchObject({ slot: ACTIVE_SLOT });
      expect(await keys.countDocuments({ slot: { $exists: true } })).toBe(1);
    });

    it('publishes the RS256 key before any ID token needs it: a JWKS read first verifies the ID tokens of every instance', async () => {
      const uri = freshDatabaseUri('first');
      const [a, b] = await Promise.all([open({ MONGODB_URI: uri }), open({ MONGODB_URI: uri })]);
      // What a relying party does once, before it registers (the OpenID Foundation's plans too).
      const [jwksOfA, jwksOfB] = await Promise.all([fetchJwks(a), fetchJwks(b)]);
      expect(jwksOfB).toEqual(jwksOfA);
      expect(kidsOf(jwksOfA, 'RS256')).toHaveLength(1);

      for (const instance of [a, b]) {
        const idToken = await instance.app.get(IdTokenService).sign({
          sub: 'user-1',
          clientId: 'rp',
          authMethod: 'password',
          authTime: instance.clock.nowSeconds(),
          accessToken: 'an-access-token',
          alg: 'RS256',
        });
        await expect(
          jwtVerify(idToken, createLocalJWKSet(jwksOfA), {
            issuer: instance.config.server.issuer,
            audience: 'rp',
            algorithms: ['RS256'],
            currentDate: instance.clock.now(),
          }),
        ).resolves.toMatchObject({ protectedHeader: { kid: kidsOf(jwksOfA, 'RS256')[0] } });
      }
    });

    it('signs with RS256 when TOKEN_SIGNING_ALG=RS256', async () => {
      const rs = await open({ TOKEN_SIGNING_ALG: 'RS256', MONGODB_URI: freshDatabaseUri('rs') });

      const jwks = await fetchJwks(rs);
      const { token } = await signToken(rs);

      expect(jwks.keys.filter((key) => key.alg === 'RS256')).toEqual([
        {
          kty: 'RSA',
          n: expect.any(String),
          e: 'AQAB',
          kid: await activeKid(rs),
          alg: 'RS256',
          use: 'sig',
        },
      ]);
      expect(decodeProtectedHeader(token).alg).toBe('RS256');
      await expect(verifyWithServedJwks(rs, token, jwks)).resolves.toMatchObject({
        payload: { sub: 'user-1' },
      });
    });

    it('switches to a key of a newly configured alg, keeping the old one published', async () => {
      const uri = freshDatabaseUri('switch');
      const es = await open({ MONGODB_URI: uri });
      const esKid = await activeKid(es);
      const { token: esToken } = await signToken(es);

      const rs = await open({ MONGODB_URI: uri, TOKEN_SIGNING_ALG: 'RS256' });

      const rsKid = await activeKid(rs);
      const jwks = await fetchJwks(rs);
      expect(kidsOf(jwks, 'RS256')).toEqual([rsKid]);
      // ES256 is another alg now: a new key in its own slot, and the old one for its tokens.
      const esKids = kidsOf(jwks, 'ES256');
      expect(esKids).toHaveLength(2);
      expect(esKids[1]).toBe(esKid);
      await expect(verifyWithServedJwks(rs, esToken, jwks)).resolves.toBeDefined();
      await expect(rs.app.get(AccessTokenService).verify(esToken)).resolves.toMatchObject({
        sub: 'user-1',
      });
    });

    it('keeps a rotated-out key in the JWKS until its tokens have expired, then drops it', async () => {
      const app = await open({ MONGODB_URI: freshDatabaseUri('rotate') });
      const keys = app.app.get(SigningKeyService);
      const oldKid = await activeKid(app);
      const { token: oldToken } = await signToken(app);

      const [{ kid: newKid }] = await keys.rotate();

      expect(newKid).not.toBe(oldKid);
      const { token: newToken } = await signToken(app);
      expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
      const jwks = await fetchJwks(app);
      expect(kidsOf(jwks)).toEqual([newKid, oldKid]);
      await expect(verifyWithServedJwks(app, oldToken, jwks)).resolves.toBeDefined();
      await expect(verifyWithServedJwks(app, newToken, jwks)).resolves.toBeDefined();

      // Margins of a few seconds: the TestClock runs on real time plus the advanced offset.
      app.clock.advance(keys.retiredKeyLifetimeSeconds - 5);
      expect(kidsOf(await fetchJwks(app))).toEqual([newKid, oldKid]);

      app.clock.advance(10);
      const later = await fetchJwks(app);
      expect(kidsOf(later)).toEqual([newKid]);
      expect(keys.retiredKeyLifetimeSeconds).toBeGreaterThan(
        app.config.tokens.accessTokenTtlSeconds,
      );
      await expect(verifyWithServedJwks(app, oldToken, later)).rejects.toThrow();
      await expect(app.app.get(AccessTokenService).verify(oldToken)).rejects.toBeInstanceOf(
        InvalidToken,
      );
    });
  });
});
