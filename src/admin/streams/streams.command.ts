import type { Command } from 'commander';
import { answerRows, type CommandDeps, limitOption } from '../io/command-output';
import { type Column, formatDate } from '../io/output';
import { type ListedStream, StreamAdministration } from './stream-administration.service';
import { streamJson } from './stream-json';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const STREAM_COLUMNS: readonly Column<ListedStream>[] = [
  { header: 'STREAM', cell: (stream) => stream.streamId },
  { header: 'RECEIVER', cell: (stream) => stream.receiver },
  { header: 'DELIVERY', cell: (stream) => stream.endpointUrl ?? stream.delivery },
  { header: 'STATUS', cell: (stream) => stream.status },
  { header: 'PENDING', cell: (stream) => String(stream.pending) },
  {
    header: 'OLDEST WAITING',
    cell: (stream) => (stream.lagSeconds === null ? '-' : `${stream.lagSeconds}s`),
  },
  { header: 'CREATED', cell: (stream) => formatDate(stream.createdAt) },
];

/**
 * `streams list` (issue #80): the receivers' Shared Signals streams and what waits for each. A
 * stream is its receiver's to change (the /ssf API); an operator removes the receiver's client.
 */
export function registerStreamsCommands(program: Command, deps: CommandDeps): void {
  const streams = program
    .command('streams')
    .description("Shared Signals streams: the receivers' streams, their status and backlog");

  streams
    .command('list')
    .description(
      'every stream, oldest first: receiver, push endpoint or poll, status, SETs waiting and ' +
        'how long the oldest has waited; never a SET or an authorization header',
    )
    .addOption(limitOption(DEFAULT_LIMIT, MAX_LIMIT))
    .action(async (options: { limit: number }, command: Command) => {
      const rows = await deps.withContext((app) =>
        app.get(StreamAdministration).page({ limit: options.limit }),
      );
      const cut = { limit: options.limit, shown: 'first' } as const;
      answerRows(deps, command, rows, STREAM_COLUMNS, streamJson, cut);
    });
}
