import type { Model, mongo } from 'mongoose';

/**
 * Creates a model's schema indexes in one command, once its collection exists. Called at module
 * init (by each PersistenceModule for its models, else by the repository), so the service does
 * not take traffic before its TTL and unique indexes exist. The collection is created explicitly
 * first: concurrent implicit creation races on some MongoDB-compatible servers (mongo-java-server's
 * H2 backend fails it). Mongoose creates it (`autoCreate`, see connectionOptions) as soon as the
 * connection opens, a NamespaceExists from another instance taken as done; `init()` is that
 * creation's promise. Listing the collections and creating the missing ones here as well cost a
 * start one listCollections per model (~20) that found every collection there.
 */
export async function ensureIndexes<T>(model: Model<T>): Promise<void> {
  await model.init();
  const indexes = model.schema.indexes().map(([fields, options]) => ({
    // Schema index options are driver options here (no mongoose-only forms like `unique: [true, msg]`).
    ...(options as Omit<mongo.IndexDescription, 'key'>),
    key: fields as mongo.IndexDescription['key'],
  }));
  // One createIndexes command for all of them: one round trip per collection at every start.
  if (indexes.length > 0) await model.collection.createIndexes(indexes);
}
