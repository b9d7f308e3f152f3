import type { Command } from 'commander';
import { cliCall } from '../io/cli-call';
import { UsageError } from '../admin.errors';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { type Column, formatDate } from '../io/output';
import { endedJson } from '../io/ended-json';
import {
  type ListedSession,
  revokedSessionJson,
  SessionAdministration,
  sessionJson,
} from './session-administration.service';

const SESSION_COLUMNS: readonly Column<ListedSession>[] = [
  { header: 'SID', cell: (session) => session.sid },
  { header: 'METHOD', cell: (session) => session.authMethod },
  { header: 'AMR', cell: (session) => session.amr.join(' ') },
  { header: 'ACR', cell: (session) => session.acr ?? '-' },
  { header: 'SIGNED IN', cell: (session) => formatDate(session.authTime) },
  { header: 'EXPIRES', cell: (session) => formatDate(session.expiresAt) },
];

export function registerSessionsCommands(program: Command, deps: CommandDeps): void {
  const sessions = program
    .command('sessions')
    .description("an account's login sessions (a browser's sign-in), and ending them");

  sessions
    .command('list')
    .description(
      'the live sessions of an account, newest sign-in first: the first 100 (GET /admin/v1/sessions pages on)',
    )
    .argument('<account>', 'the account (a username, or the subject of a wallet or other method)')
    .action(async (sub: string, _options: unknown, command: Command) => {
      const list = await deps.withContext((app) => app.get(SessionAdministration).list(sub));
      answerRows(deps, command, list, SESSION_COLUMNS, sessionJson);
    });

  sessions
    .command('revoke')
    .description(
      "end one session of an account (its sid), or --all of them, as the account page's " +
        '"Sign out everywhere" does: the grants opened in it revoked, its clients told',
    )
    .argument('<account>')
    .argument('[sid]')
    .option('--all', 'every live session of the account')
    .action(
      async (
        sub: string,
        sid: string | undefined,
        options: { all?: boolean },
        command: Command,
      ) => {
        if ((sid === undefined) === (options.all !== true)) {
          throw new UsageError('name one session (its sid), or --all');
        }
        if (sid !== undefined) {
          const ended = await deps.withContext((app) =>
            app.get(SessionAdministration).revoke(sub, sid, cliCall()),
          );
          answer(
            deps,
            command,
            `Ended session ${ended.sid} of ${sub}.\n`,
            revokedSessionJson(ended),
          );
          return;
        }
        const ended = await deps.withContext((app) =>
          app.get(SessionAdministration).revokeAll(sub, cliCall()),
        );
        answer(
          deps,
          command,
          `Ended ${ended.sessionsEnded} session(s) of ${sub}; ${ended.grantsRevoked} grant(s) revoked.\n`,
          endedJson(ended),
        );
      },
    );
}
