import { PENDING } from './outbox-record';

/**
 * Where an unfinished outbox row stands, as an operator sees it, read from its stored fields
 * alone (the pollers decide by the same fields):
 * - `pending`: waiting for its first attempt, or in it (status pending, no failure recorded);
 * - `retrying`: an attempt failed (`lastError`) and the next is due at `nextAttemptAt`, until
 *   `giveUpAt`;
 * - `given_up`: the outbox's dead letter (a failure at or past `giveUpAt`, a refusal for good, or
 *   a row dropped unattempted); nothing attempts it again unless an operator retries it.
 */
export type OutboxState = 'pending' | 'retrying' | 'given_up';

export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'retrying', 'given_up'];

/** A row's state from its status and last error; undefined for a finished (done) row. */
export function outboxStateOf(
  row: { readonly status: string; readonly lastError?: string | null },
  givenUpStatuses: readonly string[],
): OutboxState | undefined {
  if (row.status === PENDING) return row.lastError ? 'retrying' : 'pending';
  return givenUpStatuses.includes(row.status) ? 'given_up' : undefined;
}

/** One row of an outbox as its administration shows it: never its payload. */
export interface OutboxRow<Target> {
  readonly id: string;
  /** Undefined: done (delivered, sent). */
  readonly state: OutboxState | undefined;
  /** The outbox's own word for it (`failed`, `dropped`, `dead`, `pending`, ...). */
  readonly status: string;
  /** What it goes to, as the outbox may show it (no token, no body, no full address). */
  readonly target: Target;
  readonly attempts: number;
  /** Why the latest attempt failed: the stored reason, never a secret. */
  readonly lastError?: string;
  readonly createdAt: Date;
  /** When the next attempt is due (pending and retrying rows). */
  readonly nextAttemptAt: Date;
  /** Until when failures are retried; past it a failure is final. */
  readonly giveUpAt: Date;
  /** When it was given up (given-up rows). */
  readonly givenUpAt?: Date;
  /** Whether the row still holds what an attempt sends (a sealed outbox drops it once finished). */
  readonly holdsPayload: boolean;
}

/**
 * One give-up of a row, as a caller read it (OutboxRows.retry's `read`): a row is given up once
 * per round of attempts, so when and after how many attempts tell that give-up from a later one.
 */
export type GiveUpRead = Pick<OutboxRow<unknown>, 'givenUpAt' | 'attempts'>;

/** Whether `row` is still the given-up row `read` saw (the same give-up, not retried since). */
export function isSameGiveUp(row: OutboxRow<unknown>, read: GiveUpRead): boolean {
  return (
    row.state === 'given_up' &&
    row.attempts === read.attempts &&
    row.givenUpAt?.getTime() === read.givenUpAt?.getTime()
  );
}

/** Where a page of rows starts: after this row in queue order (created, then id). */
export interface OutboxPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/**
 * An outbox's rows for its operator: pages in queue order (oldest first, so that rows queued
 * while one pages through come at the end), one row, and the retry of given-up rows. A retry is
 * one conditional update: the row is back to pending, due at once, attempts counted from zero,
 * its lease and last error cleared, so the next poll of any instance delivers it.
 */
export interface OutboxRows<Target> {
  /** Up to `limit` rows in `state` (absent: every unfinished row) after `after`. */
  page(
    state: OutboxState | undefined,
    page: { readonly after?: OutboxPosition; readonly limit: number },
  ): Promise<OutboxRow<Target>[]>;

  find(id: string): Promise<OutboxRow<Target> | null>;

  /**
   * Retries one given-up row: the row as the retry left it (before any poller claimed it), or
   * null when the row is not given up or may not be retried (retryRefusal). `renewedGiveUpAt`: the row's new give-up time, for an outbox whose
   * rows stay worth delivering; absent, the row keeps its own, and only a row still before it
   * and holding its payload is retried. `read`: only while it is the give-up the caller read
   * (the admin API's If-Match), in the same conditional update.
   */
  retry(
    id: string,
    now: Date,
    renewedGiveUpAt?: Date,
    read?: GiveUpRead,
  ): Promise<OutboxRow<Target> | null>;

  /** Retries every given-up row that may be (as `retry`); how many. */
  retryAll(now: Date, renewedGiveUpAt?: Date): Promise<number>;

  /** Given-up rows a retry would leave (their payload gone, or past their give-up time). */
  countNotRetryable(now: Date, renewedGiveUpAt?: Date): Promise<number>;
}

/**
 * Why a retry of `row` is refused, or undefined when it may be retried: the rule the
 * conditional update of `OutboxRows.retry` applies, said in words.
 */
export function retryRefusal(
  row: Pick<OutboxRow<unknown>, 'id' | 'state' | 'status' | 'giveUpAt' | 'holdsPayload'>,
  now: Date,
  renewsGiveUp: boolean,
): string | undefined {
  if (row.state !== 'given_up') {
    const where = row.state ?? `finished (${row.status})`;
    return `row ${row.id} is ${where}, not given up: only a given-up row is retried`;
  }
  if (renewsGiveUp) return undefined;
  if (!row.holdsPayload || row.giveUpAt.getTime() <= now.getTime()) {
    return (
      `row ${row.id} cannot be retried: what it carries expired at ${row.giveUpAt.toISOString()} ` +
      '(its payload is dropped once its give-up time passes); nothing left worth sending'
    );
  }
  return undefined;
}
