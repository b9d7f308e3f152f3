import type { Model, mongo } from 'mongoose';

/**
 * Creates a model's collection, then its schema's indexes in one command. Called at module init
 * (by each PersistenceModule for its models, else by the repository), so the service does not
 * take traffic before its TTL and unique indexes exist. The collection is created explicitly first: concurrent implicit creation races on
 * some MongoDB-compatible servers (mongo-java-server's H2 backend fails it).
 */
export async function ensureIndexes<T>(model: Model<T>): Promise<void> {
  const db = model.db.db;
  if (!db) throw new Error('ensureIndexes called before the database connection opened');
  const name = model.collection.collectionName;
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length === 0) {
    try {
      await db.createCollection(name);
    } catch (error) {
      // Another instance created it meanwhile (NamespaceExists).
      if ((error as { code?: number }).code !== 48) throw error;
    }
  }
  const indexes = model.schema.indexes().map(([fields, options]) => ({
    // Schema index options are driver options here (no mongoose-only forms like `unique: [true, msg]`).
    ...(options as Omit<mongo.IndexDescription, 'key'>),
    key: fields as mongo.IndexDescription['key'],
  }));
  // One createIndexes command for all of them: one round trip per collection at every start.
  if (indexes.length > 0) await model.collection.createIndexes(indexes);
}
