/**
 * The migration runner (src/platform/database/migrations) on the test database: the data version
 * recorded, pending migrations run once in order under the lease, the others waiting, a newer
 * database refused, a lease renewed while a long migration runs and taken over once its holder is
 * gone. Time is the real clock with a short lease and poll.
 */
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';
import {
  DATA_VERSION_COLLECTION,
  readDataVersion,
} from '../../../src/platform/database/migrations/data-version';
import {
  migrateDatabase,
  type MigrateOptions,
} from '../../../src/platform/database/migrations/migrate-database';
import type { Migration } from '../../../src/platform/database/migrations/migration';
import { MigrationLease } from '../../../src/platform/database/migrations/migration-lease';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Migrations that count their runs in `runs` and mark the data, each taking `ms`. */
/** `first`: what the first migration awaits before it does its work (default: nothing). */
function countingMigrations(
  count: number,
  runs: number[],
  ms = 0,
  first: () => Promise<void> = () => Promise.resolve(),
): Migration[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    name: `step-${index + 1}`,
    description: `step ${index + 1}`,
    async up({ db }) {
      runs.push(index + 1);
      if (index === 0) await first();
      await sleep(ms);
      await db
        .collection<{ _id: string; steps: number[] }>('marks')
        .updateOne({ _id: 'mark' }, { $addToSet: { steps: index + 1 } }, { upsert: true });
    },
  }));
}

/**
 * `db` whose data-version reads call `after` once they have their answer, before the caller sees
 * it: another instance's writes land between a look and what the runner does next.
 */
function afterEachRead(db: mongo.Db, after: () => Promise<void>): mongo.Db {
  return new Proxy(db, {
    get(target, property) {
      if (property !== 'collection') return Reflect.get(target, property, target) as unknown;
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== DATA_VERSION_COLLECTION) return collection;
        return new Proxy(collection, {
          get(inner, key) {
            if (key !== 'find') return Reflect.get(inner, key, inner) as unknown;
            return (...args: Parameters<typeof inner.find>) => {
              const cursor = inner.find(...args);
              return {
                toArray: async () => {
                  const documents = await cursor.toArray();
                  await after();
                  return documents;
                },
              };
            };
          },
        });
      };
    },
  });
}

