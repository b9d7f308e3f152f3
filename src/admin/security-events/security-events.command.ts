import { type Command, InvalidArgumentError, Option } from 'commander';
import { isISO8601 } from 'class-validator';
import {
  type ListedSecurityEvent,
  SECURITY_EVENT_TYPES,
  type SecurityEventType,
} from '../../telemetry/security-events/security-event.log';
import { answerRows, type CommandDeps, limitOption } from '../io/command-output';
import { parseDuration } from '../io/duration';
import { type Column, formatDate } from '../io/output';
import { SecurityEventAdministration } from './security-event-administration.service';
import { securityEventJson, sourceCell } from './security-event-json';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const EVENT_COLUMNS: readonly Column<ListedSecurityEvent>[] = [
  { header: 'AT', cell: (event) => formatDate(event.at) },
  { header: 'TYPE', cell: (event) => event.type },
  { header: 'SOURCE', cell: sourceCell },
  { header: 'COUNT', cell: (event) => String(event.count) },
  { header: 'LAST', cell: (event) => formatDate(event.lastAt) },
];

/**
 * `--since`: a time as the admin API takes it (RFC 3339, its rule), or how long ago as a
 * duration (`24h`, `7d`): the instant it names is reckoned by the caller, with `now`.
 */
function sinceOption(now: () => Date): (value: string) => Date {
  return (value) => {
    if (isISO8601(value, { strict: true })) return new Date(value);
    try {
      return new Date(now().getTime() - parseDuration(value) * 1000);
    } catch {
      throw new InvalidArgumentError('an RFC 3339 time, or a duration ago (90m, 24h, 7d)');
    }
  };
}

export function registerSecurityEventsCommands(program: Command, deps: CommandDeps): void {
  const events = program
    .command('security-events')
    .description(
      'attacks the service stopped (a replayed code, a reused refresh token, a replayed wallet ' +
        'message or WebAuthn challenge, a passkey counter gone backwards, a replayed upstream ' +
        'state): a row per type, source and minute with its count, kept 90 days',
    );

  events
    .command('list')
    .description(
      'the newest first: the newest --limit (GET /admin/v1/security-events pages on); never a ' +
        'code, token or nonce, only identifiers and hash prefixes',
    )
    .addOption(
      new Option('--type <type>', 'only events of this type').choices(SECURITY_EVENT_TYPES),
    )
    .option(
      '--since <time>',
      'only those since this time (RFC 3339), or this long ago (24h, 7d)',
      sinceOption(() => new Date()),
    )
    .addOption(limitOption(DEFAULT_LIMIT, MAX_LIMIT))
    .action(
      async (
        options: { type?: SecurityEventType; since?: Date; limit: number },
        command: Command,
      ) => {
        const filter = {
          ...(options.type === undefined ? {} : { type: options.type }),
          ...(options.since === undefined ? {} : { since: options.since }),
        };
        const rows = await deps.withContext((app) =>
          app.get(SecurityEventAdministration).page(filter, { limit: options.limit }),
        );
        const cut = { limit: options.limit, shown: 'newest' } as const;
        answerRows(deps, command, rows, EVENT_COLUMNS, securityEventJson, cut);
      },
    );
}
