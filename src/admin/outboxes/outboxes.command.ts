import { Argument, type Command, Option } from 'commander';
import { OUTBOX_STATES, type OutboxState } from '../../platform/outbox/outbox-rows';
import { UsageError } from '../admin.errors';
import { cliCall } from '../io/cli-call';
import { answer, answerRows, type CommandDeps, limitOption } from '../io/command-output';
import { type Column, formatDate } from '../io/output';
import {
  type ListedOutboxRow,
  OUTBOX_KINDS,
  OutboxAdministration,
} from './outbox-administration.service';
import { outboxRowJson, targetCell } from './outbox-json';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const ROW_COLUMNS: readonly Column<ListedOutboxRow>[] = [
  { header: 'ID', cell: (row) => row.id },
  { header: 'STATE', cell: (row) => row.state ?? 'done' },
  { header: 'TARGET', cell: (row) => targetCell(row.target) },
  { header: 'ATTEMPTS', cell: (row) => String(row.attempts) },
  { header: 'LAST ERROR', cell: (row) => row.lastError ?? '-' },
  { header: 'CREATED', cell: (row) => formatDate(row.createdAt) },
  {
    header: 'NEXT / GIVEN UP',
    cell: (row) => formatDate(row.state === 'given_up' ? row.givenUpAt : row.nextAttemptAt),
  },
];

const outboxArgument = () =>
  new Argument('<outbox>', 'logout (tokens), mail, or ciba (notifications)').choices(OUTBOX_KINDS);

export function registerOutboxesCommands(program: Command, deps: CommandDeps): void {
  const outboxes = program
    .command('outboxes')
    .description(
      'the durable outboxes (logout tokens, mail, CIBA notifications): rows waiting, ' +
        'retrying or given up, and the retry of given-up rows',
    );

  outboxes
    .command('list')
    .description('unfinished rows of an outbox, oldest first: never a token, a body or an address')
    .addArgument(outboxArgument())
    .addOption(new Option('--state <state>', 'only rows in this state').choices([...OUTBOX_STATES]))
    .addOption(limitOption(DEFAULT_LIMIT, MAX_LIMIT))
    .action(
      async (kind: string, options: { state?: OutboxState; limit: number }, command: Command) => {
        const rows = await deps.withContext((app) =>
          app.get(OutboxAdministration).page(kind, options.state, { limit: options.limit }),
        );
        const cut = { limit: options.limit, shown: 'first' } as const;
        answerRows(deps, command, rows, ROW_COLUMNS, outboxRowJson, cut);
      },
    );

  outboxes
    .command('retry')
    .description(
      'put a given-up row (or --all-given-up rows) back to pending, attempts from zero: the ' +
        "service's next poll delivers it (a mail or CIBA row only while what it carries is live)",
    )
    .addArgument(outboxArgument())
    .argument('[id]', 'the row (its id, as the list shows it)')
    .option('--all-given-up', 'every given-up row of the outbox that may be retried')
    .action(
      async (
        kind: string,
        id: string | undefined,
        options: { allGivenUp?: boolean },
        command: Command,
      ) => {
        if ((id === undefined) === (options.allGivenUp !== true)) {
          throw new UsageError('name one row (its id), or --all-given-up');
        }
        if (id !== undefined) {
          const row = await deps.withContext((app) =>
            app.get(OutboxAdministration).retry(kind, id, cliCall()),
          );
          answer(
            deps,
            command,
            `Row ${row.id} of the ${kind} outbox is pending again (attempts from 0).\n`,
            outboxRowJson(row),
          );
          return;
        }
        const { retried, notRetryable } = await deps.withContext((app) =>
          app.get(OutboxAdministration).retryAllGivenUp(kind, cliCall()),
        );
        const left =
          notRetryable === 0
            ? ''
            : ` ${notRetryable} given-up row(s) left: what they carry has expired.`;
        answer(
          deps,
          command,
          `Retried ${retried} given-up row(s) of the ${kind} outbox.${left}\n`,
          { retried, not_retryable: notRetryable },
        );
      },
    );
}
