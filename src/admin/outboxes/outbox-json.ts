import type { ListedOutboxRow, OutboxTarget } from './outbox-administration.service';

/** Where a row goes, by the names of the CLI's `--json` (never a token, a body or an address). */
function targetJson(target: OutboxTarget): Record<string, string | null> {
  if ('sid' in target) return { client_id: target.clientId, sid: target.sid };
  if ('purpose' in target) return { purpose: target.purpose, recipient: target.maskedTo };
  return { kind: target.kind, client_id: target.clientId };
}

/**
 * An outbox row as `outboxes list --json` and `/admin/v1/outboxes/{kind}` show it: its state,
 * where it goes, its attempts and why the last one failed, never what it carries.
 */
export function outboxRowJson(row: ListedOutboxRow) {
  const unfinished = row.state === 'pending' || row.state === 'retrying';
  return {
    id: row.id,
    outbox: row.outbox,
    state: row.state ?? 'done',
    status: row.status,
    target: targetJson(row.target),
    attempts: row.attempts,
    last_error: row.lastError ?? null,
    created_at: row.createdAt,
    next_attempt_at: unfinished ? row.nextAttemptAt : null,
    give_up_at: row.giveUpAt,
    given_up_at: row.givenUpAt ?? null,
  };
}

/** The target in one table cell. */
export function targetCell(target: OutboxTarget): string {
  return Object.entries(targetJson(target))
    .map(([name, value]) => `${name}=${value ?? '-'}`)
    .join(' ');
}
