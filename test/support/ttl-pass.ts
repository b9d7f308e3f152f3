import type { Connection } from 'mongoose';

/**
 * One pass of MongoDB's TTL monitor over the app's database, as if it ran at `at` (the test
 * clock's time, which the database's own monitor never sees): for each single-field TTL index of
 * each collection, deletes the documents its partial filter selects whose field is a date (or an
 * array holding one) at least `expireAfterSeconds` before `at`. What the dev database's monitor
 * does on real time (test/e2e/dev/dev-database-ttl.e2e-spec.ts): here on demand, so a test can
 * say what stays after a pass.
 */
export async function ttlPass(connection: Connection, at: Date): Promise<void> {
  const db = connection.db;
  if (db === undefined) throw new Error('The connection has no database yet');
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const collection = db.collection(name);
    for (const index of await collection.listIndexes().toArray()) {
      const fields = Object.keys(index.key as Record<string, unknown>);
      if (typeof index.expireAfterSeconds !== 'number' || fields.length !== 1) continue;
      const deadline = new Date(at.getTime() - index.expireAfterSeconds * 1000);
      // `$lte` on a date matches only dates (BSON compares within a type): as the monitor.
      await collection.deleteMany({
        $and: [
          (index.partialFilterExpression as Record<string, unknown> | undefined) ?? {},
          { [fields[0]]: { $lte: deadline } },
        ],
      });
    }
  }
}
