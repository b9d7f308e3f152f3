import { cliCall } from '../io/cli-call';
import { Option, type Command } from 'commander';
import {
  checkPassword,
  checkUsername,
  type UserAccount,
} from '../../accounts/users/user-account.service';
import { UsageError } from '../admin.errors';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { type Column, formatDate } from '../io/output';
import { PASSWORD_NOT_IN_ARGV, readPassword } from '../io/password-input';
import { UserAdministration } from './user-administration.service';
import { userJson } from './user-json';
import { endedJson } from '../io/ended-json';

const USER_COLUMNS: readonly Column<UserAccount>[] = [
  { header: 'USERNAME', cell: (user) => user.username },
  { header: 'STATUS', cell: (user) => (user.disabledAt ? 'disabled' : 'active') },
  { header: 'CREATED', cell: (user) => formatDate(user.createdAt) },
  { header: 'DISABLED', cell: (user) => formatDate(user.disabledAt) },
];

/**
 * A password on the command line would sit in shell history and in `ps` output: the commands
 * that take one accept exactly one argument, and a --password option only to refuse it.
 */
function withPasswordGuard(command: Command): Command {
  return command
    .allowExcessArguments(true)
    .allowUnknownOption(true)
    .addOption(new Option('-p, --password [password]').hideHelp());
}

function refusePasswordInArgv(command: Command): void {
  const { password } = command.opts<{ password?: unknown }>();
  if (password !== undefined || command.args.length !== 1) {
    throw new UsageError(PASSWORD_NOT_IN_ARGV);
  }
}

export function registerUsersCommands(program: Command, deps: CommandDeps): void {
  const users = program.command('users').description('password accounts');
  const readNewPassword = (username: string) =>
    readPassword(deps.io.stdin, deps.io.stderr, {
      label: `New password for ${username}`,
      confirm: true,
    });

  withPasswordGuard(
    users
      .command('add')
      .description('create an account; its password is read from stdin or a hidden prompt')
      .argument('<username>'),
  ).action(async (username: string, _options: unknown, command: Command) => {
    refusePasswordInArgv(command);
    checkUsername(username);
    const password = await readNewPassword(username);
    checkPassword(password);
    const user = await deps.withContext((app) =>
      app.get(UserAdministration).add(username, password, cliCall()),
    );
    answer(deps, command, `Created user ${user.username}.\n`, userJson(user));
  });

  users
    .command('list')
    .description('every account, with its status')
    .action(async (_options: unknown, command: Command) => {
      const list = await deps.withContext((app) => app.get(UserAdministration).list());
      answerRows(deps, command, list, USER_COLUMNS, userJson);
    });

  users
    .command('disable')
    .description(
      'lock an account down: every sign-in method refused, its login sessions ended, its grants revoked',
    )
    .argument(
      '<user>',
      'a username, a subject, or a method key (eip155:<chain>:<address>, passkey:…)',
    )
    .action(async (who: string, _options: unknown, command: Command) => {
      const result = await deps.withContext((app) =>
        app.get(UserAdministration).disable(who, cliCall()),
      );
      const account = result.sub === who ? who : `${who} (account ${result.sub})`;
      const what = result.changed ? `Disabled ${account}` : `${account} was already disabled`;
      answer(
        deps,
        command,
        `${what}: ended ${result.sessionsEnded} login session(s), revoked ${result.grantsRevoked} grant(s).\n`,
        {
          username: who,
          sub: result.sub,
          status: 'disabled',
          changed: result.changed,
          ...endedJson(result),
        },
      );
    });

  users
    .command('enable')
    .description('let a disabled account sign in again (its revoked grants stay revoked)')
    .argument('<user>', 'a username, a subject, or a method key')
    .action(async (who: string, _options: unknown, command: Command) => {
      const result = await deps.withContext((app) =>
        app.get(UserAdministration).enable(who, cliCall()),
      );
      const account = result.sub === who ? who : `${who} (account ${result.sub})`;
      const human = result.changed ? `Enabled ${account}.\n` : `${account} was not disabled.\n`;
      answer(deps, command, human, {
        username: who,
        sub: result.sub,
        status: 'active',
        changed: result.changed,
      });
    });

  withPasswordGuard(
    users
      .command('set-password')
      .description('replace the password, read from stdin or a hidden prompt')
      .argument('<username>'),
  ).action(async (username: string, _options: unknown, command: Command) => {
    refusePasswordInArgv(command);
    const password = await readNewPassword(username);
    checkPassword(password);
    await deps.withContext((app) =>
      app.get(UserAdministration).setPassword(username, password, cliCall()),
    );
    answer(
      deps,
      command,
      `Password of ${username} replaced. Its sessions and tokens live on; \`users disable\` ends them.\n`,
      { username, password_changed: true },
    );
  });
}
