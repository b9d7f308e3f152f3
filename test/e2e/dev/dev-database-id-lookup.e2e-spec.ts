/**
 * The dev/test database (tools/mongo-server) answers a filter on `_id` (one value or an `$in` of
 * values) from the `_id` index, as mongod does, and the rest of the filter as a full scan would:
 * the same documents found, counted, updated and deleted. The service's batched reads and
 * redemptions (a turn's `find` or `updateMany` by `_id: {$in}`) rely on it. The oracle is the same
 * filter written as an `$or` of equalities, which the stock planner answers by scanning.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { MongoServerHandle, startMongoServer } from '../../../tools/mongo-server/launch';

/** The documents' ids: strings and numbers, and once a document (the `$in` the index cannot take). */
type Id = string | number | mongo.Double | Record<string, number>;
interface Doc {
  _id: Id;
  kind: string;
  n: number;
  spentAt?: Date | null;
}

/** A filter as the test writes it (`_id: {$in}` of mixed types), as the driver types it. */
const where = (filter: object) => filter as mongo.Filter<Doc>;

const IDS: Id[] = ['a', 'b', 'c', 'd', 1, 2.5, 'e'];

describe.each([
  ['memory', false],
  ['H2', true],
])('the dev database, %s backend, `_id` lookups', (_backend, onDisk) => {
  let dir: string | undefined;
  let server: MongoServerHandle;
  let client: mongo.MongoClient;
  let docs: mongo.Collection<Doc>;

  beforeAll(async () => {
    dir = onDisk ? mkdtempSync(join(tmpdir(), 'proofgate-id-lookup-')) : undefined;
    server = await startMongoServer({ ttlMonitorSeconds: 0, h2File: dir && join(dir, 'data.mv') });
    client = await mongo.MongoClient.connect(server.uri);
    docs = client.db('proofgate_test_id_lookup').collection<Doc>('docs');
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await docs.deleteMany({});
    await docs.insertMany(
      IDS.map((_id, n) => ({ _id, kind: n % 2 === 0 ? 'even' : 'odd', n, spentAt: null })),
    );
  });

  /** The filter with its `_id: {$in}` written as an `$or` of equalities: a scan's answer. */
  const scanned = (ids: unknown[], rest: Record<string, unknown>) => ({
    $or: ids.map((_id) => ({ _id })),
    ...rest,
  });

  const byN = { sort: { n: 1 } } as const;

  it('finds and counts by `_id: {$in}` with the rest of the filter as a scan does', async () => {
    for (const [ids, rest] of [
      [['a', 'b', 'zz', 'c'], {}],
      [['a', 'b', 'c', 'd'], { kind: 'even' }],
      [['a', 'a', 'b'], { spentAt: null }],
      [[1, 2.5, 'e'], { n: { $gte: 5 } }],
      // A number matches its equal of another type (1 as a double), as the index compares them.
      [[new mongo.Double(1), 2.5], {}],
      [['nowhere'], {}],
    ] as [unknown[], Record<string, unknown>][]) {
      const expected = await docs.find(where(scanned(ids, rest)), byN).toArray();
      const found = await docs.find(where({ _id: { $in: ids }, ...rest }), byN).toArray();
      expect(found).toEqual(expected);
      expect(await docs.countDocuments(where({ _id: { $in: ids }, ...rest }))).toBe(
        expected.length,
      );
    }
    // Found at all: the oracle is not empty-handed.
    expect(await docs.countDocuments(where({ _id: { $in: ['a', 'b'] } }))).toBe(2);
  });

  it('updates and deletes by `_id: {$in}` only what the whole filter matches', async () => {
    const spent = await docs.updateMany(
      where({ _id: { $in: ['a', 'b', 'c', 'zz'] }, kind: 'even', spentAt: null }),
      { $set: { spentAt: new Date(0) } },
    );
    expect([spent.matchedCount, spent.modifiedCount]).toEqual([2, 2]);
    // Spent already: a second update of the same documents matches none.
    const again = await docs.updateMany(where({ _id: { $in: ['a', 'c'] }, spentAt: null }), {
      $set: { spentAt: new Date(1) },
    });
    expect(again.matchedCount).toBe(0);
    const deleted = await docs.deleteMany(where({ _id: { $in: ['b', 'd', 1] } }));
    expect(deleted.deletedCount).toBe(3);
    expect((await docs.find({}, byN).toArray()).map((doc) => [doc._id, doc.spentAt])).toEqual([
      ['a', new Date(0)],
      ['c', new Date(0)],
      [2.5, null],
      ['e', null],
    ]);
  });

  it('leaves an `$in` it cannot answer from the index (null, a document) to the scan', async () => {
    await docs.insertOne({ _id: { nested: 1 }, kind: 'odd', n: 9 });
    const found = await docs
      .find(where({ _id: { $in: [{ nested: 1 }, 'a', null] } }), byN)
      .toArray();
    expect(found.map((doc) => doc._id)).toEqual(['a', { nested: 1 }]);
  });
});
