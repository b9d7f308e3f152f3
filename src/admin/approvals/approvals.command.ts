import type { Command } from 'commander';
import { approvalJson } from './approval-json';
import {
  APPROVAL_AUDIT_LISTED,
  type ApprovalAuditRecord,
} from '../../accounts/approval-audit/approval-audit';
import { ApprovalAdministration } from './approval-administration.service';
import { answerRows, type CommandDeps, wholeNumberUpTo } from '../io/command-output';
import { type Column, formatDate } from '../io/output';

const APPROVAL_COLUMNS: readonly Column<ApprovalAuditRecord>[] = [
  { header: 'AT', cell: (record) => formatDate(record.at) },
  { header: 'CLIENT', cell: (record) => record.clientId },
  { header: 'ANSWER', cell: (record) => record.decision },
  { header: 'PROOF', cell: (record) => record.method ?? '-' },
  { header: 'MESSAGE', cell: (record) => record.bindingMessage ?? '-' },
  { header: 'DETAILS', cell: (record) => String(record.authorizationDetails?.length ?? 0) },
  { header: 'REQUEST HASH', cell: (record) => record.requestHash },
];

export function registerApprovalsCommands(program: Command, deps: CommandDeps): void {
  const approvals = program
    .command('approvals')
    .description(
      'answers to backchannel (CIBA) requests: who approved or denied what, with which proof (kept a year)',
    );

  approvals
    .command('list')
    .description(
      "an account's answers, newest first: the newest --limit (GET /admin/v1/approvals pages on)",
    )
    .requiredOption('--account <subject>', 'the account subject (a username, or a CAIP-10 id)')
    .option(
      '--limit <n>',
      `at most this many (default ${APPROVAL_AUDIT_LISTED})`,
      wholeNumberUpTo(1000),
    )
    .action(async (options: { account: string; limit?: number }, command: Command) => {
      const list = await deps.withContext((app) =>
        app
          .get(ApprovalAdministration)
          .listOf(options.account, options.limit ?? APPROVAL_AUDIT_LISTED),
      );
      answerRows(deps, command, list, APPROVAL_COLUMNS, approvalJson);
    });
}
