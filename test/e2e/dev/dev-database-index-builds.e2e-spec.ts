/**
 * The dev/test database (tools/mongo-server) builds an index while the same collection is being
 * written, as mongod does. Stock mongo-java-server adds an index under the database's lock only,
 * so an update that walked the collection's index list meanwhile failed with "Unknown error:
 * null": at start, a migration's updateMany racing its repository's createIndex (ConsentService
 * and MongoConsentRepository, initialised side by side) failed a CI run that way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { MongoServerHandle, startMongoServer } from '../../../tools/mongo-server/launch';

interface Doc {
  _id: string;
  sub: string;
  clientId: string;
  expiresAt?: Date;
  seen?: number;
}

// About a quarter of these rounds failed before the fix: 25 leave no room for luck (0.75^25 < 0.1%).
const ROUNDS = 25;
const DOCS = 300;

describe.each([
  ['memory', false],
  ['H2', true],
])('the dev database, %s backend, index builds during writes', (_backend, onDisk) => {
  let dir: string | undefined;
  let server: MongoServerHandle;
  let client: mongo.MongoClient;

  beforeAll(async () => {
    dir = onDisk ? mkdtempSync(join(tmpdir(), 'proofgate-index-builds-')) : undefined;
    server = await startMongoServer({ ttlMonitorSeconds: 0, h2File: dir && join(dir, 'data.mv') });
    client = await mongo.MongoClient.connect(server.uri);
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every write and builds every index when they run at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const db = client.db(`proofgate_test_index_builds_${round}`);
      await db.createCollection('consents');
      const consents = db.collection<Doc>('consents');
      await consents.insertMany(
        Array.from({ length: DOCS }, (_, i) => ({
          _id: `d${i}`,
          sub: `s${i % 3}`,
          clientId: `c${i}`,
        })),
      );

      const expiresAt = new Date();
      const [, , , dated, seen, inserted] = await Promise.all([
        consents.createIndex({ sub: 1 }),
        consents.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }),
        consents.createIndex({ clientId: 1, sub: 1 }),
        consents.updateMany({ expiresAt: { $exists: false } }, { $set: { expiresAt } }),
        consents.updateMany({ sub: 's1' }, { $set: { seen: 1 } }),
        // Matched by neither update, whichever runs first.
        consents.insertOne({ _id: 'late', sub: 's9', clientId: 'late', expiresAt }),
      ]);

      expect(dated.modifiedCount).toBe(DOCS);
      expect(seen.modifiedCount).toBe(DOCS / 3);
      expect(inserted.insertedId).toBe('late');
      const names = (await consents.indexes()).map((index) => index.name).sort();
      expect(names).toEqual(['_id_', 'clientId_1_sub_1', 'expiresAt_1', 'sub_1']);
      // The indexes hold what was written around their build: each finds its documents.
      expect(await consents.countDocuments({ sub: 's1' })).toBe(DOCS / 3);
      expect(await consents.countDocuments({ clientId: 'late', sub: 's9' })).toBe(1);
      await db.dropDatabase();
    }
  });
});
