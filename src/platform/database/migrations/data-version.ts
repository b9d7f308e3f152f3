import type { mongo } from 'mongoose';
import { SINGLE_USE_READ } from '../single-use';

/** The collection of the data version's document and of the migration lease. */
export const DATA_VERSION_COLLECTION = 'data_version';
/** `_id` of the one document that says which migrations the database has had. */
export const DATA_VERSION_ID = 'proofgate';
/** `_id` of the lease the instance running the migrations holds. */
export const MIGRATION_LEASE_ID = 'migration-lease';

/** A migration as the database recorded it. */
export interface AppliedMigration {
  readonly id: number;
  readonly name: string;
  readonly appliedAt: Date;
  /** The instance that ran it (its host name, process id and a random suffix). */
  readonly by: string;
  /** The release that ran it. */
  readonly release: string;
}

/**
 * The data version: the number of the last migration the database has had. `since`: the version
 * it was created at (a fresh database is recorded at the build's version, its migrations having
 * nothing to change; a database of a release before data versions, at 0).
 */
export interface DataVersionRecord {
  readonly _id: typeof DATA_VERSION_ID;
  readonly version: number;
  readonly since: number;
  readonly createdAt: Date;
  readonly migrations: AppliedMigration[];
}

/** Who runs the migrations, until when (renewed while they run; compared by time). */
export interface MigrationLeaseRecord {
  readonly _id: typeof MIGRATION_LEASE_ID;
  readonly holder: string;
  readonly takenAt: Date;
  readonly expiresAt: Date;
}

/** What the database says of itself: its data version (none before any start) and its lease. */
export interface DataVersionState {
  readonly record: DataVersionRecord | null;
  readonly lease: MigrationLeaseRecord | null;
}

/** The collection, typed for both kinds of document it holds. */
export function dataVersionCollection(
  db: mongo.Db,
): mongo.Collection<DataVersionRecord | MigrationLeaseRecord> {
  return db.collection<DataVersionRecord | MigrationLeaseRecord>(DATA_VERSION_COLLECTION);
}

/** The data version's document and the lease, as they are on the primary. */
export async function readDataVersion(db: mongo.Db): Promise<DataVersionState> {
  const documents = await dataVersionCollection(db)
    .find({ _id: { $in: [DATA_VERSION_ID, MIGRATION_LEASE_ID] } }, SINGLE_USE_READ)
    .toArray();
  const record = documents.find((document) => document._id === DATA_VERSION_ID);
  const lease = documents.find((document) => document._id === MIGRATION_LEASE_ID);
  return {
    record: (record as DataVersionRecord | undefined) ?? null,
    lease: (lease as MigrationLeaseRecord | undefined) ?? null,
  };
}
