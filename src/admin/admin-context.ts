import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DatabaseConfig } from '../config/sections/database.config';
import { loadAdminConfig } from '../config/load-config';
import { newerDataVersion, onOwnConnection } from '../migrations/migrate-on-start';
import { MIGRATIONS } from '../migrations/migrations';
import { readDataVersion } from '../platform/database/migrations/data-version';
import { buildDataVersion } from '../platform/database/migrations/migration';
import { AdminError } from './admin.errors';
import { AdminModule } from './admin.module';

/** What a command may ask of its context. */
export interface AdminContextOptions {
  /**
   * Open it whatever the database's data version (`migrations list|status`, which say where a
   * database stands): every other command refuses a database a later release migrated.
   */
  readonly anyDataVersion?: boolean;
}

/** Runs `work` on a Nest application context of the admin module, closed afterwards. */
export type WithAdminContext = <T>(
  work: (app: INestApplicationContext) => Promise<T>,
  options?: AdminContextOptions,
) => Promise<T>;

/**
 * The line that refuses a command on a database of data version `stored`, newer than this
 * build's `build`; undefined when this build may work on it.
 */
export function newerDataRefusal(stored: number | undefined, build: number): string | undefined {
  if (stored === undefined || stored <= build) return undefined;
  return (
    `${newerDataVersion(stored, build)} Use that release's proofgate-admin; this one changes ` +
    'nothing on a database it cannot read (migrations status says where it stands).'
  );
}

/**
 * Refuses, before anything is loaded or written, a database a later release migrated: opening
 * the admin module does what a start does (indexes, the signing key, OAUTH_CLIENTS' clients),
 * in this build's shapes. One read, on a connection of its own, as the service's start does.
 */
async function refuseNewerData(database: DatabaseConfig): Promise<void> {
  const { record } = await onOwnConnection(database, 'proofgate-admin', readDataVersion);
  const refusal = newerDataRefusal(record?.version, buildDataVersion(MIGRATIONS));
  if (refusal !== undefined) throw new AdminError(refusal);
}

/**
 * Validates the configuration, then starts the admin module without an HTTP server and without
 * logging: the CLI's output is its answer, and a failure is one line on stderr.
 */
export const withAdminContext: WithAdminContext = async (work, options = {}) => {
  const config = loadAdminConfig();
  if (options.anyDataVersion !== true) await refuseNewerData(config.database);
  // abortOnError false: a failing start rejects here instead of ending the process.
  const app = await NestFactory.createApplicationContext(AdminModule.forConfig(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
};
