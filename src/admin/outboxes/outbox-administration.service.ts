import { Injectable } from '@nestjs/common';
import { LogoutConfig } from '../../config/sections/logout.config';
import type { MailTarget } from '../../mail/mail-outbox.repository';
import { MailOutboxRepository } from '../../mail/mail-outbox.repository';
import type { CibaNotificationTarget } from '../../oauth/ciba/notifications/ciba-notification.repository';
import { CibaNotificationRepository } from '../../oauth/ciba/notifications/ciba-notification.repository';
import { Clock } from '../../platform/clock/clock';
import {
  isSameGiveUp,
  retryRefusal,
  type OutboxPosition,
  type OutboxRow,
  type OutboxRows,
  type OutboxState,
} from '../../platform/outbox/outbox-rows';
import type { LogoutDeliveryTarget } from '../../sessions/logout/logout-delivery.repository';
import { LogoutDeliveryRepository } from '../../sessions/logout/logout-delivery.repository';
import { AdminError, staleRevision } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

/** The durable outboxes an operator looks into: logout tokens, mail, CIBA notifications. */
export type OutboxKind = 'logout' | 'mail' | 'ciba';

export const OUTBOX_KINDS: readonly OutboxKind[] = ['logout', 'mail', 'ciba'];

export type OutboxTarget = LogoutDeliveryTarget | MailTarget | CibaNotificationTarget;

export interface ListedOutboxRow extends OutboxRow<OutboxTarget> {
  readonly outbox: OutboxKind;
}

export interface OutboxRetryAll {
  readonly retried: number;
  /** Given-up rows left as they are: what they carry expired (mail, CIBA). */
  readonly notRetryable: number;
}

/** A page's position as a cursor key: the row's creation (ms) and id, in queue order. */
export function outboxCursorKey(row: Pick<OutboxRow<unknown>, 'createdAt' | 'id'>): string {
  return `${row.createdAt.getTime()}.${row.id}`;
}

function positionOf(key: string): OutboxPosition {
  const match = /^(\d{1,15})\.(.{1,200})$/.exec(key);
  if (!match) {
    throw new AdminError('cursor is not one this API gave (use the `next` of a page)');
  }
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

/**
 * `proofgate-admin outboxes …`: where the durable outboxes stand, and the retry of given-up rows.
 * A logout token is worth delivering however late (the session stays ended): its retry gives the
 * row a new BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS. A mail or a CIBA notification carries what
 * expires at its give-up time (a code, a request): its retry keeps that time, so only a row
 * refused for good before it (an SMTP server's 5xx, say) can be retried, and only until then.
 */
@Injectable()
export class OutboxAdministration {
  constructor(
    private readonly logout: LogoutDeliveryRepository,
    private readonly mail: MailOutboxRepository,
    private readonly ciba: CibaNotificationRepository,
    private readonly logoutConfig: LogoutConfig,
    private readonly clock: Clock,
    private readonly audit: AdminAuditTrail,
  ) {}

  /**
   * A page of the rows of `kind` in `state` (absent: pending, retrying and given up), oldest
   * first, after the cursor key `after` (keyset pagination on the creation time and id).
   */
  async page(
    kind: string,
    state: OutboxState | undefined,
    page: { readonly after?: string; readonly limit: number },
  ): Promise<ListedOutboxRow[]> {
    const outbox = this.outboxOf(kind);
    const rows = await this.rowsOf(outbox).page(state, {
      ...(page.after === undefined ? {} : { after: positionOf(page.after) }),
      limit: page.limit,
    });
    return rows.map((row) => ({ ...row, outbox }));
  }

  /** One row of `kind`; AdminError (not found) when none. */
  async show(kind: string, id: string): Promise<ListedOutboxRow> {
    const outbox = this.outboxOf(kind);
    const row = await this.rowsOf(outbox).find(id);
    if (!row) throw new AdminError(`no row ${id} in the ${outbox} outbox`, 'not_found');
    return { ...row, outbox };
  }

  /**
   * Puts a given-up row back to pending, attempts from zero, due at once: the next poll of any
   * instance attempts it. Refused (conflict) for a row that is not given up, or whose content
   * expired; not found for an unknown id. Given `read` (the admin API's If-Match: the row as the
   * caller read it), only while the row is still that give-up: one retried by someone else since
   * (pending again, or delivered, or given up anew) is `stale`.
   */
  retry(
    kind: string,
    id: string,
    call: AdminCall,
    read?: ListedOutboxRow,
  ): Promise<ListedOutboxRow> {
    return this.audit.around(call, 'outboxes.retry', { outbox: kind, row_id: id }, async () => {
      const outbox = this.outboxOf(kind);
      const now = this.clock.now();
      const renewed = this.renewedGiveUpAt(outbox, now);
      const giveUp = read?.state === 'given_up' ? read : undefined;
      const retried = await this.rowsOf(outbox).retry(id, now, renewed, giveUp);
      if (retried) return { ...retried, outbox };
      const row = await this.show(outbox, id);
      if (giveUp !== undefined && !isSameGiveUp(row, giveUp)) {
        throw staleRevision(`row ${id} of the ${outbox} outbox`, row.state ?? 'done');
      }
      throw new AdminError(
        retryRefusal(row, now, renewed !== undefined) ??
          `row ${id} changed while it was retried: read it again`,
        'conflict',
      );
    });
  }

  /** Retries every given-up row of `kind` that may be (as `retry`). */
  retryAllGivenUp(kind: string, call: AdminCall): Promise<OutboxRetryAll> {
    return this.audit.around(call, 'outboxes.retry_all', { outbox: kind }, async () => {
      const outbox = this.outboxOf(kind);
      const now = this.clock.now();
      const renewed = this.renewedGiveUpAt(outbox, now);
      const rows = this.rowsOf(outbox);
      const retried = await rows.retryAll(now, renewed);
      return { retried, notRetryable: await rows.countNotRetryable(now, renewed) };
    });
  }

  private outboxOf(kind: string): OutboxKind {
    const outbox = OUTBOX_KINDS.find((known) => known === kind);
    if (outbox === undefined) {
      throw new AdminError(`no outbox ${kind}: there are logout, mail and ciba`, 'not_found');
    }
    return outbox;
  }

  private rowsOf(outbox: OutboxKind): OutboxRows<OutboxTarget> {
    switch (outbox) {
      case 'logout':
        return this.logout.rows;
      case 'mail':
        return this.mail.rows;
      case 'ciba':
        return this.ciba.rows;
    }
  }

  /** A retried logout token gets the retry time a new one gets; the others keep theirs. */
  private renewedGiveUpAt(outbox: OutboxKind, now: Date): Date | undefined {
    return outbox === 'logout'
      ? new Date(now.getTime() + this.logoutConfig.retryForSeconds * 1000)
      : undefined;
  }
}
