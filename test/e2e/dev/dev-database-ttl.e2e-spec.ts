/**
 * The dev/test database (tools/mongo-server) deletes TTL-expired documents as mongod's TTL
 * monitor does (mongo-java-server on its own never does): documents whose indexed field is a
 * date, or an array of dates whose earliest one, is at least expireAfterSeconds old. Anything
 * else stays. Run here with a quarter-second monitor on servers of the spec's own: the waits for
 * "passes came and went" are a few periods, not a few seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { MongoServerHandle, startMongoServer } from '../../../tools/mongo-server/launch';
import { waitFor } from '../../support/processes';

interface Doc {
  _id: string;
  [field: string]: unknown;
}

const DB = 'proofgate_test_dev_db_ttl';
const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);
/** The monitor's period here (PROOFGATE_TTL_MONITOR_SECONDS takes fractions). */
const PERIOD_MS = 250;
/** Long enough for a few passes of the monitor. */
const PASSES_MS = 4 * PERIOD_MS;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ids(collection: mongo.Collection<Doc>): Promise<string[]> {
  return (await collection.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort();
}

/**
 * Fills three collections, each with its TTL index, and returns the ids that must go and those
 * that must stay.
 */
async function seed(db: mongo.Db): Promise<{ expired: string[]; kept: string[] }> {
  // expireAfterSeconds 0: the date itself is the deadline (as ChallengeSchema's expiresAt).
  const challenges = db.collection<Doc>('challenges');
  await challenges.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  await challenges.insertMany([
    { _id: 'c-past', expiresAt: ago(60_000) },
    { _id: 'c-just-past', expiresAt: ago(1) },
    { _id: 'c-future', expiresAt: ahead(3_600_000) },
    { _id: 'c-array-earliest-past', expiresAt: [ahead(3_600_000), ago(60_000)] },
    { _id: 'c-array-all-future', expiresAt: [ahead(3_600_000), ahead(7_200_000)] },
    { _id: 'c-array-no-dates', expiresAt: ['2000-01-01', 0] },
    { _id: 'c-string', expiresAt: '2000-01-01T00:00:00Z' },
    { _id: 'c-number', expiresAt: 946_684_800_000 },
    { _id: 'c-timestamp', expiresAt: new mongo.Timestamp({ t: 946_684_800, i: 1 }) },
    { _id: 'c-null', expiresAt: null },
    { _id: 'c-missing' },
  ]);

  // expireAfterSeconds 3600 on a creation date, on a path into a subdocument.
  const sessions = db.collection<Doc>('sessions');
  await sessions.createIndex({ 'meta.createdAt': 1 }, { expireAfterSeconds: 3_600 });
  await sessions.insertMany([
    { _id: 's-old', meta: { createdAt: ago(2 * 3_600_000) } },
    { _id: 's-recent', meta: { createdAt: ago(30 * 60_000) } },
    { _id: 's-no-meta' },
  ]);

  // A partial TTL index deletes only what its filter selects; a compound one nothing at all.
  const events = db.collection<Doc>('events');
  await events.createIndex(
    { at: 1 },
    { expireAfterSeconds: 0, partialFilterExpression: { temporary: true } },
  );
  await events.createIndex({ kind: 1, at: 1 }, { expireAfterSeconds: 0 });
  await events.insertMany([
    { _id: 'e-temporary-past', at: ago(60_000), temporary: true },
    { _id: 'e-permanent-past', at: ago(60_000), temporary: false },
  ]);

  return {
    expired: ['c-past', 'c-just-past', 'c-array-earliest-past', 's-old', 'e-temporary-past'],
    kept: [
      'c-future',
      'c-array-all-future',
      'c-array-no-dates',
      'c-string',
      'c-number',
      'c-timestamp',
      'c-null',
      'c-missing',
      's-recent',
      's-no-meta',
      'e-permanent-past',
    ],
  };
}

async function allIds(db: mongo.Db): Promise<string[]> {
  const names = ['challenges', 'sessions', 'events'];
  return (await Promise.all(names.map((name) => ids(db.collection<Doc>(name))))).flat().sort();
}

describe.each([
  ['memory', false],
  ['H2', true],
])('the dev database TTL monitor, %s backend', (_backend, onDisk) => {
  let dir: string | undefined;
  let h2File: string | undefined;
  let server: MongoServerHandle;
  let client: mongo.MongoClient;
  let db: mongo.Db;

  beforeAll(async () => {
    dir = onDisk ? mkdtempSync(join(tmpdir(), 'proofgate-ttl-')) : undefined;
    h2File = dir && join(dir, 'data.mv');
    server = await startMongoServer({ ttlMonitorSeconds: PERIOD_MS / 1000, h2File });
    client = await mongo.MongoClient.connect(server.uri);
    db = client.db(DB);
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deletes expired documents within seconds and keeps the rest', async () => {
    const { expired, kept } = await seed(db);
    const keptSorted = [...kept].sort();

    const remaining = await waitFor(
      () => allIds(db),
      (left) => left.length <= kept.length,
      10_000,
    );
    expect(remaining).toEqual(keptSorted);
    expect(remaining).not.toEqual(expect.arrayContaining([expired[0]]));

    // More passes change nothing: what is left is not due.
    await sleep(PASSES_MS);
    expect(await allIds(db)).toEqual(keptSorted);
  }, 30_000);

  it('keeps deleting as documents come due', async () => {
    const challenges = db.collection<Doc>('challenges');
    await challenges.insertOne({ _id: 'c-due-soon', expiresAt: ahead(2_000) });
    expect(await challenges.findOne({ _id: 'c-due-soon' })).not.toBeNull();

    const gone = await waitFor(
      () => challenges.findOne({ _id: 'c-due-soon' }),
      (doc) => doc === null,
      10_000,
    );
    expect(gone).toBeNull();
    // Updated to a later date before it came due: it stays.
    await challenges.insertOne({ _id: 'c-extended', expiresAt: ahead(1_500) });
    await challenges.updateOne({ _id: 'c-extended' }, { $set: { expiresAt: ahead(3_600_000) } });
    // Past its first date, and passes since.
    await sleep(1_500 + PASSES_MS);
    expect(await challenges.findOne({ _id: 'c-extended' })).not.toBeNull();
  }, 30_000);

  it('stops cleanly on SIGTERM, its deletions (on H2) kept in the file', async () => {
    const before = await allIds(db);
    await client.close();
    const started = Date.now();
    await server.stop();
    // launch.js would SIGKILL after 10 s: a clean exit is well within that.
    expect(Date.now() - started).toBeLessThan(5_000);
    if (!h2File) return;

    // Due while the server is down, deleted by the first pass after it reopens the file.
    server = await startMongoServer({ ttlMonitorSeconds: 0, h2File });
    client = await mongo.MongoClient.connect(server.uri);
    db = client.db(DB);
    expect(await allIds(db)).toEqual(before);
    await db
      .collection<Doc>('challenges')
      .insertOne({ _id: 'c-due-offline', expiresAt: ahead(500) });
    await client.close();
    await server.stop();

    await sleep(1_000);
    server = await startMongoServer({ ttlMonitorSeconds: PERIOD_MS / 1000, h2File });
    client = await mongo.MongoClient.connect(server.uri);
    db = client.db(DB);
    const after = await waitFor(
      () => allIds(db),
      (left) => !left.includes('c-due-offline'),
      10_000,
    );
    expect(after).toEqual(before);
  }, 60_000);
});

describe('the TTL monitor setting', () => {
  it('refuses a negative or non-numeric period', async () => {
    await expect(startMongoServer({ ttlMonitorSeconds: -1 })).rejects.toThrow(TypeError);
    await expect(startMongoServer({ ttlMonitorSeconds: Number.NaN })).rejects.toThrow(TypeError);
  });
});
