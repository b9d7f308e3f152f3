import type { Command } from 'commander';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { MIGRATIONS } from '../../migrations/migrations';
import {
  type AppliedMigration,
  type DataVersionState,
  readDataVersion,
} from '../../platform/database/migrations/data-version';
import { buildDataVersion } from '../../platform/database/migrations/migration';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { formatDate } from '../io/output';

/** Each migration of this build, and what the database says of it. */
interface MigrationRow {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  /** applied: recorded; pending: not yet; not needed: the database was created after it. */
  readonly state: 'applied' | 'pending' | 'not needed';
  readonly applied?: AppliedMigration;
}

function rowsOf(state: DataVersionState): MigrationRow[] {
  const record = state.record;
  return MIGRATIONS.map(({ id, name, description }) => {
    const applied = record?.migrations.find((entry) => entry.id === id);
    const rowState =
      applied !== undefined
        ? 'applied'
        : record !== null && id <= record.since
          ? 'not needed'
          : 'pending';
    return { id, name, description, state: rowState, ...(applied ? { applied } : {}) };
  });
}

/** Where the database stands against this build. */
function standing(state: DataVersionState, build: number): string {
  const stored = state.record?.version;
  if (stored === undefined) return 'unversioned';
  if (stored > build) return 'newer';
  return stored === build ? 'current' : 'pending';
}

const STANDING_TEXT: Record<string, string> = {
  current: 'current: nothing to run',
  pending: 'behind: the next start of this build runs the pending migrations',
  newer:
    'newer than this build: a later release migrated it, and this build refuses to start on it',
  unversioned:
    'no data version yet: the next start of this build records it and runs what an earlier release needs',
};

async function readState(deps: CommandDeps): Promise<DataVersionState> {
  // Where a database stands, whatever its data version: a newer one included.
  return deps.withContext(
    async (app) => {
      const connection = app.get<Connection>(getConnectionToken());
      return readDataVersion(connection.db!);
    },
    { anyDataVersion: true },
  );
}

export function registerMigrationsCommands(program: Command, deps: CommandDeps): void {
  const migrations = program
    .command('migrations')
    .description("the database's data version and the migrations of stored data this build has");

  migrations
    .command('list')
    .description(
      "this build's migrations, in order: applied (when, by which instance), pending, or not needed",
    )
    .action(async (_options: unknown, command: Command) => {
      const rows = rowsOf(await readState(deps));
      answerRows(
        deps,
        command,
        rows,
        [
          { header: 'ID', cell: (row) => String(row.id) },
          { header: 'NAME', cell: (row) => row.name },
          { header: 'STATE', cell: (row) => row.state },
          { header: 'APPLIED AT', cell: (row) => formatDate(row.applied?.appliedAt) },
          { header: 'BY', cell: (row) => row.applied?.by ?? '-' },
          { header: 'DESCRIPTION', cell: (row) => row.description },
        ],
        (row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          state: row.state,
          applied_at: row.applied?.appliedAt ?? null,
          by: row.applied?.by ?? null,
          release: row.applied?.release ?? null,
        }),
      );
    });

  migrations
    .command('status')
    .description(
      "the database's data version against this build's, and who holds the migration lease",
    )
    .action(async (_options: unknown, command: Command) => {
      const state = await readState(deps);
      const build = buildDataVersion(MIGRATIONS);
      const { record, lease } = state;
      const status = standing(state, build);
      const pending = rowsOf(state).filter((row) => row.state === 'pending');
      const last = record?.migrations.at(-1);
      const human =
        `Data version ${record?.version ?? '-'} (this build's: ${build}): ${STANDING_TEXT[status]}.\n` +
        (record
          ? `Created at data version ${record.since} on ${formatDate(record.createdAt)}; ` +
            `${record.migrations.length} migration(s) applied` +
            (last ? `, the last ${formatDate(last.appliedAt)} by ${last.by}` : '') +
            '.\n'
          : '') +
        (pending.length > 0
          ? `Pending: ${pending.map((row) => `${row.id} ${row.name}`).join(', ')}.\n`
          : '') +
        (lease
          ? `Migration lease: held by ${lease.holder} until ${formatDate(lease.expiresAt)}.\n`
          : '');
      answer(deps, command, human, {
        status,
        data_version: record?.version ?? null,
        build_data_version: build,
        since: record?.since ?? null,
        created_at: record?.createdAt ?? null,
        applied: record?.migrations.length ?? 0,
        pending: pending.map((row) => row.id),
        lease: lease ? { holder: lease.holder, expires_at: lease.expiresAt } : null,
      });
    });
}
