import { Logger } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, type JWK } from 'jose';
import { ReusedKeyPairs } from '../../../test/support/reused-key-pairs';
import { TestClock } from '../../../test/support/test-clock';
import { AppConfig } from '../../config/app-config';
import { signCompactJws } from '../compact-jws';
import { PrivateKeyCipher } from './private-key-cipher';
import {
  ACTIVE_KEY_RECHECK_SECONDS,
  NEXT_KEY_PUBLISH_SECONDS,
  SigningKeyDecryptionError,
  SigningKeyService,
  privateKeyAssociatedData,
} from './signing-key.service';
import { InMemorySigningKeyRepository } from './testing/in-memory-signing-key.repository';

const SECRET = 'unit-test-key-encryption-secret-0123456789';
const TTL_SECONDS = 600;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function configFor(env: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({
    NODE_ENV: 'test',
    MONGODB_URI: 'mongodb://127.0.0.1:1/unit_test',
    ISSUER: 'https://issuer.test',
    KEY_ENCRYPTION_SECRET: SECRET,
    ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
    ...env,
  });
}

/** The kids the JWKS publishes for `alg`, newest first. */
async function publishedKids(service: SigningKeyService, alg = 'ES256'): Promise<string[]> {
  return (await service.publishedJwks()).filter((jwk) => jwk.alg === alg).map((jwk) => jwk.kid);
}

async function decryptStoredPrivateJwk(repository: InMemorySigningKeyRepository): Promise<JWK> {
  const [stored] = repository.keys;
  const plaintext = await new PrivateKeyCipher(SECRET).open(
    stored.encryptedPrivateKey!,
    privateKeyAssociatedData(stored.kid, stored.alg),
  );
  return JSON.parse(plaintext) as JWK;
}

