import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/env-parsers';
import { UsageError } from './admin.errors';
import { SERVICE_VERSION } from '../platform/version';
import { registerAccountsCommands } from './accounts/accounts.command';
import { registerClientsCommands } from './clients/clients.command';
import { registerConsentsCommands } from './consents/consents.command';
import { registerApprovalsCommands } from './approvals/approvals.command';
import { registerGrantsCommands } from './grants/grants.command';
import { registerSessionsCommands } from './sessions/sessions.command';
import type { CommandDeps } from './io/command-output';
import { registerKeysCommands } from './keys/keys.command';
import { registerMigrationsCommands } from './migrations/migrations.command';
import { registerOutboxesCommands } from './outboxes/outboxes.command';
import { registerStreamsCommands } from './streams/streams.command';
import { registerUsersCommands } from './users/users.command';
import { registerOperatorsCommands } from './operators/operators.command';
import { registerSecurityEventsCommands } from './security-events/security-events.command';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

const NAME = 'proofgate-admin';
const USAGE_HINT = `(${NAME} <command> --help shows the usage)`;

export function buildAdminProgram(deps: CommandDeps): Command {
  const program = new Command(NAME)
    .description(
      "Administers Proofgate through the service's own modules, on its MongoDB (MONGODB_URI).",
    )
    .version(SERVICE_VERSION, '--version', 'print the release (semantic versioning) and exit')
    .option('--json', 'print the answer as JSON on stdout')
    // Settings made before the subcommands are added are inherited by them.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
      outputError: writeError,
    })
    .showHelpAfterError(USAGE_HINT)
    .addHelpText(
      'after',
      '\nPasswords are read from stdin or a hidden prompt, never from the command line.\n' +
        'Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 usage.',
    );
  registerUsersCommands(program, deps);
  registerClientsCommands(program, deps);
  registerKeysCommands(program, deps);
  registerGrantsCommands(program, deps);
  registerConsentsCommands(program, deps);
  registerApprovalsCommands(program, deps);
  registerAccountsCommands(program, deps);
  registerSessionsCommands(program, deps);
  registerOutboxesCommands(program, deps);
  registerStreamsCommands(program, deps);
  registerOperatorsCommands(program, deps);
  registerSecurityEventsCommands(program, deps);
  registerMigrationsCommands(program, deps);
  for (const command of leavesOf(program)) hintTheDashOf(command);
  return program;
}

function leavesOf(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leavesOf);
}

/**
 * An id may start with '-' (a sid or an outbox row's id is base64url), which reads as an
 * unknown option: the refusal of a command that takes one says how to pass it, after `--`.
 */
function hintTheDashOf(command: Command): void {
  const last = command.registeredArguments.at(-1);
  if (!last) return;
  const path: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) path.unshift(at.name());
  const hint =
    `(${/^[aeiou]/.test(last.name()) ? 'an' : 'a'} ${last.name()} that starts with '-' goes after --: ` +
    `${NAME} ${path.join(' ')} ${command.registeredArguments
      .slice(0, -1)
      .map((argument) => `<${argument.name()}>`)
      .concat(`-- <${last.name()}>`)
      .join(' ')})\n`;
  command.configureOutput({
    outputError: (text, write) => {
      writeError(text, write);
      if (text.startsWith("error: unknown option '-")) write(hint);
    },
  });
}

function writeError(text: string, write: (text: string) => void): void {
  write(`${NAME}: ${text.replace(/^error: /, '')}`);
}

/** Runs one command line; resolves to the exit code. Never prints a stack trace. */
export async function runAdminCli(argv: readonly string[], deps: CommandDeps): Promise<number> {
  try {
    await buildAdminProgram(deps).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      deps.io.stderr.write(`${NAME}: ${error.message}\n${USAGE_HINT}\n`);
      return EXIT_USAGE;
    }
    deps.io.stderr.write(`${NAME}: ${describeFailure(error)}\n`);
    return EXIT_ERROR;
  }
}

/** One line an operator can act on. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unexpected failure';
  const message = error.message.replace(/\s*\n\s*/g, ' ');
  if (error instanceof ConfigError) return `invalid configuration: ${message}`;
  if (/ServerSelectionError$/.test(error.name)) return `cannot reach MongoDB: ${message}`;
  return message;
}
