import type { Command } from 'commander';
import { consentJson } from './consent-json';
import type { Consent } from '../../oauth/consent/consent';
import { cliCall } from '../io/cli-call';
import { ConsentAdministration } from './consent-administration.service';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { type Column, formatDate } from '../io/output';

const CONSENT_COLUMNS: readonly Column<Consent>[] = [
  { header: 'CLIENT', cell: (consent) => consent.clientId },
  { header: 'SCOPE', cell: (consent) => consent.scopes.join(' ') },
  { header: 'RESOURCES', cell: (consent) => consent.resources.join(' ') || '-' },
  { header: 'GRANTED', cell: (consent) => formatDate(consent.grantedAt) },
  { header: 'UPDATED', cell: (consent) => formatDate(consent.updatedAt) },
  { header: 'EXPIRES', cell: (consent) => formatDate(consent.expiresAt) },
];

export function registerConsentsCommands(program: Command, deps: CommandDeps): void {
  const consents = program
    .command('consents')
    .description('remembered consents: the scopes a user allowed a client that is not first-party');

  consents
    .command('list')
    .description("a user's remembered consents, by client")
    .requiredOption('--user <sub>', 'the subject (a username, or eip155:<chain>:<address>)')
    .action(async (options: { user: string }, command: Command) => {
      const list = await deps.withContext((app) =>
        app.get(ConsentAdministration).list(options.user),
      );
      answerRows(deps, command, list, CONSENT_COLUMNS, consentJson);
    });

  consents
    .command('revoke')
    .description(
      'forget what a user allowed one client, or every client: the consent screen shows again ' +
        '(tokens already issued live on; `grants revoke` ends them)',
    )
    .requiredOption('--user <sub>', 'the subject')
    .option('--client <client_id>', 'only at this client')
    .action(async (options: { user: string; client?: string }, command: Command) => {
      const revoked = await deps.withContext((app) =>
        app.get(ConsentAdministration).revoke(options.user, options.client, cliCall()),
      );
      const at = options.client === undefined ? '' : ` at client ${options.client}`;
      answer(deps, command, `Revoked ${revoked} consent(s) of user ${options.user}${at}.\n`, {
        revoked,
      });
    });
}