describe('SigningKeyService', () => {
  let repository: InMemorySigningKeyRepository;
  let clock: TestClock;
  // Each test's repository is a database of its own: its keys are distinct, and the pairs
  // generated for one test serve the next (an RS256 pair is ~0.25 s of CPU to generate).
  let pairs: ReusedKeyPairs;
  let tests = 0;

  const create = (env: Record<string, string> = {}) =>
    new SigningKeyService(repository, configFor(env).tokens, clock, pairs);
  const start = async (env: Record<string, string> = {}) => {
    const service = create(env);
    await service.onModuleInit();
    return service;
  };
  /**
   * Keys are listed newest first by `createdAt`, and with reused pairs two keys can be made within
   * one millisecond (then the older may come first): a test that expects that order makes the
   * keys that follow a second later on its clock.
   */
  const newerKeysLater = () => clock.advance(1);

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    repository = new InMemorySigningKeyRepository();
    clock = new TestClock();
    pairs = new ReusedKeyPairs(`signing-key-service-spec-${++tests}`);
  });

  it('generates one ES256 key on first start, named by its RFC 7638 thumbprint', async () => {
    const service = await start();

    expect(repository.keys).toHaveLength(1);
    const [stored] = repository.keys;
    expect(stored.alg).toBe('ES256');
    expect(stored.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
    expect(stored.kid).toBe(await calculateJwkThumbprint(stored.publicJwk, 'sha256'));
    expect(stored.retiredAt).toBeUndefined();
    expect(await service.signingKey()).toMatchObject({ kid: stored.kid, alg: 'ES256' });
  });

  it('signs with a KeyObject made from the JWK, never KeyObject.from a CryptoKey (DEP0204)', async () => {
    // Node 24 warns on KeyObject.from of a non-extractable CryptoKey, and a later major throws:
    // neither a restart (the stored key) nor a new key of either alg may come to it.
    const from = jest.spyOn(KeyObject, 'from');
    try {
      for (const service of [await start(), await start()]) {
        for (const alg of ['ES256', 'RS256'] as const) {
          const { kid, privateKey } = await service.signingKey(alg);
          expect(privateKey).toBeInstanceOf(KeyObject);
          const token = signCompactJws({ alg, kid }, { sub: 'alice' }, privateKey);
          const verification = await service.verificationKey(kid);
          expect(verification?.publicKey.extractable).toBe(true);
          const { payload } = await compactVerify(token, verification!.publicKey);
          expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual({ sub: 'alice' });
        }
      }
      expect(from).not.toHaveBeenCalled();
    } finally {
      from.mockRestore();
    }
  });

  it('stores the private key only encrypted', async () => {
    await start();

    const privateJwk = await decryptStoredPrivateJwk(repository);
    expect(privateJwk.d).toEqual(expect.any(String));
    expect(JSON.stringify(repository.keys)).not.toContain(privateJwk.d);
  });

  it('signs with the stored key after a restart or on another instance', async () => {
    const first = await start();
    const second = await start();

    expect((await second.signingKey()).kid).toBe((await first.signingKey()).kid);
    expect(repository.keys).toHaveLength(1);
  });

  it('lets two instances starting at once on an empty store settle on one key', async () => {
    const [a, b] = await Promise.all([start(), start()]);

    expect(repository.insertsRefused).toBe(1);
    expect(repository.keys).toHaveLength(1);
    expect((await a.signingKey()).kid).toBe(repository.keys[0].kid);
    expect((await b.signingKey()).kid).toBe(repository.keys[0].kid);
  });

  it('refuses to start with another secret, leaving the stored keys untouched', async () => {
    await start();
    const before = structuredClone(repository.keys);

    const wrong = start({ KEY_ENCRYPTION_SECRET: 'a-different-key-encryption-secret-987654321' });

    await expect(wrong).rejects.toBeInstanceOf(SigningKeyDecryptionError);
    await expect(wrong).rejects.toThrow(/KEY_ENCRYPTION_SECRET is not the secret/);
    expect(repository.keys).toEqual(before);
  });

  it('refuses another secret even when the alg changed too, instead of replacing the key', async () => {
    await start();
    const before = structuredClone(repository.keys);

    await expect(
      start({
        TOKEN_SIGNING_ALG: 'RS256',
        KEY_ENCRYPTION_SECRET: 'a-different-key-encryption-secret-987654321',
      }),
    ).rejects.toBeInstanceOf(SigningKeyDecryptionError);
    expect(repository.keys).toEqual(before);
  });

  it('installs a key of the newly configured alg and retires the old one', async () => {
    const es = await start();
    const oldKid = (await es.signingKey()).kid;
    newerKeysLater();

    const rs = await start({ TOKEN_SIGNING_ALG: 'RS256' });

    const active = await rs.signingKey();
    expect(active.alg).toBe('RS256');
    expect(active.kid).not.toBe(oldKid);
    const old = repository.keys.find((key) => key.kid === oldKid)!;
    expect(old.retiredAt).toEqual(expect.any(Date));
    expect(old.encryptedPrivateKey).toBeUndefined();
    expect(await publishedKids(rs, 'RS256')).toEqual([active.kid]);
    // ES256 is another alg now: a key of its own, and the old one verifying its last tokens.
    const esKids = await publishedKids(rs, 'ES256');
    expect(esKids).toHaveLength(2);
    expect(esKids[1]).toBe(oldKid);
    expect(repository.keys.find((key) => key.kid === esKids[0])!.slot).toBe('active:ES256');
  });

  it('publishes only public members, with kid, alg and use', async () => {
    const es = await start();
    await es.rotate();
    const jwks = await es.publishedJwks();
    const esJwk = jwks.find((jwk) => jwk.alg === 'ES256')!;
    expect(Object.keys(esJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(esJwk).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    const rsJwk = jwks.find((jwk) => jwk.alg === 'RS256')!;
    expect(Object.keys(rsJwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(rsJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(jwks).toHaveLength(3);
    for (const jwk of jwks) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    }
  });

  it('rotates: the old key verifies until its last token can have expired, then disappears', async () => {
    const service = await start();
    const oldKid = (await service.signingKey()).kid;
    // To the second, whatever the machine's load: the first JWKS generates an RSA key (seconds on
    // a loaded machine), which real time passing would take from the one-second margins below.
    clock.freeze();
    newerKeysLater();

    const [{ kid: newKid }] = await service.rotate();

    expect(newKid).not.toBe(oldKid);
    expect((await service.signingKey()).kid).toBe(newKid);
    expect(service.retiredKeyLifetimeSeconds).toBe(TTL_SECONDS + ACTIVE_KEY_RECHECK_SECONDS);
    expect(await publishedKids(service)).toEqual([newKid, oldKid]);

    clock.advance(service.retiredKeyLifetimeSeconds - 1);
    expect(await publishedKids(service)).toEqual([newKid, oldKid]);
    expect(await service.verificationKey(oldKid)).toMatchObject({ kid: oldKid });

    clock.advance(2);
    expect(await publishedKids(service)).toEqual([newKid]);
    expect(await service.verificationKey(oldKid)).toBeUndefined();
    expect(await service.verificationKey(newKid)).toMatchObject({ kid: newKid });
  });

  it('coalesces rotations started on two instances at once into one new key', async () => {
    const [a, b] = [await start(), await start()];

    const [[fromA], [fromB]] = await Promise.all([a.rotate(), b.rotate()]);

    expect(fromA.kid).toBe(fromB.kid);
    expect(repository.keys).toHaveLength(2);
    expect(repository.keys.filter((key) => !key.retiredAt)).toHaveLength(1);
  });

  it('follows a rotation made by another instance once the recheck interval has passed', async () => {
    const a = await start();
    const b = await start();
    const oldKid = (await a.signingKey()).kid;

    const [{ kid: newKid }] = await b.rotate();

    expect((await a.signingKey()).kid).toBe(oldKid);
    clock.advance(ACTIVE_KEY_RECHECK_SECONDS);
    expect((await a.signingKey()).kid).toBe(newKid);
  });

  it('loads the public key of a kid another instance created', async () => {
    const a = await start();
    const b = await start();
    const [{ kid }] = await b.rotate();

    expect(await a.verificationKey(kid)).toMatchObject({ kid, alg: 'ES256' });
  });

  describe('scheduled rotation (next key pre-published)', () => {
    it('publishes the next key at once but keeps signing with the active one until it is due', async () => {
      const service = await start();
      const oldKid = (await service.signingKey()).kid;
      newerKeysLater();

      const before = clock.now().getTime();
      const [scheduled, ...others] = await service.scheduleRotation();

      expect(others).toEqual([]);
      expect(scheduled).toEqual({
        kid: expect.any(String),
        alg: 'ES256',
        activatesAt: expect.any(Date),
        created: true,
      });
      // The TestClock runs on real time plus its offset: "now" moves while the key is generated.
      const delay = scheduled.activatesAt.getTime() - before;
      expect(delay).toBeGreaterThanOrEqual(NEXT_KEY_PUBLISH_SECONDS * 1000);
      expect(delay).toBeLessThan((NEXT_KEY_PUBLISH_SECONDS + 5) * 1000);
      expect(NEXT_KEY_PUBLISH_SECONDS).toBeGreaterThanOrEqual(300);
      expect(await publishedKids(service)).toEqual([scheduled.kid, oldKid]);
      // Past the recheck interval, but not yet due: the active key still signs.
      clock.advance(NEXT_KEY_PUBLISH_SECONDS - 5);
      expect((await service.signingKey()).kid).toBe(oldKid);
      expect(await service.verificationKey(scheduled.kid)).toMatchObject({ kid: scheduled.kid });
    });

    it('stores the next key encrypted, like the active one', async () => {
      const service = await start();
      const [{ kid }] = await service.scheduleRotation();

      const next = repository.keys.find((key) => key.kid === kid)!;
      expect(next.encryptedPrivateKey).toEqual(expect.objectContaining({ v: 1 }));
      expect(JSON.stringify(next)).not.toMatch(/"d":/);
    });

    it('signs with the next key once due, and keeps the old one verifying for its tokens', async () => {
      const service = await start();
      const oldKid = (await service.signingKey()).kid;
      newerKeysLater();
      const [{ kid: nextKid }] = await service.scheduleRotation();

      // The one-second margins below hold whatever the first JWKS's RSA key takes (see `rotates`).
      clock.freeze();
      clock.advance(NEXT_KEY_PUBLISH_SECONDS);

      const before = clock.now();
      expect((await service.signingKey()).kid).toBe(nextKid);
      const retired = repository.keys.find((key) => key.kid === oldKid)!;
      expect(retired.retiredAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(retired.retiredAt!.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      expect(retired.encryptedPrivateKey).toBeUndefined();
      expect(repository.keys.find((key) => key.kid === nextKid)!.activatesAt).toBeUndefined();
      expect(await publishedKids(service)).toEqual([nextKid, oldKid]);

      clock.advance(service.retiredKeyLifetimeSeconds - 1);
      expect(await service.verificationKey(oldKid)).toMatchObject({ kid: oldKid });
      clock.advance(2);
      expect(await service.verificationKey(oldKid)).toBeUndefined();
      expect(await publishedKids(service)).toEqual([nextKid]);
    });

    it('has every instance settle on the next key, whichever promotes it', async () => {
      const [a, b, c] = [await start(), await start(), await start()];
      const [{ kid: nextKid }] = await a.scheduleRotation();

      clock.advance(NEXT_KEY_PUBLISH_SECONDS);
      const kids = await Promise.all([a, b, c].map(async (s) => (await s.signingKey()).kid));

      expect(kids).toEqual([nextKid, nextKid, nextKid]);
      expect(repository.keys).toHaveLength(2);
      expect(repository.keys.filter((key) => !key.retiredAt)).toHaveLength(1);
    });

    it('keeps one rotation pending at a time: scheduling again returns the pending key', async () => {
      const a = await start();
      const b = await start();

      const [[first], [second]] = await Promise.all([a.scheduleRotation(), b.scheduleRotation()]);
      const [third] = await a.scheduleRotation();

      expect(second.kid).toBe(first.kid);
      expect(third).toEqual({ ...first, created: false });
      expect([first.created, second.created].sort()).toEqual([false, true]);
      expect(repository.keys).toHaveLength(2);
    });

    it('rotates at once to the pending next key when asked to rotate now', async () => {
      const service = await start();
      const oldKid = (await service.signingKey()).kid;
      const [{ kid: nextKid }] = await service.scheduleRotation();

      await expect(service.rotate()).resolves.toEqual([{ kid: nextKid, alg: 'ES256' }]);

      expect((await service.signingKey()).kid).toBe(nextKid);
      expect(repository.keys.map((key) => key.kid).sort()).toEqual([oldKid, nextKid].sort());
    });

    it('describes every key: next, active, retired with the time it leaves the JWKS', async () => {
      const service = await start();
      const firstKid = (await service.signingKey()).kid;
      newerKeysLater();
      const [{ kid: secondKid }] = await service.rotate();
      const { retiredAt } = repository.keys.find((key) => key.kid === firstKid)!;
      clock.advance(service.retiredKeyLifetimeSeconds + 60);
      const [{ kid: nextKid, activatesAt }] = await service.scheduleRotation();

      // Dates as ISO strings: the in-memory store's structuredClone makes Dates of another realm.
      const described = JSON.parse(JSON.stringify(await service.describeKeys())) as unknown;

      const iso = (date: Date) => date.toISOString();
      expect(described).toEqual([
        {
          kid: nextKid,
          alg: 'ES256',
          state: 'next',
          createdAt: expect.any(String),
          activatesAt: iso(activatesAt),
        },
        { kid: secondKid, alg: 'ES256', state: 'active', createdAt: expect.any(String) },
        {
          kid: firstKid,
          alg: 'ES256',
          state: 'retired',
          createdAt: expect.any(String),
          retiredAt: iso(retiredAt!),
          publishedUntil: iso(
            new Date(retiredAt!.getTime() + service.retiredKeyLifetimeSeconds * 1000),
          ),
        },
      ]);
    });

    it('replaces a pending next key of another alg than the configured one', async () => {
      await start();
      const es = await start();
      const [{ kid: esNext }] = await es.scheduleRotation();

      const rs = await start({ TOKEN_SIGNING_ALG: 'RS256' });

      const active = await rs.signingKey();
      expect(active.alg).toBe('RS256');
      expect(repository.keys.find((key) => key.kid === esNext)!.retiredAt).toEqual(
        expect.any(Date),
      );
      const scheduled = await rs.scheduleRotation();
      expect(scheduled).toEqual([expect.objectContaining({ alg: 'RS256', created: true })]);
    });
  });

  describe('a key per alg (OpenID Connect Registration §2 id_token_signed_response_alg)', () => {
    it('publishes a key of every alg: the configured one from the start, another on first need', async () => {
      const service = await start();
      expect(repository.keys.map((key) => [key.alg, key.slot])).toEqual([['ES256', 'active']]);

      const jwks = await service.publishedJwks();

      expect(jwks.map((jwk) => jwk.alg).sort()).toEqual(['ES256', 'RS256']);
      expect(repository.keys.map((key) => [key.alg, key.slot])).toEqual([
        ['ES256', 'active'],
        ['RS256', 'active:RS256'],
      ]);
      const rs = await service.signingKey('RS256');
      expect(rs).toMatchObject({ alg: 'RS256', kid: jwks.find((jwk) => jwk.alg === 'RS256')!.kid });
      expect(await service.signingKey()).toMatchObject({ alg: 'ES256' });
      expect(await service.verificationKey(rs.kid)).toMatchObject({ kid: rs.kid, alg: 'RS256' });
      // Another instance signs with the same RS256 key, and installs nothing.
      expect((await (await start()).signingKey('RS256')).kid).toBe(rs.kid);
      expect(repository.keys).toHaveLength(2);
    });

    it('lets instances that need another alg at once settle on one key of it', async () => {
      const [a, b] = [await start(), await start()];

      const [fromA, fromB] = await Promise.all([a.signingKey('RS256'), b.signingKey('RS256')]);

      expect(fromA.kid).toBe(fromB.kid);
      expect(repository.insertsRefused).toBe(1);
      expect(repository.keys.filter((key) => key.alg === 'RS256')).toHaveLength(1);
    });

    it('rotates every installed alg, and the other alg follows on its next use', async () => {
      const a = await start();
      const b = await start();
      const rsBefore = (await a.signingKey('RS256')).kid;
      newerKeysLater();

      const scheduled = await b.scheduleRotation();

      expect(scheduled.map((next) => [next.alg, next.created])).toEqual([
        ['ES256', true],
        ['RS256', true],
      ]);
      expect(await publishedKids(a, 'RS256')).toEqual([scheduled[1].kid, rsBefore]);
      clock.advance(NEXT_KEY_PUBLISH_SECONDS);
      expect((await a.signingKey('RS256')).kid).toBe(scheduled[1].kid);
      expect((await a.signingKey()).kid).toBe(scheduled[0].kid);

      const rotated = await a.rotate();
      expect(rotated.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
      expect((await a.signingKey('RS256')).kid).toBe(rotated[1].kid);
      expect(repository.keys.filter((key) => key.slot !== undefined)).toHaveLength(2);
    });

    it('retires the own keys of an alg once it is the configured one', async () => {
      const es = await start();
      const rsBefore = (await es.signingKey('RS256')).kid;

      const rs = await start({ TOKEN_SIGNING_ALG: 'RS256' });

      const active = await rs.signingKey();
      expect(active.kid).not.toBe(rsBefore);
      expect(repository.keys.find((key) => key.kid === rsBefore)).toMatchObject({
        retiredAt: expect.any(Date),
      });
      expect(repository.keys.find((key) => key.kid === rsBefore)!.slot).toBeUndefined();
      expect((await rs.signingKey('ES256')).alg).toBe('ES256');
      expect(
        repository.keys
          .filter((key) => key.slot)
          .map((key) => key.slot)
          .sort(),
      ).toEqual(['active', 'active:ES256']);
    });
  });

  it('does not query the store for a kid that cannot be a thumbprint', async () => {
    const service = await start();
    const findByKid = jest.spyOn(repository, 'findByKid');

    expect(await service.verificationKey('{"$ne":null}')).toBeUndefined();
    expect(await service.verificationKey('A'.repeat(43))).toBeUndefined();
    expect(findByKid).toHaveBeenCalledTimes(1);
    expect(findByKid).toHaveBeenCalledWith('A'.repeat(43));
  });
});
