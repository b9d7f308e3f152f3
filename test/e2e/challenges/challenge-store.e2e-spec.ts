import { mongo } from 'mongoose';
import { ChallengeStore } from '../../../src/challenges/challenge-store';
import { CHALLENGE_COLLECTION } from '../../../src/challenges/persistence/challenge.schema';
import { randomToken, sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { ttlPass } from '../../support/ttl-pass';
import { useTestApp } from '../../support/use-test-app';

describe('ChallengeStore on the test MongoDB server', () => {
  let store: ChallengeStore;

  const t = useTestApp();
  beforeAll(() => {
    store = t.app.get(ChallengeStore);
  });

  const binding = { client_id: 'demo-client', redirect_uri: 'http://localhost:25001/callback' };
  const issueCode = (key = randomToken(), ttlSeconds = 60) =>
    store.issue({
      kind: 'authorization_code',
      key,
      binding,
      payload: { sub: 'user0' },
      ttlSeconds,
    });

  /** Each key as a code whose payload names a user of its own: `user<its index>`. */
  const issueEachOwn = (keys: readonly string[]) =>
    Promise.all(
      keys.map((key, i) =>
        store.issue({
          kind: 'authorization_code',
          key,
          binding,
          payload: { sub: `user${i}` },
          ttlSeconds: 60,
        }),
      ),
    );

  const replayOf = (key: string, sameBinding = true) => ({
    ok: false,
    reason: 'replayed',
    keyHash: sha256Base64Url(key),
    binding,
    sameBinding,
  });

  it('redeems a challenge once, returning its payload, then recognises every replay', async () => {
    const key = randomToken();
    await issueCode(key);

    const first = await store.consume<{ sub: string }>('authorization_code', key, binding);
    expect(first).toMatchObject({ ok: true, challenge: { payload: { sub: 'user0' }, binding } });

    expect(await store.consume('authorization_code', key, binding)).toEqual(replayOf(key));
    const other = await store.consume('authorization_code', key, { ...binding, client_id: 'x' });
    expect(other).toEqual(replayOf(key, false));
  });

  it('gives exactly one success to 50 concurrent consumes of one challenge; the rest see a replay', async () => {
    const key = randomToken();
    await issueCode(key);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.consume('authorization_code', key, binding)),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // Never mistaken for an unknown challenge, however closely it raced the redemption.
    expect(results.filter((r) => !r.ok)).toEqual(Array(49).fill(replayOf(key)));
  });

  it('deletes the payload in the redeeming operation and keeps no secret (delete-on-use)', async () => {
    const key = randomToken();
    await issueCode(key);
    expect((await store.consume('authorization_code', key, binding)).ok).toBe(true);
    const left = await t.connection
      .collection(CHALLENGE_COLLECTION)
      .findOne({ _id: sha256Base64Url(key) as never });
    // The spent marker: no payload, no key, and the TTL index deletes it at the original expiry.
    expect(left).not.toHaveProperty('payload');
    expect(left?.spentAt).toEqual(expect.any(Date));
    expect(JSON.stringify(left)).not.toContain(key);
  });

  it('does not list or count a spent challenge as live, nor let peek see it', async () => {
    const key = randomToken();
    await issueCode(key);
    expect(await store.peek('authorization_code', key)).not.toBeNull();
    const liveBefore = await store.countLive('authorization_code');
    expect((await store.consume('authorization_code', key, binding)).ok).toBe(true);
    expect(await store.countLive('authorization_code')).toBe(liveBefore - 1);
    expect(await store.peek('authorization_code', key)).toBeNull();
    const hashes = (await store.listLive('authorization_code')).map((c) => c.keyHash);
    expect(hashes).not.toContain(sha256Base64Url(key));
  });

  it('counts attempts atomically up to the maximum, however many race, and none on a dead challenge', async () => {
    const key = randomToken();
    await issueCode(key);
    const counted = await Promise.all(
      Array.from({ length: 20 }, () => store.countAttempt('authorization_code', key, 3)),
    );
    expect(counted.filter((n) => n !== null).sort()).toEqual([1, 2, 3]);
    expect(counted.filter((n) => n === null)).toHaveLength(17);
    // Used up for attempts, still redeemable by its owner's proof.
    expect((await store.consume('authorization_code', key, binding)).ok).toBe(true);

    expect(await store.countAttempt('authorization_code', randomToken(), 3)).toBeNull();
    const expired = randomToken();
    await issueCode(expired, 5);
    t.clock.advance(6);
    expect(await store.countAttempt('authorization_code', expired, 3)).toBeNull();
  });

  it('counts attempts and spends only a challenge bound as asked, when asked with a binding', async () => {
    const key = randomToken();
    await issueCode(key);
    const other = { ...binding, client_id: 'another-client' };
    expect(await store.countAttempt('authorization_code', key, 3, other)).toBeNull();
    expect(await store.countAttempt('authorization_code', key, 3, binding)).toBe(1);
    await store.spend('authorization_code', key, other);
    expect(await store.peek('authorization_code', key)).not.toBeNull();
    await store.spend('authorization_code', key, { client_id: binding.client_id });
    expect(await store.peek('authorization_code', key)).toBeNull();
  });

  it('replaces what its key holds when asked: live, spent or attempted, the new one starts afresh', async () => {
    const key = randomToken();
    const issue = (client_id: string) =>
      store.issue({
        kind: 'authorization_code',
        key,
        binding: { ...binding, client_id },
        payload: { sub: client_id },
        ttlSeconds: 60,
        replaces: true,
      });
    await issue('first');
    expect(await store.countAttempt('authorization_code', key, 1)).toBe(1);
    await issue('second');
    // The first is gone: its binding no longer redeems, its attempts are not counted.
    expect(
      await store.consume('authorization_code', key, { ...binding, client_id: 'first' }),
    ).toEqual({ ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] });
    expect(await store.countAttempt('authorization_code', key, 1)).toBe(1);
    expect(
      await store.consume('authorization_code', key, { ...binding, client_id: 'second' }),
    ).toMatchObject({ ok: true, challenge: { payload: { sub: 'second' } } });
    // A spent key takes a new challenge too (an insert would meet the spent marker's `_id`).
    await issue('third');
    expect(
      await store.consume('authorization_code', key, { ...binding, client_id: 'third' }),
    ).toMatchObject({ ok: true });
    // Without `replaces`, the key stays taken.
    await expect(issueCode(key)).rejects.toThrow(/duplicate key/i);
  });

  describe('consumes asked for in one turn (one batch)', () => {
    const recordOf = (key: string) =>
      t.connection.collection(CHALLENGE_COLLECTION).findOne({ _id: sha256Base64Url(key) as never });

    it('redeems each of several codes once with its own payload, and keeps none of the payloads', async () => {
      const keys = Array.from({ length: 8 }, () => randomToken());
      await issueEachOwn(keys);

      const results = await Promise.all(
        keys.map((key) => store.consume<{ sub: string }>('authorization_code', key, binding)),
      );

      results.forEach((result, i) =>
        expect(result).toMatchObject({
          ok: true,
          challenge: { keyHash: sha256Base64Url(keys[i]), binding, payload: { sub: `user${i}` } },
        }),
      );
      for (const key of keys) {
        const left = await recordOf(key);
        expect(left).not.toHaveProperty('payload');
        expect(left?.spentAt).toEqual(expect.any(Date));
      }
      const replays = await Promise.all(
        keys.map((key) => store.consume('authorization_code', key, binding)),
      );
      expect(replays).toEqual(keys.map((key) => replayOf(key)));
    });

    it('answers each consume of a batch as it would be answered alone, spending only those that match', async () => {
      const [good, wrongClient, spent, expired, otherKind, unknown] = Array.from(
        { length: 6 },
        () => randomToken(),
      );
      await Promise.all([good, wrongClient, spent, otherKind].map((key) => issueCode(key)));
      await issueCode(expired, 1);
      expect((await store.consume('authorization_code', spent, binding)).ok).toBe(true);
      t.clock.advance(2);

      const results = await Promise.all([
        store.consume('authorization_code', good, binding),
        store.consume('authorization_code', wrongClient, { ...binding, client_id: 'attacker' }),
        store.consume('authorization_code', spent, binding),
        store.consume('authorization_code', expired, binding),
        store.consume('wallet_nonce', otherKind, binding),
        store.consume('authorization_code', unknown, binding),
      ]);

      expect(results).toEqual([
        expect.objectContaining({ ok: true }),
        { ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] },
        replayOf(spent),
        { ok: false, reason: 'expired' },
        { ok: false, reason: 'unknown' },
        { ok: false, reason: 'unknown' },
      ]);
      // What a batch refused it left as it was: the rightful owner and the right kind still redeem.
      expect(await recordOf(wrongClient)).toHaveProperty('payload');
      expect((await store.consume('authorization_code', wrongClient, binding)).ok).toBe(true);
      expect((await store.consume('authorization_code', otherKind, binding)).ok).toBe(true);
    });

    it('gives one success per key to 20 consumes of each of 5 keys racing in one turn', async () => {
      const keys = Array.from({ length: 5 }, () => randomToken());
      await Promise.all(keys.map((key) => issueCode(key)));

      const results = await Promise.all(
        keys.flatMap((key) =>
          Array.from({ length: 20 }, () => store.consume('authorization_code', key, binding)),
        ),
      );

      keys.forEach((key, i) => {
        const ofKey = results.slice(i * 20, (i + 1) * 20);
        expect(ofKey.filter((r) => r.ok)).toHaveLength(1);
        expect(ofKey.filter((r) => !r.ok)).toEqual(Array(19).fill(replayOf(key)));
      });
    });

    it('redeems a key for the consume bound as asked when a wrongly bound one comes first in the turn', async () => {
      const [key, other] = [randomToken(), randomToken()];
      await Promise.all([issueCode(key), issueCode(other)]);

      const [wrong, right, otherResult] = await Promise.all([
        store.consume('authorization_code', key, { ...binding, client_id: 'attacker' }),
        store.consume('authorization_code', key, binding),
        store.consume('authorization_code', other, binding),
      ]);

      expect(wrong).toEqual({ ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] });
      expect(right.ok).toBe(true);
      expect(otherResult.ok).toBe(true);
    });

    it('redeems a key once however batches of several turns, lone consumes and peeked redemptions race it', async () => {
      for (let round = 0; round < 5; round++) {
        const key = randomToken();
        await issueCode(key);
        const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
        const withAnother = async () => {
          const [own] = await Promise.all([
            store.consume('authorization_code', key, binding),
            store.consume('authorization_code', randomToken(), binding),
          ]);
          return own;
        };
        const results = await Promise.all([
          withAnother(),
          store.redeemPeeked('authorization_code', key),
          nextTurn().then(withAnother),
          nextTurn().then(() => store.consume('authorization_code', key, binding)),
          new Promise((resolve) => setTimeout(resolve, 1)).then(withAnother),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      }
    });
  });

  /**
   * A replica set's election, or a lost connection, under a batch: the driver retries neither its
   * updateMany nor a failed find as it retries a lone findOneAndUpdate. The write is cut here the
   * way an election cuts it (applied to some, all or none of its records, then the error), and
   * each consume must still get what it would have got, its payload included.
   */
  describe('a batch cut by a failover or a lost connection', () => {
    const challenges = () => t.connection.collection(CHALLENGE_COLLECTION);
    const recordOf = (key: string) => challenges().findOne({ _id: sha256Base64Url(key) as never });
    const failover = (code: number, codeName: string) =>
      new mongo.MongoServerError({ code, codeName, errmsg: `${codeName} (injected)` });
    afterEach(() => jest.restoreAllMocks());

    /** The next updateMany on the challenges changes only the records `applyTo` picks, then fails. */
    function cutNextUpdateMany(error: Error, applyTo: (ids: string[]) => string[]) {
      const collection = challenges();
      const real = collection.updateMany.bind(collection);
      return jest
        .spyOn(collection, 'updateMany')
        .mockImplementationOnce(async (filter: Record<string, unknown>, update, options) => {
          const ids = (filter._id as { $in: string[] }).$in;
          const applied = applyTo(ids);
          if (applied.length > 0)
            await real({ ...filter, _id: { $in: applied as never[] } }, update, options);
          throw error;
        });
    }

    /** Four codes, one asked for with the wrong client, one spent before: all in one turn. */
    async function consumeMixedBatch() {
      const good = Array.from({ length: 4 }, () => randomToken());
      const [wrongClient, spent] = [randomToken(), randomToken()];
      await issueEachOwn([...good, wrongClient, spent]);
      expect((await store.consume('authorization_code', spent, binding)).ok).toBe(true);
      const results = await Promise.all([
        ...good.map((key) => store.consume<{ sub: string }>('authorization_code', key, binding)),
        store.consume('authorization_code', wrongClient, { ...binding, client_id: 'attacker' }),
        store.consume('authorization_code', spent, binding),
      ]);
      return { good, wrongClient, spent, results };
    }

    it.each([
      ['midway by an election', failover(11602, 'InterruptedDueToReplStateChange'), 2],
      ['after it took effect, by a lost connection', new mongo.MongoNetworkError('reset'), 6],
      [
        'before it took effect, by a primary stepping down',
        failover(10107, 'NotWritablePrimary'),
        0,
      ],
    ])(
      'answers each consume as if nothing had happened when the spend is cut %s',
      async (_when, error, applied) => {
        const cut = cutNextUpdateMany(error, (ids) => ids.slice(0, applied));
        const { good, wrongClient, spent, results } = await consumeMixedBatch();

        expect(cut).toHaveBeenCalled();
        expect(results).toEqual([
          ...good.map((key, i): unknown =>
            expect.objectContaining({
              ok: true,
              challenge: expect.objectContaining({
                keyHash: sha256Base64Url(key),
                payload: { sub: `user${i}` },
              }),
            }),
          ),
          { ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] },
          replayOf(spent),
        ]);
        for (const key of good) expect(await recordOf(key)).not.toHaveProperty('payload');
        const replays = await Promise.all(
          good.map((key) => store.consume('authorization_code', key, binding)),
        );
        expect(replays).toEqual(good.map((key) => replayOf(key)));
        // What the batch refused it left as it was, even where the cut write reached it.
        expect(await recordOf(wrongClient)).toHaveProperty('payload');
        expect((await store.consume('authorization_code', wrongClient, binding)).ok).toBe(true);
      },
    );

    it('redeems each consume alone, with its payload, when the read-back is cut', async () => {
      const collection = challenges();
      const cut = jest.spyOn(collection, 'find').mockImplementationOnce(
        () =>
          ({
            toArray: () => Promise.reject(new mongo.MongoNetworkError('reset')),
          }) as never,
      );
      const { good, results } = await consumeMixedBatch();

      expect(cut).toHaveBeenCalled();
      results
        .slice(0, 4)
        .forEach((result, i) =>
          expect(result).toMatchObject({ ok: true, challenge: { payload: { sub: `user${i}` } } }),
        );
      for (const key of good) expect(await recordOf(key)).not.toHaveProperty('payload');
    });

    it('drops the payloads again when that update is cut, and answers the batch', async () => {
      const collection = challenges();
      const real = collection.updateMany.bind(collection);
      const updates = jest
        .spyOn(collection, 'updateMany')
        .mockImplementationOnce((...call: Parameters<typeof real>) => real(...call))
        .mockImplementationOnce(() => Promise.reject(new mongo.MongoNetworkError('reset')));
      const { good, results } = await consumeMixedBatch();

      expect(updates).toHaveBeenCalledTimes(3);
      expect(results.slice(0, 4).every((result) => result.ok)).toBe(true);
      for (const key of good) expect(await recordOf(key)).not.toHaveProperty('payload');
    });

    it('fails the batch on any other error, spending nothing it did not spend', async () => {
      cutNextUpdateMany(failover(2, 'BadValue'), () => []);
      const keys = [randomToken(), randomToken()];
      await Promise.all(keys.map((key) => issueCode(key)));

      const results = await Promise.allSettled(
        keys.map((key) => store.consume('authorization_code', key, binding)),
      );

      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      for (const key of keys) {
        expect(await recordOf(key)).toMatchObject({ spentAt: null, payload: { sub: 'user0' } });
      }
      expect((await store.consume('authorization_code', keys[0], binding)).ok).toBe(true);
    });
  });

  it('redeems peeked challenges with the turn: one success per key of 50 racing, alone or in a batch', async () => {
    const keys = [randomToken(), randomToken(), randomToken()];
    await Promise.all(keys.map((key) => issueCode(key)));

    // One turn: the redemptions leave as one batch, each key asked for 50 times in it.
    const batch = await Promise.all(
      keys.flatMap((key) =>
        Array.from({ length: 50 }, () => store.redeemPeeked('authorization_code', key)),
      ),
    );
    for (let i = 0; i < keys.length; i++) {
      const ofKey = batch.slice(i * 50, (i + 1) * 50);
      expect(ofKey.filter((r) => r.ok)).toHaveLength(1);
      expect(ofKey.filter((r) => !r.ok)).toEqual(Array(49).fill({ ok: false, reason: 'replayed' }));
    }
    // Spent as `consume` spends: no payload left, a later consume is told it was used.
    const left = await t.connection
      .collection(CHALLENGE_COLLECTION)
      .findOne({ _id: sha256Base64Url(keys[0]) as never });
    expect(left).not.toHaveProperty('payload');
    expect(await store.consume('authorization_code', keys[0], binding)).toEqual(replayOf(keys[0]));
  });

  it('redeems a peeked challenge once however consume and batches of several turns race it', async () => {
    for (let round = 0; round < 5; round++) {
      const key = randomToken();
      await issueCode(key);
      // Across turns: each redemption a batch of its own or with another key's.
      const results = await Promise.all([
        store.redeemPeeked('authorization_code', key),
        store.consume('authorization_code', key, binding),
        new Promise((resolve) => setImmediate(resolve)).then(() =>
          Promise.all([
            store.redeemPeeked('authorization_code', key),
            store.redeemPeeked('authorization_code', randomToken()),
          ]).then(([own]) => own),
        ),
        new Promise((resolve) => setTimeout(resolve, 1)).then(() =>
          store.redeemPeeked('authorization_code', key),
        ),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    }
  });

  it('tells why a peeked challenge was not redeemed: unknown, another kind, expired, spent', async () => {
    const expired = randomToken();
    const spent = randomToken();
    const code = randomToken();
    await Promise.all([issueCode(expired, 5), issueCode(spent), issueCode(code)]);
    await store.spend('authorization_code', spent);
    t.clock.advance(6);
    for (const asked of [
      // Alone (a batch of one) and in a batch of several.
      [['unknown', randomToken()]],
      [
        ['unknown', randomToken()],
        ['expired', expired],
        ['replayed', spent],
      ],
    ] as const) {
      const results = await Promise.all(
        asked.map(([, key]) => store.redeemPeeked('authorization_code', key)),
      );
      expect(results).toEqual(asked.map(([reason]) => ({ ok: false, reason })));
    }
    expect(await store.redeemPeeked('wallet_nonce', code)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await store.redeemPeeked('authorization_code', code)).toEqual({ ok: true });
  });

  it('inspects a challenge as consume would judge it, changing nothing', async () => {
    const [live, expired, spent, other] = [
      randomToken(),
      randomToken(),
      randomToken(),
      randomToken(),
    ];
    await Promise.all([issueCode(live), issueCode(expired, 5), issueCode(spent), issueCode(other)]);
    await store.spend('authorization_code', spent);
    t.clock.advance(6);
    const inspected = await store.inspect<{ sub: string }>('authorization_code', live, binding);
    expect(inspected).toMatchObject({
      ok: true,
      challenge: { payload: { sub: 'user0' }, binding },
    });
    // Twice: the first inspection spent nothing.
    expect(await store.inspect('authorization_code', live, binding)).toEqual(inspected);
    expect(await store.inspect('authorization_code', randomToken(), binding)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await store.inspect('wallet_nonce', live, binding)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await store.inspect('authorization_code', expired, binding)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await store.inspect('authorization_code', spent, binding)).toEqual(replayOf(spent));
    expect(
      await store.inspect('authorization_code', other, { ...binding, client_id: 'x' }),
    ).toEqual({ ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] });
    // Every one of them as it was: the live ones still redeem.
    expect(await store.consume('authorization_code', live, binding)).toMatchObject({ ok: true });
    expect(await store.consume('authorization_code', other, binding)).toMatchObject({ ok: true });
  });

  it('spends a challenge without redeeming it: a later redemption is told it was used', async () => {
    const key = randomToken();
    await issueCode(key);
    await store.spend('authorization_code', key);
    expect(await store.peek('authorization_code', key)).toBeNull();
    expect(await store.consume('authorization_code', key, binding)).toEqual(replayOf(key));
  });

  it('never redeems an expired challenge, even while its document still exists', async () => {
    const key = randomToken();
    await issueCode(key, 5);
    t.clock.advance(6);

    const result = await store.consume('authorization_code', key, binding);

    expect(result).toEqual({ ok: false, reason: 'expired' });
    // The TTL monitor has not removed it: the refusal comes from the consuming query itself.
    const stored = await t.connection
      .collection(CHALLENGE_COLLECTION)
      .countDocuments({ _id: sha256Base64Url(key) as never });
    expect(stored).toBe(1);
  });

  it('remembers a challenge issued with rememberedFor past its expiry: expired, never live, until the memory ends', async () => {
    const remembered = randomToken();
    const plain = randomToken();
    const issued = await store.issue({
      kind: 'device_code',
      key: remembered,
      binding: { client_id: 'demo-client' },
      payload: { status: 'pending' },
      ttlSeconds: 60,
      rememberedFor: 600,
    });
    await issueCode(plain, 60);
    // What callers see is the challenge's own expiry; the record goes a memory later.
    expect(issued.expiresAt.getTime() - issued.createdAt.getTime()).toBe(60_000);
    const record = await t.connection
      .collection(CHALLENGE_COLLECTION)
      .findOne({ _id: sha256Base64Url(remembered) as never });
    expect(record).toMatchObject({
      lapsesAt: issued.expiresAt,
      expiresAt: new Date(issued.expiresAt.getTime() + 600_000),
    });

    t.clock.advance(61);
    await ttlPass(t.connection, t.clock.now());
    // The pass removed the plain one: a late redemption no longer knows it.
    expect(await store.consume('authorization_code', plain, binding)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await store.peek('device_code', remembered)).toBeNull();
    expect(await store.countAttempt('device_code', remembered, 3)).toBeNull();
    const state = { client_id: 'demo-client' };
    const hash = sha256Base64Url(remembered);
    expect(await store.update('device_code', hash, state, { status: 'pending' }, {})).toBeNull();
    const live = (await store.listLive('device_code')).map((c) => c.keyHash);
    expect(live).not.toContain(hash);
    expect(await store.redeemPeeked('device_code', remembered)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await store.consume('device_code', remembered, state)).toEqual({
      ok: false,
      reason: 'expired',
    });

    t.clock.advance(600);
    await ttlPass(t.connection, t.clock.now());
    expect(await store.consume('device_code', remembered, state)).toEqual({
      ok: false,
      reason: 'unknown',
    });
  });

  it('does not consume on a wrong binding, and the rightful owner can still redeem', async () => {
    const key = randomToken();
    await issueCode(key);

    const wrong = await store.consume('authorization_code', key, {
      ...binding,
      client_id: 'attacker',
    });
    expect(wrong).toEqual({ ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] });

    const rightful = await store.consume('authorization_code', key, binding);
    expect(rightful.ok).toBe(true);
  });

  it('names every mismatched binding field', async () => {
    const key = randomToken();
    await issueCode(key);
    const result = await store.consume('authorization_code', key, {
      client_id: 'other',
      redirect_uri: 'http://evil.example/cb',
    });
    expect(result).toEqual({
      ok: false,
      reason: 'binding_mismatch',
      mismatched: ['client_id', 'redirect_uri'],
    });
  });

  it('keeps kinds apart: a code cannot be redeemed as a wallet nonce', async () => {
    const key = randomToken();
    await issueCode(key);
    expect(await store.consume('wallet_nonce', key, binding)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect((await store.consume('authorization_code', key, binding)).ok).toBe(true);
  });

  it('stores only a hash of the key', async () => {
    const key = randomToken();
    await issueCode(key);
    const raw = await t.connection
      .collection(CHALLENGE_COLLECTION)
      .findOne({ _id: sha256Base64Url(key) as never });
    expect(raw).not.toBeNull();
    expect(JSON.stringify(raw)).not.toContain(key);
    expect(raw).toMatchObject({ kind: 'authorization_code', binding });
    const { createdAt, expiresAt } = raw as unknown as { createdAt: Date; expiresAt: Date };
    expect(expiresAt.getTime() - createdAt.getTime()).toBe(60_000);
  });

  it('lists only live challenges', async () => {
    const live = randomToken();
    const dead = randomToken();
    await issueCode(dead, 1);
    t.clock.advance(2);
    await issueCode(live);
    const hashes = (await store.listLive('authorization_code')).map((c) => c.keyHash);
    expect(hashes).toContain(sha256Base64Url(live));
    expect(hashes).not.toContain(sha256Base64Url(dead));
  });

  it('lists and counts only the live challenges bound and holding as asked', async () => {
    const ask = (client_id: string, status: string) =>
      store.issue({
        kind: 'ciba_request',
        key: randomToken(),
        binding: { client_id, asked: 'listed-person' },
        payload: { status },
        ttlSeconds: 60,
      });
    await ask('listed-a', 'pending');
    await ask('listed-a', 'pending');
    await ask('listed-a', 'denied');
    await ask('listed-b', 'pending');
    const spent = randomToken();
    await store.issue({
      kind: 'ciba_request',
      key: spent,
      binding: { client_id: 'listed-a', asked: 'listed-person' },
      payload: { status: 'pending' },
      ttlSeconds: 60,
    });
    await store.spend('ciba_request', spent);
    const match = {
      binding: { client_id: 'listed-a', asked: 'listed-person' },
      payload: { status: 'pending' },
    };
    expect(await store.countLive('ciba_request', match)).toBe(2);
    expect(await store.countLive('ciba_request', { binding: { asked: 'listed-person' } })).toBe(4);
    const listed = await store.listLive<{ status: string }>('ciba_request', 10, match);
    expect(listed.map((c) => [c.binding.client_id, c.payload.status])).toEqual([
      ['listed-a', 'pending'],
      ['listed-a', 'pending'],
    ]);
    expect(await store.listLive('ciba_request', 1, match)).toHaveLength(1);
    await expect(store.countLive('ciba_request', { binding: { $where: 'x' } })).rejects.toThrow(
      'Invalid challenge binding field',
    );
  });

  it('has a TTL index on expiresAt with expireAfterSeconds 0', async () => {
    const indexes = await t.connection.collection(CHALLENGE_COLLECTION).listIndexes().toArray();
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
    );
  });

  it('refuses binding field names that could become query operators', async () => {
    await expect(
      store.consume('authorization_code', randomToken(), { $where: 'x' }),
    ).rejects.toThrow('Invalid challenge binding field');
  });
});
