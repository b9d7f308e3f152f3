import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccountService } from '../../../accounts/account.service';
import { emailOf } from '../../../accounts/account';
import { CibaConfig } from '../../../config/sections/ciba.config';
import { MailConfig } from '../../../config/sections/mail.config';
import { ServerConfig } from '../../../config/sections/server.config';
import { TokenConfig } from '../../../config/sections/tokens.config';
import { MailOutbox } from '../../../mail/mail-outbox';
import { Clock } from '../../../platform/clock/clock';
import { exponentialBackoffMs } from '../../../platform/concurrency/backoff';
import { DomainEvents } from '../../../platform/events/domain-events';
import {
  GuardedFetcher,
  OutboundFetchError,
} from '../../../platform/http/outbound/guarded-fetcher';
import { OutboxPoller, type AttemptResult } from '../../../platform/outbox/outbox-poller';
import { isOperatorClientId } from '../../../protocol-rules/client-id';
import { APPROVALS_PAGE } from '../../../sessions/return-to';
import { TooManyRequests } from '../../../platform/errors/protocol-error';
import { RateLimiter } from '../../../platform/rate-limit/rate-limiter';
import { CIBA_ANNOUNCEMENTS_PER_ACCOUNT } from '../ciba.rate-limits';
import type { AnnouncedRequest, CibaNotification, PingContent } from './ciba-notification';
import { CibaNotificationRepository } from './ciba-notification.repository';
import { CibaNotificationSeal } from './ciba-notification.seal';
import { CibaNotifications } from './ciba-notifications';
import { CibaNotificationAttempted, CibaNotificationsQueued } from './ciba-notifications.events';
import { cibaRequestMail } from './ciba-request.mail';
import { DEFAULT_LOCALE, PageLocale } from '../../../platform/i18n/page-locale';
import { CibaNotifyToken } from './ciba-notify.token';

/** Notifications attempted at once by one instance. */
const WORKERS = 4;
/** One attempt's time limit (name resolution, connection, answer). */
export const CIBA_NOTIFICATION_TIMEOUT_MS = 5_000;
/** The wait after the first failure; it doubles with each, up to MAX_RETRY_DELAY_MS. */
export const CIBA_NOTIFICATION_FIRST_RETRY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60_000;
/** The receiver's answer is not read: a little of it is allowed, then the exchange is cut. */
const MAX_ANSWER_BYTES = 4 * 1024;

/**
 * Each instance's poller of the CIBA outbox (OutboxPoller): pings to clients (CIBA Core 1.0
 * §10.2), announcements worked into a notify row and a mail, and notifications to
 * CIBA_NOTIFY_URL. A failure is retried with exponential backoff until the request expires; each
 * POST goes through the SSRF guard (public https only in production, unless
 * CIBA_NOTIFICATION_ALLOW_PRIVATE opens private addresses to the operator's own receivers).
 */
@Injectable()
export class CibaNotificationPoller extends OutboxPoller<'ciba', CibaNotification> {
  private readonly seal: CibaNotificationSeal;

  constructor(
    private readonly outbox: CibaNotificationRepository,
    private readonly notifications: CibaNotifications,
    private readonly fetcher: GuardedFetcher,
    private readonly accounts: AccountService,
    private readonly mail: MailOutbox,
    private readonly mailConfig: MailConfig,
    private readonly ciba: CibaConfig,
    private readonly server: ServerConfig,
    private readonly notifyToken: CibaNotifyToken,
    clock: Clock,
    private readonly events: DomainEvents,
    tokens: TokenConfig,
    private readonly limiter: RateLimiter,
  ) {
    super(new Logger(CibaNotificationPoller.name), clock, outbox, {
      name: 'CIBA notification',
      workers: { ciba: WORKERS },
      pollIntervalMs: ciba.pollIntervalMs,
    });
    this.seal = new CibaNotificationSeal(tokens.keyEncryptionSecret);
  }

  @OnEvent(CibaNotificationsQueued.type)
  queued(): void {
    void this.poll();
  }

  protected async housekeep(now: Date): Promise<void> {
    await this.outbox.forgetSpent(now);
    const given = await this.outbox.giveUpOverdue(
      new Date(now.getTime() - MAX_RETRY_DELAY_MS),
      now,
    );
    if (given > 0) this.logger.warn(`${given} CIBA notification(s) given up past their request`);
  }

  protected claim(): Promise<CibaNotification | null> {
    const now = this.clock.now();
    const leaseUntil = this.leaseEnd(now, CIBA_NOTIFICATION_TIMEOUT_MS);
    return this.outbox.claimDue(this.owner, now, leaseUntil);
  }

  protected async attempt(row: CibaNotification): Promise<void> {
    let result: AttemptResult;
    try {
      result = await this.deliver(row);
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      result = { ok: false, error: error.message };
    }
    const settled = await this.settle(row, result, this.clock.now(), (attempts) =>
      exponentialBackoffMs(CIBA_NOTIFICATION_FIRST_RETRY_MS, attempts, MAX_RETRY_DELAY_MS),
    );
    if (!settled) return;
    if (!result.ok) {
      // The reason is the fetcher's (a status, a timeout): never a token nor the auth_req_id.
      this.logger.warn(
        `CIBA ${row.kind} for client ${row.clientId} not delivered (attempt ${row.attempts}, ${settled}): ${result.error}`,
      );
    }
    this.events.emit(
      new CibaNotificationAttempted(row.kind, settled === 'done' ? 'delivered' : settled),
    );
  }

