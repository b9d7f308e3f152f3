import type { Model, mongo } from 'mongoose';

/**
 * Creates a model's collection and its schema's indexes, one at a time. Called from each
 * repository's `onModuleInit`, so the service does not take traffic before its TTL and unique
 * indexes exist. Sequential on purpose: concurrent implicit collection creation races on some
 * MongoDB-compatible servers (mongo-java-server's H2 backend fails it).
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
  for (const [fields, options] of model.schema.indexes()) {
    // Schema index options are driver options here (no mongoose-only forms like `unique: [true, msg]`).
    await model.collection.createIndex(
      fields as mongo.IndexSpecification,
      options as mongo.CreateIndexesOptions,
    );
  }
}
