/**
 * The upgrade fixture (test/fixtures/upgrade-1.0.0/, written by tools/upgrade-fixture/generate.ts
 * on an earlier release) loaded into a database, as that release left it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { FIXTURE_FILE, type UpgradeFixture } from '../../tools/upgrade-fixture/fixture';

export const UPGRADE_FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'upgrade-1.0.0');

export function upgradeFixture(): UpgradeFixture {
  return JSON.parse(
    readFileSync(join(UPGRADE_FIXTURE_DIR, FIXTURE_FILE), 'utf8'),
  ) as UpgradeFixture;
}

/** Every Date in `value` moved on by `ms`. */
function moved<T>(value: T, ms: number): T {
  if (value instanceof Date) return new Date(value.getTime() + ms) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => moved(item, ms)) as T;
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, moved(item, ms)]),
    ) as T;
  }
  return value;
}

/**
 * Inserts each collection of the fixture into `db`, its documents as the earlier release wrote
 * them but for their dates, moved on by the time since the fixture was generated: the data is as
 * old at each run as it was when written (a refresh family's year-long life does not run out
 * between the fixture's generation and a later run), and nothing else changes.
 */
export async function loadUpgradeFixture(db: mongo.Db, fixture = upgradeFixture()): Promise<void> {
  const since = Date.now() - Date.parse(fixture.generatedAt);
  for (const name of fixture.collections) {
    const documents = mongo.BSON.EJSON.parse(
      readFileSync(join(UPGRADE_FIXTURE_DIR, `${name}.json`), 'utf8'),
      { relaxed: false },
    ) as mongo.Document[];
    // An empty collection is created all the same: the release had created it.
    await db.createCollection(name).catch(() => undefined);
    if (documents.length > 0) await db.collection(name).insertMany(moved(documents, since));
  }
}