  private async deliver(row: CibaNotification): Promise<AttemptResult> {
    let content: PingContent | AnnouncedRequest;
    try {
      content = this.seal.openRow(row.sealed, row.deliveryId);
    } catch {
      // KEY_ENCRYPTION_SECRET changed since it was queued: nobody can read it any more.
      return { ok: false, error: 'UNREADABLE', permanent: true };
    }
    switch (row.kind) {
      case 'ping':
        return this.ping(content as PingContent, row.clientId);
      case 'announce':
        return this.announce(row.deliveryId, content as AnnouncedRequest);
      case 'notify':
        return this.notify(content as AnnouncedRequest);
    }
  }

  /** CIBA Core 1.0 §10.2: `{ auth_req_id }` with the client's token as Bearer; 2xx accepted. */
  private async ping(ping: PingContent, clientId: string): Promise<AttemptResult> {
    return this.post(
      new URL(ping.endpoint),
      {
        'content-type': 'application/json',
        authorization: `Bearer ${ping.clientNotificationToken}`,
      },
      JSON.stringify({ auth_req_id: ping.authReqId }),
      cibaMayReachPrivate(this.ciba, this.server, clientId),
    );
  }

  /**
   * Who is told of a new request, decided here, off the request path: nobody for a request
   * that asks nobody (an unknown or locked account); else the operator's URL (a `notify` row of
   * its own, retried on its own) and a mail to each verified address of the account.
   */
  private async announce(deliveryId: string, announced: AnnouncedRequest): Promise<AttemptResult> {
    if (announced.sub === undefined) return { ok: true };
    const addresses =
      this.mailConfig.transport === 'none'
        ? []
        : (await this.accounts.account(announced.sub)).methods
            .filter((method) => method.type === 'email')
            .map((method) => emailOf(method.key));
    // Nothing to tell, nothing charged: the budget counts announcements, not requests.
    if (this.ciba.notifyUrl === undefined && addresses.length === 0) return { ok: true };
    if (!(await this.mayAnnounce(announced.sub))) return { ok: true };
    if (this.ciba.notifyUrl !== undefined) await this.notifications.notify(deliveryId, announced);
    const locale = PageLocale.of(announced.locale ?? DEFAULT_LOCALE);
    for (const to of addresses) {
      await this.mail.queue(
        cibaRequestMail(
          to,
          {
            clientName: announced.clientName,
            ...(announced.bindingMessage === undefined
              ? {}
              : { bindingMessage: announced.bindingMessage }),
            link: `${this.server.issuer}${APPROVALS_PAGE}?ui_locales=${locale.locale}`,
          },
          locale,
        ),
        'ciba_request',
        new Date(announced.expiresAt * 1000),
      );
    }
    return { ok: true };
  }

  /** The account's hourly budget of announcements (ciba.rate-limits.ts): charged, or spent. */
  private async mayAnnounce(sub: string): Promise<boolean> {
    try {
      // Open when the counters' store is down: an announcement is not what the store guards first.
      await this.limiter.charge(CIBA_ANNOUNCEMENTS_PER_ACCOUNT, `account:${sub}`, 'open');
      return true;
    } catch (error) {
      if (!(error instanceof TooManyRequests)) throw error;
      this.logger.warn(
        'A new backchannel request was not announced: its account had this hour’s announcements',
      );
      return false;
    }
  }

  private async notify(announced: AnnouncedRequest): Promise<AttemptResult> {
    const url = this.ciba.notifyUrl;
    if (url === undefined || announced.sub === undefined) return { ok: true };
    const jwt = await this.notifyToken.sign({ ...announced, sub: announced.sub });
    // The operator's own URL: its setting alone decides.
    return this.post(
      new URL(url),
      { 'content-type': 'application/jwt' },
      jwt,
      this.ciba.allowPrivate,
    );
  }

  private async post(
    target: URL,
    headers: Record<string, string>,
    body: string,
    allowPrivate: boolean,
  ): Promise<AttemptResult> {
    const { status } = await this.fetcher.exchange(
      target,
      { method: 'POST', headers, body },
      {
        maxBytes: MAX_ANSWER_BYTES,
        timeoutMs: CIBA_NOTIFICATION_TIMEOUT_MS,
        allowPrivate,
        accept: '*/*',
      },
    );
    return status >= 200 && status < 300
      ? { ok: true }
      : { ok: false, error: `HTTP status ${status}` };
  }
}

/**
 * Whether a ping to `clientId`'s endpoint may reach loopback and private addresses:
 * CIBA_NOTIFICATION_ALLOW_PRIVATE, in production for operator-registered clients only (a
 * self-registered client's host name may resolve to an internal address).
 */
export function cibaMayReachPrivate(
  ciba: Pick<CibaConfig, 'allowPrivate'>,
  server: Pick<ServerConfig, 'isProduction'>,
  clientId: string,
): boolean {
  if (!ciba.allowPrivate) return false;
  return !server.isProduction || isOperatorClientId(clientId);
}