describe('migrations: the runner', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  const lines: string[] = [];

  const options = (holder: string, more: Partial<MigrateOptions> = {}): MigrateOptions => ({
    holder,
    release: '9.9.9',
    waitSeconds: 10,
    leaseSeconds: 1,
    pollMs: 50,
    log: (line) => lines.push(`${holder}: ${line}`),
    ...more,
  });

  beforeAll(async () => {
    client = await mongo.MongoClient.connect(process.env.MONGODB_URI!);
  });

  beforeEach(() => {
    db = client.db(`proofgate_test_runner_${randomBytes(4).toString('hex')}`);
    lines.length = 0;
  });

  afterEach(() => db.dropDatabase());

  afterAll(() => client.close());

  /** A database an earlier release wrote to: a collection with a document, no data version. */
  const earlierRelease = () => db.collection('signing_keys').insertOne({ _id: 'k' } as never);

  it('records a fresh database at the build version and runs nothing', async () => {
    const runs: number[] = [];
    const outcome = await migrateDatabase(db, countingMigrations(3, runs), options('a'));
    expect(outcome).toEqual({ kind: 'fresh', version: 3 });
    expect(runs).toEqual([]);
    const { record, lease } = await readDataVersion(db);
    expect(record).toMatchObject({ version: 3, since: 3, migrations: [] });
    expect(lease).toBeNull();
  });

  it('runs every migration of a database without a data version, in order, recording each', async () => {
    await earlierRelease();
    const runs: number[] = [];
    const outcome = await migrateDatabase(db, countingMigrations(3, runs), options('a'));
    expect(outcome).toMatchObject({ kind: 'migrated', from: 0, version: 3 });
    expect(runs).toEqual([1, 2, 3]);
    const { record, lease } = await readDataVersion(db);
    expect(record).toMatchObject({
      version: 3,
      since: 0,
      migrations: [1, 2, 3].map((id) => ({ id, name: `step-${id}`, by: 'a', release: '9.9.9' })),
    });
    expect(record!.migrations.every(({ appliedAt }) => appliedAt instanceof Date)).toBe(true);
    expect(lease).toBeNull();
  });

  it('runs only what is pending, and nothing on a second start', async () => {
    await earlierRelease();
    const runs: number[] = [];
    await migrateDatabase(db, countingMigrations(2, runs), options('a'));
    expect(await migrateDatabase(db, countingMigrations(4, runs), options('b'))).toMatchObject({
      kind: 'migrated',
      from: 2,
      version: 4,
    });
    expect(await migrateDatabase(db, countingMigrations(4, runs), options('c'))).toEqual({
      kind: 'current',
      version: 4,
    });
    expect(runs).toEqual([1, 2, 3, 4]);
    expect((await readDataVersion(db)).record!.migrations.map(({ by }) => by)).toEqual([
      'a',
      'a',
      'b',
      'b',
    ]);
  });

  it('refuses a database newer than the build, and leaves it untouched', async () => {
    await earlierRelease();
    await migrateDatabase(db, countingMigrations(3, []), options('a'));
    const before = await db.collection(DATA_VERSION_COLLECTION).find().toArray();
    const runs: number[] = [];
    expect(await migrateDatabase(db, countingMigrations(2, runs), options('old'))).toEqual({
      kind: 'newer',
      stored: 3,
      build: 2,
    });
    expect(runs).toEqual([]);
    expect(await db.collection(DATA_VERSION_COLLECTION).find().toArray()).toEqual(before);
  });

  it('runs each migration exactly once when four instances start at once; the others wait and say so once', async () => {
    await earlierRelease();
    const runs: number[] = [];
    // The runner's first step holds until the three others say they wait (at most 8 s, inside
    // their 10 s): on a loaded machine one could otherwise first look after the runner finished,
    // and find the database current rather than wait.
    const othersWaiting = async () => {
      for (let waited = 0; waited < 8000; waited += 20) {
        if (lines.filter((line) => line.includes('Waiting for')).length >= 3) return;
        await sleep(20);
      }
    };
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((holder) =>
        migrateDatabase(db, countingMigrations(3, runs, 150, othersWaiting), options(holder)),
      ),
    );
    expect(runs).toEqual([1, 2, 3]);
    // The whole list, so that a failure shows what the odd one out said.
    expect(outcomes.map(({ kind }) => kind).sort()).toEqual([
      'migrated',
      'waited',
      'waited',
      'waited',
    ]);
    const runner = outcomes.findIndex(({ kind }) => kind === 'migrated');
    const holder = ['a', 'b', 'c', 'd'][runner];
    const waits = lines.filter((line) => line.includes('Waiting for'));
    expect(waits).toHaveLength(3);
    for (const line of waits) {
      expect(line).toMatch(
        new RegExp(
          `^[abcd]: Waiting for ${holder} to migrate the database from data version 0 to 3; this instance serves once it has, and gives up after 10 s \\(MIGRATIONS_WAIT_SECONDS\\)$`,
        ),
      );
    }
    expect((await db.collection<{ steps: number[] }>('marks').findOne())?.steps).toEqual([1, 2, 3]);
  });

  it('says it waited when the holder finished between its look and its take of the released lease', async () => {
    await earlierRelease();
    await db.collection(DATA_VERSION_COLLECTION).insertOne({
      _id: 'proofgate',
      version: 0,
      since: 0,
      createdAt: new Date(),
      migrations: [],
    } as never);
    expect(await new MigrationLease(db, 'holder', 30, () => new Date()).take()).toBe(true);
    // Once this instance says it waits, its next look gets its answer (version 0, the lease held)
    // and only then does the holder record the last version and release the lease: the take that
    // follows succeeds on a database already current.
    let armed = false;
    const holderFinishes = async () => {
      await db
        .collection(DATA_VERSION_COLLECTION)
        .updateOne({ _id: 'proofgate' } as never, { $set: { version: 1 } });
      await db.collection(DATA_VERSION_COLLECTION).deleteOne({ _id: 'migration-lease' } as never);
    };
    const runs: number[] = [];
    const outcome = await migrateDatabase(
      afterEachRead(db, async () => {
        if (!armed) return;
        armed = false;
        await holderFinishes();
      }),
      countingMigrations(1, runs),
      options('next', {
        log: (line) => {
          lines.push(`next: ${line}`);
          armed = true;
        },
      }),
    );
    expect(outcome).toMatchObject({ kind: 'waited', version: 1 });
    expect(runs).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^next: Waiting for holder to migrate/)]);
  });

  it('keeps the lease while a migration runs longer than the lease, so that no other instance runs it', async () => {
    await earlierRelease();
    const runs: number[] = [];
    // A 1 s lease, a 2.5 s migration: without renewals the lease would lapse twice.
    const first = migrateDatabase(db, countingMigrations(1, runs, 2500), options('slow'));
    await sleep(200);
    const second = await migrateDatabase(db, countingMigrations(1, runs), options('other'));
    // It waited for the lease; or, on a machine slow enough that its first look came just as the
    // first instance finished, it took the released lease and found the database current. Either
    // way it ran nothing: without renewals it would have taken the lapsed lease and run step 1.
    expect(['waited', 'current']).toContain(second.kind);
    expect(second).toMatchObject({ version: 1 });
    expect(await first).toMatchObject({ kind: 'migrated' });
    expect(runs).toEqual([1]);
  });

  it('takes over a lease whose holder is gone once it has expired', async () => {
    await earlierRelease();
    // An instance that took the lease and died: nothing renews or releases it.
    expect(await new MigrationLease(db, 'gone', 1, () => new Date()).take()).toBe(true);
    const runs: number[] = [];
    const started = Date.now();
    const outcome = await migrateDatabase(db, countingMigrations(2, runs), options('next'));
    expect(outcome).toMatchObject({ kind: 'migrated', from: 0, version: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(runs).toEqual([1, 2]);
    expect(lines[0]).toMatch(/^next: Waiting for gone to migrate/);
  });

  it('gives up after the wait, naming the holder, and runs nothing', async () => {
    await earlierRelease();
    expect(await new MigrationLease(db, 'busy', 60, () => new Date()).take()).toBe(true);
    const runs: number[] = [];
    const outcome = await migrateDatabase(
      db,
      countingMigrations(2, runs),
      options('late', { waitSeconds: 1 }),
    );
    expect(outcome).toEqual({ kind: 'timed_out', holder: 'busy', stored: 0, build: 2, seconds: 1 });
    expect(runs).toEqual([]);
  });

  it('records nothing more once its lease was taken by another (a holder stalled past its expiry)', async () => {
    await earlierRelease();
    const stalledNow = new Date();
    const runs: number[] = [];
    const stalled: Migration[] = [
      {
        id: 1,
        name: 'stalls',
        description: 'stalls',
        async up() {
          runs.push(1);
          // Another instance takes the lapsed lease meanwhile (its clock past the expiry).
          const later = () => new Date(Date.now() + 60_000);
          expect(await new MigrationLease(db, 'taker', 60, later).take()).toBe(true);
          await sleep(600);
        },
      },
    ];
    expect(
      await migrateDatabase(db, stalled, options('stalled', { now: () => stalledNow })),
    ).toEqual({ kind: 'lost', id: 1, name: 'stalls', version: 0 });
    expect((await readDataVersion(db)).record).toMatchObject({ version: 0, migrations: [] });
    expect((await readDataVersion(db)).lease).toMatchObject({ holder: 'taker' });
  });

  it('stops at a migration that fails, recording the ones before it, and releases the lease', async () => {
    await earlierRelease();
    const runs: number[] = [];
    const [one, , three] = countingMigrations(3, runs);
    const failing: Migration = {
      id: 2,
      name: 'fails',
      description: 'fails',
      up: () => Promise.reject(new Error('the disk is full')),
    };
    expect(await migrateDatabase(db, [one, failing, three], options('a'))).toEqual({
      kind: 'failed',
      id: 2,
      name: 'fails',
      version: 1,
      reason: 'the disk is full',
    });
    expect(runs).toEqual([1]);
    const { record, lease } = await readDataVersion(db);
    expect(record).toMatchObject({ version: 1, migrations: [{ id: 1 }] });
    expect(lease).toBeNull();
  });

  it('refuses a list that is not numbered 1, 2, 3... (a programming error)', async () => {
    const [one, , three] = countingMigrations(3, []);
    await expect(migrateDatabase(db, [one, three], options('a'))).rejects.toThrow(
      'Migration 3 (step-3) is at place 2: migrations are numbered 1, 2, 3... in order',
    );
  });
});
