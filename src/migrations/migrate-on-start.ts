import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';
import type { DatabaseConfig } from '../config/sections/database.config';
import type { ServerConfig } from '../config/sections/server.config';
import {
  migrateDatabase,
  type MigrationOutcome,
} from '../platform/database/migrations/migrate-database';
import type { Migration } from '../platform/database/migrations/migration';
import { type LogDestination, logDestination } from '../platform/logging/log-destination';
import { processLogger } from '../platform/logging/logging.module';
import { SERVICE_VERSION } from '../platform/version';
import { MIGRATIONS } from './migrations';

/** This process, as the migration lease and the records name it. */
export function instanceName(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** What a database a later release migrated is, to the start and to the admin CLI alike. */
export function newerDataVersion(stored: number, build: number): string {
  return (
    `The database's data version is ${stored}, newer than this build's ${build} ` +
    `(Proofgate ${SERVICE_VERSION}): a later release has migrated it.`
  );
}

/**
 * `work` on a connection of its own to the service's database, closed after: what the start and
 * the admin CLI read and migrate before any module loads.
 */
export async function onOwnConnection<T>(
  database: DatabaseConfig,
  appName: string,
  work: (db: mongo.Db) => Promise<T>,
): Promise<T> {
  const client = new mongo.MongoClient(database.uri, {
    appName,
    serverSelectionTimeoutMS: database.serverSelectionTimeoutMs,
  });
  try {
    return await work(client.db());
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The line a start refused by `outcome` ends with; undefined when the instance may serve. */
export function refusalOf(outcome: MigrationOutcome): string | undefined {
  if (outcome.kind === 'newer') {
    return (
      `${newerDataVersion(outcome.stored, outcome.build)} Start that release or a later one; ` +
      'this one does not serve a database it cannot read.'
    );
  }
  if (outcome.kind === 'timed_out') {
    return (
      `Gave up after ${outcome.seconds} s (MIGRATIONS_WAIT_SECONDS) waiting for ${outcome.holder} ` +
      `to migrate the database from data version ${outcome.stored} to ${outcome.build}. If that ` +
      'instance is gone, its lease lapses within 30 s and the next start runs the migrations.'
    );
  }
  if (outcome.kind === 'failed') {
    return (
      `Migration ${outcome.id} (${outcome.name}) failed: ${outcome.reason}. The database stays at ` +
      `data version ${outcome.version}; the next start runs the migration again.`
    );
  }
  if (outcome.kind === 'lost') {
    return (
      `Lost the migration lease while migration ${outcome.id} (${outcome.name}) ran: another ` +
      `instance took it once it had expired. The database stays at data version ${outcome.version}` +
      ' or what that instance records; the next start goes on from there.'
    );
  }
  return undefined;
}

/** What the log says of a start's migrations that let it serve. */
function reportOf(outcome: MigrationOutcome): string | undefined {
  if (outcome.kind === 'fresh') {
    return `A new database: recorded at data version ${outcome.version}, no migration to run`;
  }
  if (outcome.kind === 'migrated') {
    return `Migrated the database from data version ${outcome.from} to ${outcome.version} (${outcome.applied.length} migration(s))`;
  }
  if (outcome.kind === 'waited') {
    return `Another instance migrated the database to data version ${outcome.version}; serving after ${outcome.seconds} s`;
  }
  return undefined;
}

/**
 * The start's step before the application's modules load (app.start.ts): the database brought to
 * this build's data version on a connection of its own, so that nothing serves, seeds or creates
 * a key on data of an older shape. Resolves to the line that refuses the start, if any.
 */
export async function migrateBeforeServing(
  database: DatabaseConfig,
  server: ServerConfig,
  options: {
    readonly migrations?: readonly Migration[];
    readonly destination?: LogDestination;
    readonly holder?: string;
  } = {},
): Promise<string | undefined> {
  const logger = processLogger(server, options.destination ?? logDestination(server)).child({
    context: 'Migrations',
  });
  return onOwnConnection(database, 'proofgate', async (db) => {
    const outcome = await migrateDatabase(db, options.migrations ?? MIGRATIONS, {
      holder: options.holder ?? instanceName(),
      release: SERVICE_VERSION,
      waitSeconds: database.migrationsWaitSeconds,
      log: (line) => logger.info(line),
    });
    const report = reportOf(outcome);
    if (report) logger.info(report);
    return refusalOf(outcome);
  });
}
