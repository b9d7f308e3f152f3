import type { Command } from 'commander';
import { cliCall } from '../io/cli-call';
import type { GrantFilter } from '../../tokens/grants/grant';
import { UsageError } from '../admin.errors';
import { answer, answerRows, type CommandDeps, limitOption } from '../io/command-output';
import { type Column, formatDate } from '../io/output';
import { GrantAdministration, type ListedGrant } from './grant-administration.service';
import { grantFilterOf, grantJson, revocationJson } from './grant-json';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

const GRANT_COLUMNS: readonly Column<ListedGrant>[] = [
  { header: 'GRANT ID', cell: (grant) => grant.grantId },
  { header: 'USER', cell: (grant) => grant.sub },
  { header: 'CLIENT', cell: (grant) => grant.clientId },
  { header: 'SCOPE', cell: (grant) => grant.scope },
  { header: 'METHOD', cell: (grant) => grant.authMethod ?? grant.grantType ?? '-' },
  { header: 'STATUS', cell: (grant) => grant.status },
  { header: 'CREATED', cell: (grant) => formatDate(grant.createdAt) },
  { header: 'EXPIRES', cell: (grant) => formatDate(grant.expiresAt) },
];

function describeFilter({ sub, clientId }: GrantFilter): string {
  return [sub !== undefined && `user ${sub}`, clientId !== undefined && `client ${clientId}`]
    .filter(Boolean)
    .join(' at ');
}

export function registerGrantsCommands(program: Command, deps: CommandDeps): void {
  const grants = program
    .command('grants')
    .description('grants: one login of one user at one client, with its refresh and access tokens');

  grants
    .command('list')
    .description('live grants, newest first')
    .option('--user <user>', 'of the account it names (a username, a subject or a method key)')
    .option('--client <client_id>', 'at this client')
    .option('--all', 'include revoked and expired grants')
    .addOption(limitOption(DEFAULT_LIMIT, MAX_LIMIT))
    .action(
      async (
        options: { user?: string; client?: string; all?: boolean; limit: number },
        command: Command,
      ) => {
        const list = await deps.withContext((app) =>
          app.get(GrantAdministration).list(grantFilterOf(options), {
            includeEnded: options.all === true,
            limit: options.limit,
          }),
        );
        const cut = { limit: options.limit, shown: 'first' } as const;
        answerRows(deps, command, list, GRANT_COLUMNS, grantJson, cut);
      },
    );

  grants
    .command('revoke')
    .description(
      'end a grant (its access tokens at /api/me, its refresh tokens at /token), ' +
        'or every live grant of a user, a client, or a user at a client',
    )
    .argument('[grant_id]')
    .option('--user <user>', 'every live grant of the account it names')
    .option('--client <client_id>', 'every live grant at this client')
    .action(
      async (
        grantId: string | undefined,
        options: { user?: string; client?: string },
        command: Command,
      ) => {
        const filter = grantFilterOf(options);
        const byOwner = Object.keys(filter).length > 0;
        if ((grantId === undefined) === !byOwner) {
          throw new UsageError('name a grant_id, or --user and/or --client (not both)');
        }
        if (grantId !== undefined) {
          const result = await deps.withContext((app) =>
            app.get(GrantAdministration).revoke(grantId, cliCall()),
          );
          const human = result.revoked
            ? `Revoked grant ${grantId} (user ${result.sub}, client ${result.clientId}).\n`
            : `Grant ${grantId} was already revoked (${formatDate(result.revokedAt)}).\n`;
          answer(deps, command, human, revocationJson(result));
          return;
        }
        const revoked = await deps.withContext((app) =>
          app.get(GrantAdministration).revokeAll(filter, cliCall()),
        );
        answer(deps, command, `Revoked ${revoked} live grant(s) of ${describeFilter(filter)}.\n`, {
          revoked,
        });
      },
    );
}
