import type { mongo } from 'mongoose';

/** What a migration is given: the database, a log line writer and the time. */
export interface MigrationContext {
  readonly db: mongo.Db;
  /** One line for the operator (no secret: a key, an address, a count). */
  readonly log: (line: string) => void;
  readonly now: () => Date;
}

/**
 * A change to stored data, numbered: the database's data version once it ran (docs/RELEASING.md,
 * "Writing a migration"). Forward-only (there is no `down`), and idempotent: `up` run again on
 * the data it left changes nothing, since a start cut short after `up` and before its record runs
 * it again. It expands and never removes what the release before still reads (expand, then
 * contract one release later).
 */
export interface Migration {
  /** 1, 2, 3...: its file's number (`src/migrations/0002-….ts`), never reused. */
  readonly id: number;
  /** Its file's name after the number, kebab case. */
  readonly name: string;
  /** One line: what it changes, for `proofgate-admin migrations list`. */
  readonly description: string;
  up(context: MigrationContext): Promise<void>;
}

/**
 * The build's data version: its last migration's number. Throws (a programming error) unless the
 * list is numbered 1, 2, 3... in order: a gap or a repeat would record a version no step made.
 */
export function buildDataVersion(migrations: readonly Migration[]): number {
  migrations.forEach((migration, index) => {
    if (migration.id !== index + 1) {
      throw new Error(
        `Migration ${migration.id} (${migration.name}) is at place ${index + 1}: migrations are numbered 1, 2, 3... in order`,
      );
    }
  });
  return migrations.length;
}
