/**
 * The dev/test database (tools/mongo-server) answers a filter with an `_id` equality from the
 * `_id` index, as mongod does, whatever else the filter holds: so a claim costs the same in a
 * collection of 100k documents as in one of 1k. mongo-java-server on its own scans the whole
 * collection for such filters (about 50-100x slower at 100k). These specs run servers of their
 * own, so that no other test file's load is measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { MongoServerHandle, startMongoServer } from '../../../tools/mongo-server/launch';
import {
  CLIENT_ID,
  ChallengeCollection,
  ChallengeLike,
  claim,
  claimFilter,
  createChallengeIndexes,
  percentile,
  seedChallenges,
} from '../../support/challenge-fixtures';

describe('a claim in the dev database', () => {
  const SMALL = 1_000;
  const LARGE = 100_000;
  const WARM_UP = 300;
  const ROUNDS = 40;
  const PER_ROUND = 25;
  // Never loosen: an index lookup is flat; a full scan at 100k is one to two orders slower.
  const MAX_RATIO = 1.3;

  let server: MongoServerHandle;
  let client: mongo.MongoClient;
  let small: ChallengeCollection;
  let large: ChallengeCollection;
  let smallLive: string[];
  let largeLive: string[];

  beforeAll(async () => {
    // TTL monitor off: the stale filler includes expired documents, which must stay put for the
    // collection sizes to hold while we measure.
    server = await startMongoServer({ ttlMonitorSeconds: 0 });
    client = await mongo.MongoClient.connect(server.uri);
    const db = client.db('proofgate_test_dev_db_latency');
    small = db.collection<ChallengeLike>('challenges_1k');
    large = db.collection<ChallengeLike>('challenges_100k');
    await createChallengeIndexes(small);
    await createChallengeIndexes(large);
    smallLive = await seedChallenges(small, SMALL);
    largeLive = await seedChallenges(large, LARGE);
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  /** One timed claim of a random live document, which is then made claimable again (untimed). */
  async function timedClaim(collection: ChallengeCollection, live: string[]): Promise<number> {
    const id = live[Math.floor(Math.random() * live.length)];
    const now = new Date();
    const started = performance.now();
    const before = await claim(collection, id, now);
    const elapsed = performance.now() - started;
    if (before?._id !== id || before.spentAt !== null) {
      throw new Error(`claim of ${id} returned ${JSON.stringify(before)}`);
    }
    await collection.updateOne({ _id: id }, { $set: { spentAt: null } });
    return elapsed;
  }

  it('takes no longer at 100k documents than at 1k (within 1.3x, medians)', async () => {
    expect(await small.estimatedDocumentCount()).toBe(SMALL);
    expect(await large.estimatedDocumentCount()).toBe(LARGE);

    // Warm-up: JIT on both sides, connection pool, and the heap after the bulk inserts.
    for (let i = 0; i < WARM_UP; i++) {
      await timedClaim(small, smallLive);
      await timedClaim(large, largeLive);
    }

    // Batches interleaved, in alternating order, so that drift and noise from a busy machine
    // fall on both sizes alike; medians ignore the GC pauses and scheduler hiccups.
    const smallSamples: number[] = [];
    const largeSamples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order: [ChallengeCollection, string[], number[]][] = [
        [small, smallLive, smallSamples],
        [large, largeLive, largeSamples],
      ];
      if (round % 2 === 1) order.reverse();
      for (const [collection, live, samples] of order) {
        for (let i = 0; i < PER_ROUND; i++) samples.push(await timedClaim(collection, live));
      }
    }

    const smallMedian = percentile(smallSamples, 50);
    const largeMedian = percentile(largeSamples, 50);
    const ratio = largeMedian / smallMedian;
    if (!(ratio <= MAX_RATIO)) {
      throw new Error(
        `claim median ${largeMedian.toFixed(3)} ms at ${LARGE} documents vs ` +
          `${smallMedian.toFixed(3)} ms at ${SMALL}: ${ratio.toFixed(2)}x (at most ${MAX_RATIO}x)`,
      );
    }
    expect(ratio).toBeLessThanOrEqual(MAX_RATIO);
  }, 180_000);
});

