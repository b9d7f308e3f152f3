import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { MailConfig } from '../config/sections/mail.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { Clock } from '../platform/clock/clock';
import { exponentialBackoffMs } from '../platform/concurrency/backoff';
import { WorkerPool } from '../platform/concurrency/worker-pool';
import { randomToken } from '../platform/crypto/hashing';
import { DomainEvents } from '../platform/events/domain-events';
import type { MailDelivery, OutgoingMail } from './mail';
import { MailDeliveryAttempted, MailQueued } from './mail.events';
import { MailSeal } from './mail-outbox';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailTransport, type SendResult } from './mail-transport';

/** Mail attempted at once by one instance. */
export const MAIL_WORKERS = 4;
/** The longest wait between two attempts of one mail. */
export const MAX_MAIL_RETRY_DELAY_MS = 60_000;
/** A lease outlives the attempt's time limit by this much (a slow instance, a slow database). */
const LEASE_MARGIN_MS = 30_000;
/** How often an instance dead-letters mail left pending past its give-up time. */
export const MAIL_HOUSEKEEPING_INTERVAL_MS = 60_000;

/**
 * Each instance's poller of the mail outbox: every MAIL_POLL_INTERVAL_MS (and at once when this
 * instance queued a mail) up to MAIL_WORKERS workers claim due mail, one lease each, and send it
 * (WorkerPool: an idle tick costs one claim). A failure is retried with exponential backoff
 * (MAIL_FIRST_RETRY_MS, doubling, at most a minute) until the mail's give-up time, and a mail the
 * SMTP server refuses for good (a 5xx reply) is dead-lettered at once: the `dead` state, counted
 * in proofgate_mail_deliveries_total{outcome="dead"}, which an alert watches. Runs only where
 * there is a transport. Shutdown waits for the attempts under way (each bounded by
 * MAIL_SEND_TIMEOUT_MS); an instance killed mid-attempt leaves its lease to run out.
 */
@Injectable()
export class MailOutboxPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailOutboxPoller.name);
  /** This instance, as lease owner: random per process start. */
  private readonly owner = randomToken(12);
  private readonly pool: WorkerPool<MailDelivery>;
  private readonly seal: MailSeal;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private lastHousekeeping = 0;
  /** The housekeeping under way, if any: shutdown waits for it. */
  private housekeeping?: Promise<void>;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly transport: MailTransport,
    private readonly config: MailConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    tokens: TokenConfig,
  ) {
    this.seal = new MailSeal(tokens.keyEncryptionSecret);
    this.pool = new WorkerPool<MailDelivery>(
      MAIL_WORKERS,
      () => this.claim(),
      (delivery) => this.attempt(delivery),
      (error: unknown) => {
        // The database unreachable, say: the next tick tries again.
        this.logger.warn(`Mail delivery round failed: ${(error as Error).message}`);
      },
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.transport === 'none') return;
    this.running = true;
    this.timer = setInterval(() => void this.poll(), this.config.pollIntervalMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the attempts under way finish, none starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.housekeeping ?? Promise.resolve(), this.pool.idle()]);
  }

  @OnEvent(MailQueued.type)
  queued(): void {
    void this.poll();
  }

  /** Wakes a worker (and now and then dead-letters what is overdue); resolves once all are idle. */
  async poll(): Promise<void> {
    if (!this.running || this.stopped) return;
    this.pool.wake();
    const now = this.clock.now().getTime();
    if (!this.housekeeping && now - this.lastHousekeeping >= MAIL_HOUSEKEEPING_INTERVAL_MS) {
      this.lastHousekeeping = now;
      this.housekeeping = this.giveUpOverdue()
        .catch((error: unknown) => {
          this.logger.warn(`Mail housekeeping failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.housekeeping = undefined;
        });
    }
    await Promise.all([this.housekeeping, this.pool.idle()]);
  }

  /** Dead-letters the mail left pending past its give-up time, nobody attempting it. */
  private async giveUpOverdue(): Promise<void> {
    const now = this.clock.now();
    const given = await this.outbox.giveUpOverdue(
      new Date(now.getTime() - MAX_MAIL_RETRY_DELAY_MS),
      now,
    );
    if (given.length === 0) return;
    this.logger.warn(`${given.length} mail(s) dead-lettered unattempted past their give-up time`);
    for (const purpose of given) this.events.emit(new MailDeliveryAttempted(purpose, 'dead'));
  }

  private claim(): Promise<MailDelivery | null> {
    if (this.stopped) return Promise.resolve(null);
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.config.sendTimeoutMs * 3 + LEASE_MARGIN_MS);
    return this.outbox.claimDue(this.owner, now, leaseUntil);
  }

  private async attempt(delivery: MailDelivery): Promise<void> {
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
    const now = this.clock.now();
    if (result.ok) {
      if (await this.outbox.markSent(deliveryId, this.owner, now)) {
        this.events.emit(new MailDeliveryAttempted(purpose, 'sent'));
      }
      return;
    }
    if (result.permanent || now.getTime() >= delivery.giveUpAt.getTime()) {
      if (await this.outbox.markDead(deliveryId, this.owner, now, result.error)) {
        this.logger.warn(
          `Mail ${deliveryId} (${purpose}) dead-lettered after ${attempts} attempt(s): ${result.error}`,
        );
        this.events.emit(new MailDeliveryAttempted(purpose, result.recipient ? 'refused' : 'dead'));
      }
      return;
    }
    const retryAt = new Date(
      Math.min(
        now.getTime() +
          exponentialBackoffMs(this.config.firstRetryMs, attempts, MAX_MAIL_RETRY_DELAY_MS),
        delivery.giveUpAt.getTime(),
      ),
    );
    if (await this.outbox.scheduleRetry(deliveryId, this.owner, retryAt, result.error)) {
      this.logger.warn(`Mail ${deliveryId} (${purpose}) not sent (${result.error}); retrying`);
      this.events.emit(new MailDeliveryAttempted(purpose, 'retrying'));
    }
  }
}
