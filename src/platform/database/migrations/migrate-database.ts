import type { mongo } from 'mongoose';
import { SINGLE_USE_WRITE } from '../single-use';
import { firstWriteWins } from '../duplicate-key';
import {
  DATA_VERSION_COLLECTION,
  DATA_VERSION_ID,
  type AppliedMigration,
  type DataVersionRecord,
  dataVersionCollection,
  readDataVersion,
} from './data-version';
import { buildDataVersion, type Migration } from './migration';
import { MigrationLease } from './migration-lease';

/** How a start's migration step ended. */
export type MigrationOutcome =
  /** The database was at the build's data version already. */
  | { readonly kind: 'current'; readonly version: number }
  /** A database with nothing in it: recorded at the build's version, no migration run. */
  | { readonly kind: 'fresh'; readonly version: number }
  /** This instance ran `applied`, in order, and recorded each. */
  | {
      readonly kind: 'migrated';
      readonly from: number;
      readonly version: number;
      readonly applied: readonly AppliedMigration[];
    }
  /** Another instance held the lease and brought the database to the build's version. */
  | { readonly kind: 'waited'; readonly version: number; readonly seconds: number }
  /** The database has had migrations this build does not know: a later release wrote it. */
  | { readonly kind: 'newer'; readonly stored: number; readonly build: number }
  /** A migration threw: nothing after it ran; `version` is the last one recorded. */
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly name: string;
      readonly version: number;
      readonly reason: string;
    }
  /** The lease went to another instance while a migration ran (this one stalled past it). */
  | { readonly kind: 'lost'; readonly id: number; readonly name: string; readonly version: number }
  /** Another instance held the lease for longer than this one may wait. */
  | {
      readonly kind: 'timed_out';
      readonly holder: string;
      readonly stored: number;
      readonly build: number;
      readonly seconds: number;
    };

export interface MigrateOptions {
  /** This instance, as the lease and the records name it. */
  readonly holder: string;
  /** The release running them, recorded beside each. */
  readonly release: string;
  /** How long to wait for another instance's migrations (MIGRATIONS_WAIT_SECONDS). */
  readonly waitSeconds: number;
  /** The lease's length; renewed every third of it while a migration runs. */
  readonly leaseSeconds?: number;
  /** How often a waiting instance looks again. */
  readonly pollMs?: number;
  readonly now?: () => Date;
  readonly log: (line: string) => void;
}

const LEASE_SECONDS = 30;
const POLL_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Brings the database to the build's data version before the instance serves: the one instance
 * that takes the lease runs the pending migrations in order, recording each as it ends; the
 * others look again every `pollMs` until the version is the build's, or take the lease when it
 * is released or has expired (its holder gone), or give up after `waitSeconds`. A database whose
 * version is above the build's is refused, untouched.
 */
export async function migrateDatabase(
  db: mongo.Db,
  migrations: readonly Migration[],
  options: MigrateOptions,
): Promise<MigrationOutcome> {
  const build = buildDataVersion(migrations);
  const now = options.now ?? (() => new Date());
  const lease = new MigrationLease(db, options.holder, options.leaseSeconds ?? LEASE_SECONDS, now);
  const started = now().getTime();
  const waited = () => Math.round((now().getTime() - started) / 100) / 10;
  let announced = false;
  for (;;) {
    const { record } = await readDataVersion(db);
    if (record && record.version > build) {
      return { kind: 'newer', stored: record.version, build };
    }
    if (record && record.version === build) {
      return announced
        ? { kind: 'waited', version: build, seconds: waited() }
        : { kind: 'current', version: build };
    }
    if (await lease.take()) {
      try {
        const outcome = await runUnderLease(db, migrations, build, lease, options, now);
        // The holder finished and released the lease between this instance's look and its take:
        // it waited all the same, and its log says so.
        return outcome.kind === 'current' && announced
          ? { kind: 'waited', version: build, seconds: waited() }
          : outcome;
      } finally {
        await lease.release();
      }
    }
    const stored = record?.version ?? 0;
    // Read after the refused take: the holder that refused it.
    const { lease: held } = await readDataVersion(db);
    if (waited() >= options.waitSeconds) {
      return {
        kind: 'timed_out',
        holder: held?.holder ?? 'another instance',
        stored,
        build,
        seconds: options.waitSeconds,
      };
    }
    if (!announced) {
      announced = true;
      options.log(
        `Waiting for ${held?.holder ?? 'another instance'} to migrate the database from data version ${stored} to ${build}; this instance serves once it has, and gives up after ${options.waitSeconds} s (MIGRATIONS_WAIT_SECONDS)`,
      );
    }
    await sleep(options.pollMs ?? POLL_MS);
  }
}

/** With the lease held: the version read again (another may have just finished), then each pending step. */
async function runUnderLease(
  db: mongo.Db,
  migrations: readonly Migration[],
  build: number,
  lease: MigrationLease,
  options: MigrateOptions,
  now: () => Date,
): Promise<MigrationOutcome> {
  const records = dataVersionCollection(db) as unknown as mongo.Collection<DataVersionRecord>;
  let record = (await readDataVersion(db)).record;
  if (record && record.version >= build) {
    return record.version > build
      ? { kind: 'newer', stored: record.version, build }
      : { kind: 'current', version: build };
  }
  if (!record) {
    const fresh = await isEmpty(db);
    const first: DataVersionRecord = {
      _id: DATA_VERSION_ID,
      version: fresh ? build : 0,
      since: fresh ? build : 0,
      createdAt: now(),
      migrations: [],
    };
    // Only a release without the lease could have written it meanwhile (none does): then the
    // stored one is read again.
    const inserted = await firstWriteWins(() => records.insertOne(first, SINGLE_USE_WRITE));
    record = inserted ? first : (await readDataVersion(db)).record;
    if (!record) throw new Error('The data version was neither written nor found');
    if (inserted && fresh) return { kind: 'fresh', version: build };
    if (record.version >= build) return migrateDatabase(db, migrations, options);
  }
  const from = record.version;
  const applied: AppliedMigration[] = [];
  let lost = false;
  const stopRenewing = lease.keepRenewed(() => {
    lost = true;
    options.log(
      `The migration lease was lost (another instance took it after it expired); ${options.holder} records nothing more`,
    );
  });
  try {
    for (const migration of migrations.filter((step) => step.id > from)) {
      const { id, name } = migration;
      const version = id - 1;
      options.log(`Migration ${id} (${name}): ${migration.description}`);
      try {
        await migration.up({ db, log: options.log, now });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { kind: 'failed', id, name, version, reason };
      }
      if (lost) return { kind: 'lost', id, name, version };
      const entry: AppliedMigration = {
        id,
        name,
        appliedAt: now(),
        by: options.holder,
        release: options.release,
      };
      // Conditional on the version it started from: recorded once, whoever else ran it.
      const result = await records.updateOne(
        { _id: DATA_VERSION_ID, version },
        { $set: { version: id }, $push: { migrations: entry } },
        SINGLE_USE_WRITE,
      );
      if (result.matchedCount !== 1) return { kind: 'lost', id, name, version };
      applied.push(entry);
    }
  } finally {
    stopRenewing();
  }
  return { kind: 'migrated', from, version: build, applied };
}

/** No collection but the data version's: a database no release has written to. */
async function isEmpty(db: mongo.Db): Promise<boolean> {
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  return collections.every(
    ({ name }) => name === DATA_VERSION_COLLECTION || name.startsWith('system.'),
  );
}
