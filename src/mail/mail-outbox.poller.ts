import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { MailConfig } from '../config/sections/mail.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { Clock } from '../platform/clock/clock';
import { exponentialBackoffMs } from '../platform/concurrency/backoff';
import { DomainEvents } from '../platform/events/domain-events';
import {
  OUTBOX_HOUSEKEEPING_INTERVAL_MS,
  OutboxPoller,
  type Settled,
} from '../platform/outbox/outbox-poller';
import type { MailDelivery, MailOutcome, OutgoingMail } from './mail';
import { MailDeliveryAttempted, MailQueued } from './mail.events';
import { MailSeal } from './mail-outbox';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailTransport, type SendResult } from './mail-transport';

/** Mail attempted at once by one instance. */
export const MAIL_WORKERS = 4;
/** The longest wait between two attempts of one mail. */
export const MAX_MAIL_RETRY_DELAY_MS = 60_000;
/** How often an instance dead-letters mail left pending past its give-up time. */
export const MAIL_HOUSEKEEPING_INTERVAL_MS = OUTBOX_HOUSEKEEPING_INTERVAL_MS;

/**
 * Each instance's poller of the mail outbox (OutboxPoller): every MAIL_POLL_INTERVAL_MS (and at
 * once when this instance queued a mail) up to MAIL_WORKERS workers claim due mail and send it.
 * A failure is retried with exponential backoff (MAIL_FIRST_RETRY_MS, doubling, at most a minute)
 * until the mail's give-up time, and a mail the SMTP server refuses for good (a 5xx reply) is
 * dead-lettered at once: the `dead` state, counted in
 * proofgate_mail_deliveries_total{outcome="dead"}, which an alert watches. Runs only where there
 * is a transport; each attempt is bounded by MAIL_SEND_TIMEOUT_MS.
 */
@Injectable()
export class MailOutboxPoller extends OutboxPoller<'mail', MailDelivery> {
  private readonly seal: MailSeal;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly transport: MailTransport,
    private readonly config: MailConfig,
    clock: Clock,
    private readonly events: DomainEvents,
    tokens: TokenConfig,
  ) {
    super(new Logger(MailOutboxPoller.name), clock, outbox, {
      name: 'Mail delivery',
      workers: { mail: MAIL_WORKERS },
      pollIntervalMs: config.pollIntervalMs,
      enabled: config.transport !== 'none',
    });
    this.seal = new MailSeal(tokens.keyEncryptionSecret);
  }

  @OnEvent(MailQueued.type)
  queued(): void {
    void this.poll();
  }

  /**
   * Dead-letters the mail left pending past its give-up time, nobody attempting it, and drops the
   * body of dead mail past it.
   */
  protected async housekeep(now: Date): Promise<void> {
    await this.outbox.forgetSpent(now);
    const given = await this.outbox.giveUpOverdue(
      new Date(now.getTime() - MAX_MAIL_RETRY_DELAY_MS),
      now,
    );
    if (given.length === 0) return;
    this.logger.warn(`${given.length} mail(s) dead-lettered unattempted past their give-up time`);
    for (const purpose of given) this.events.emit(new MailDeliveryAttempted(purpose, 'dead'));
  }

  protected claim(): Promise<MailDelivery | null> {
    const now = this.clock.now();
    const leaseUntil = this.leaseEnd(now, this.config.sendTimeoutMs * 3);
    return this.outbox.claimDue(this.owner, now, leaseUntil);
  }

  protected async attempt(delivery: MailDelivery): Promise<void> {
    let mail: OutgoingMail;
    try {
      mail = this.seal.open(delivery.sealed, delivery.deliveryId);
    } catch {
      // KEY_ENCRYPTION_SECRET changed since it was queued: nobody can read it any more.
      await this.record(delivery, {
        ok: false,
        error: 'UNREADABLE',
        permanent: true,
        recipient: false,
      });
      return;
    }
    await this.record(delivery, await this.transport.send(mail));
  }

  /** The attempt's outcome on the row: sent, due again later, or dead. */
  private async record(delivery: MailDelivery, result: SendResult): Promise<void> {
    const { deliveryId, purpose, attempts } = delivery;
    const settled = await this.settle(delivery, result, this.clock.now(), (attempts) =>
      exponentialBackoffMs(this.config.firstRetryMs, attempts, MAX_MAIL_RETRY_DELAY_MS),
    );
    if (!settled) return;
    if (!result.ok && settled === 'dead') {
      this.logger.warn(
        `Mail ${deliveryId} (${purpose}) dead-lettered after ${attempts} attempt(s): ${result.error}`,
      );
    } else if (!result.ok) {
      this.logger.warn(`Mail ${deliveryId} (${purpose}) not sent (${result.error}); retrying`);
    }
    this.events.emit(new MailDeliveryAttempted(purpose, mailOutcome(settled, result)));
  }
}

function mailOutcome(settled: Settled, result: SendResult): MailOutcome {
  if (settled === 'done') return 'sent';
  if (settled === 'retrying') return 'retrying';
  return !result.ok && result.recipient ? 'refused' : 'dead';
}
