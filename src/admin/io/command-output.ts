import { InvalidArgumentError, Option, type Command } from 'commander';
import type { WithAdminContext } from '../admin-context';
import type { PasswordInputStream } from './password-input';
import { type Column, renderJson, renderTable } from './output';

export interface AdminIo {
  readonly stdout: Pick<NodeJS.WritableStream, 'write'>;
  readonly stderr: Pick<NodeJS.WritableStream, 'write'>;
  readonly stdin: PasswordInputStream;
}

/** What every command needs: where to talk, and how to reach the service's modules. */
export interface CommandDeps {
  readonly io: AdminIo;
  readonly withContext: WithAdminContext;
}

/** `--json` anywhere on the command line. */
export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** A command's answer on stdout: the human text, or with --json the JSON document. */
export function answer(deps: CommandDeps, command: Command, human: string, json: unknown): void {
  deps.io.stdout.write(wantsJson(command) ? renderJson(json) : human);
}

/**
 * A listing's answer on stdout: a table of `columns`, or with --json each row as `json` has it;
 * on stderr, when the listing fills its `cut`, that there may be more.
 */
export function answerRows<Row>(
  deps: CommandDeps,
  command: Command,
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  json: (row: Row) => unknown,
  cut?: ListingCut,
): void {
  if (cut !== undefined && rows.length === cut.limit) {
    deps.io.stderr.write(`Showing the ${cut.shown} ${cut.limit}; --limit shows more.\n`);
  }
  deps.io.stdout.write(
    wantsJson(command) ? renderJson(rows.map(json)) : renderTable(columns, rows),
  );
}

/** Where a listing was cut: its `--limit`, and which rows it shows (as the listing is ordered). */
export interface ListingCut {
  readonly limit: number;
  readonly shown: 'first' | 'newest';
}

/** A listing's `--limit <n>`: at most this many rows, `byDefault` when left out, `max` at most. */
export function limitOption(byDefault: number, max: number): Option {
  return new Option('--limit <n>', `at most this many (default ${byDefault})`)
    .argParser(wholeNumberUpTo(max))
    .default(byDefault);
}

/** A `--limit`-like option's parser: a whole number from 1 to `max` (commander's usage error otherwise). */
export function wholeNumberUpTo(max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < 1 || parsed > max) {
      throw new InvalidArgumentError(`a whole number from 1 to ${max}`);
    }
    return parsed;
  };
}