describe.each([
  ['memory', false],
  ['H2', true],
])('an _id filter with more conditions, %s backend', (_backend, onDisk) => {
  let dir: string | undefined;
  let server: MongoServerHandle;
  let client: mongo.MongoClient;
  let db: mongo.Db;
  let challenges: ChallengeCollection;
  let live: string[];
  let consumedId: string;

  beforeAll(async () => {
    dir = onDisk ? mkdtempSync(join(tmpdir(), 'proofgate-dev-db-')) : undefined;
    server = await startMongoServer({
      ttlMonitorSeconds: 0,
      h2File: dir && join(dir, 'data.mv'),
    });
    client = await mongo.MongoClient.connect(server.uri);
    db = client.db('proofgate_test_dev_db_semantics');
    challenges = db.collection<ChallengeLike>('challenges');
    await createChallengeIndexes(challenges);
    live = await seedChallenges(challenges, 200);
    const consumed = await challenges.findOne({ spentAt: { $ne: null } });
    consumedId = consumed!._id;
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stored = (id: string) => challenges.findOne({ _id: id });

  it('claims a live document once, returning it as it was before', async () => {
    const id = live[0];
    const before = await stored(id);
    const now = new Date();

    expect(await claim(challenges, id, now)).toEqual(before);
    expect(await stored(id)).toEqual({ ...before, spentAt: now });
    // Claimed already: spentAt is no longer null.
    expect(await claim(challenges, id, new Date())).toBeNull();
    expect(await stored(id)).toEqual({ ...before, spentAt: now });
  });

  it('returns null and changes nothing when any other condition does not match', async () => {
    const id = live[1];
    const before = await stored(id);
    const afterExpiry = new Date(before!.expiresAt.getTime() + 1_000);

    expect(await claim(challenges, id, new Date(), { clientId: 'another-client' })).toBeNull();
    expect(await claim(challenges, id, new Date(), { kind: 'wallet_nonce' })).toBeNull();
    expect(await claim(challenges, id, afterExpiry)).toBeNull();
    expect(await claim(challenges, 'no-such-id', new Date())).toBeNull();
    expect(await stored(id)).toEqual(before);
    expect(await challenges.estimatedDocumentCount()).toBe(200);
  });

  it('gives every command the results of a full scan', async () => {
    const now = new Date();
    // Each filter with its expected number of matches. The oracle is the same filter under a
    // top-level $and, which the server leaves to mongo-java-server's own (full-scan) planning.
    const cases: [mongo.Filter<ChallengeLike>, number][] = [
      [claimFilter(live[2], now), 1],
      [claimFilter(live[2], now, { clientId: 'another-client' }), 0],
      [{ _id: live[2], spentAt: { $ne: null } }, 0],
      [{ _id: consumedId, spentAt: { $ne: null } }, 1],
      [{ _id: { $eq: live[3] }, kind: 'authorization_code' }, 1],
      [{ _id: live[3], $or: [{ kind: 'wallet_nonce' }, { 'binding.client_id': CLIENT_ID }] }, 1],
      [{ _id: live[3], $or: [{ kind: 'wallet_nonce' }, { 'binding.client_id': 'x' }] }, 0],
      [{ _id: 'no-such-id', kind: 'authorization_code' }, 0],
    ];
    for (const [filter, matches] of cases) {
      const { _id, ...rest } = filter;
      const oracle: mongo.Filter<ChallengeLike> = { $and: [{ _id }, rest] };
      const found = await challenges.find(filter).toArray();
      expect(found).toHaveLength(matches);
      expect(found).toEqual(await challenges.find(oracle).toArray());
      expect(await challenges.find(filter, { projection: { kind: 1, _id: 0 } }).toArray()).toEqual(
        await challenges.find(oracle, { projection: { kind: 1, _id: 0 } }).toArray(),
      );
      expect(await challenges.find(filter).sort({ createdAt: -1 }).skip(1).toArray()).toEqual([]);
      const counted = await db.command({ count: 'challenges', query: filter });
      expect(counted.n).toBe(matches);
    }
  });

  it('updates and deletes only what the whole filter matches', async () => {
    const id = live[4];
    const before = await stored(id);
    const now = new Date();

    const miss = await challenges.updateOne(claimFilter(id, now, { clientId: 'x' }), {
      $set: { spentAt: now },
    });
    expect([miss.matchedCount, miss.modifiedCount]).toEqual([0, 0]);
    expect(
      (await challenges.deleteOne(claimFilter(id, now, { kind: 'wallet_nonce' }))).deletedCount,
    ).toBe(0);
    expect(await challenges.findOneAndDelete({ _id: id, spentAt: { $ne: null } })).toBeNull();
    expect(await stored(id)).toEqual(before);

    const hit = await challenges.updateOne(claimFilter(id, now), { $set: { spentAt: now } });
    expect([hit.matchedCount, hit.modifiedCount]).toEqual([1, 1]);
    expect(await challenges.findOneAndDelete({ _id: id, spentAt: now })).toEqual({
      ...before,
      spentAt: now,
    });
    expect(await stored(id)).toBeNull();
    expect(
      (await challenges.deleteOne({ _id: live[5], kind: 'authorization_code' })).deletedCount,
    ).toBe(1);
    expect(await stored(live[5])).toBeNull();
  });
});
