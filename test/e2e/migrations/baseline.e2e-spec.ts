/**
 * Migration 1 (src/migrations/0001-baseline-1-0-0.ts): the data as 1.0.0 writes it, which this
 * release reads as it is. Run on the upgrade fixture (every collection as an earlier release
 * wrote it), it changes nothing, once or twice.
 */
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';
import { baseline } from '../../../src/migrations/0001-baseline-1-0-0';
import { loadUpgradeFixture, upgradeFixture } from '../../support/upgrade-fixture';

describe('migrations: 0001 baseline 1.0.0', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;

  beforeAll(async () => {
    client = await mongo.MongoClient.connect(process.env.MONGODB_URI!);
    db = client.db(`proofgate_test_baseline_${randomBytes(4).toString('hex')}`);
    await loadUpgradeFixture(db);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  const everything = async () =>
    Promise.all(
      upgradeFixture().collections.map(async (name) =>
        db.collection(name).find().sort({ _id: 1 }).toArray(),
      ),
    );

  it('changes nothing in the data an earlier release wrote, run once or twice', async () => {
    const before = await everything();
    expect(before.flat().length).toBeGreaterThan(10);
    const context = { db, log: () => undefined, now: () => new Date() };
    await baseline.up(context);
    expect(await everything()).toEqual(before);
    await baseline.up(context);
    expect(await everything()).toEqual(before);
  });
});
