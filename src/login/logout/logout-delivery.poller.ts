import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomToken } from '../../platform/crypto/hashing';
import { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { LogoutDeliveriesQueued, LogoutDeliveryAttempted } from './backchannel-logout.events';
import type { LogoutDelivery } from './logout-delivery';
import { LogoutDeliveryRepository } from './logout-delivery.repository';
import { LogoutDeliverySender } from './logout-delivery.sender';
import { SessionLogout } from './session-logout.service';

/** The longest wait between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;
/** Deliveries one instance attempts at once. */
const WORKERS = 4;
/** A lease outlives the attempt's time limit by this much (a slow instance, a slow database). */
const LEASE_MARGIN_MS = 30_000;

/** The wait after the `attempts`-th failure: `firstRetryMs`, doubling, at most 5 minutes. */
export function retryDelayMs(firstRetryMs: number, attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, firstRetryMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/**
 * Each instance's poller of the back-channel logout outbox: every BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS
 * (and at once when this instance queued logout tokens) it finishes the session endings another
 * instance abandoned (SessionLogout.sweep), then claims due deliveries, one lease each
 * (LogoutDeliveryRepository), and attempts them. A failure is retried with exponential backoff
 * until the delivery's give-up time. The timer is unref'd, and shutdown waits for the attempts
 * under way (each bounded by BACKCHANNEL_LOGOUT_TIMEOUT_MS); an instance killed mid-attempt
 * leaves its lease to run out, and another instance retries.
 */
@Injectable()
export class LogoutDeliveryPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LogoutDeliveryPoller.name);
  /** This instance, as lease owner: random per process start. */
  private readonly owner = randomToken(12);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: LogoutDeliveryRepository,
    private readonly sender: LogoutDeliverySender,
    private readonly logout: LogoutConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly sessionLogout: SessionLogout,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.logout.pollIntervalMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the attempts under way finish, none starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  @OnEvent(LogoutDeliveriesQueued.type)
  queued(): void {
    void this.poll();
  }

  /** Starts a round unless one is under way (which then runs once more: new rows may be due). */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round()
      .catch((error: unknown) => {
        // The database unreachable, say: the next tick tries again.
        this.logger.warn(`Logout delivery round failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.poll();
        }
      });
    return this.running;
  }

  /**
   * An idle round costs two queries: session endings an instance left unfinished (they queue
   * deliveries), then the outbox; with deliveries due, up to WORKERS attempts run at once.
   */
  private async round(): Promise<void> {
    if (!this.stopped) await this.sessionLogout.sweep();
    const first = await this.claim();
    if (!first) return;
    await Promise.all([
      this.work(first),
      ...Array.from({ length: WORKERS - 1 }, () => this.work()),
    ]);
  }

  private async work(first?: LogoutDelivery): Promise<void> {
    let delivery = first ?? (await this.claim());
    while (delivery) {
      await this.attempt(delivery);
      delivery = await this.claim();
    }
  }

  private claim(): Promise<LogoutDelivery | null> {
    if (this.stopped) return Promise.resolve(null);
    const now = this.clock.now();
    return this.outbox.claimDue(
      this.owner,
      now,
      new Date(now.getTime() + this.logout.timeoutMs + LEASE_MARGIN_MS),
    );
  }

  private async attempt(delivery: LogoutDelivery): Promise<void> {
    const result = await this.sender.send(delivery);
    const now = this.clock.now();
    if (result.ok) {
      if (await this.outbox.markDelivered(delivery.deliveryId, this.owner, now)) {
        this.events.emit(new LogoutDeliveryAttempted('delivered'));
      }
      return;
    }
    if (now.getTime() >= delivery.giveUpAt.getTime()) {
      if (await this.outbox.markFailed(delivery.deliveryId, this.owner, now, result.error)) {
        this.logger.warn(
          `Logout token for client ${delivery.clientId} given up after ${delivery.attempts} attempt(s)`,
        );
        this.events.emit(new LogoutDeliveryAttempted('failed'));
      }
      return;
    }
    const retryAt = new Date(
      Math.min(
        now.getTime() + retryDelayMs(this.logout.firstRetryMs, delivery.attempts),
        delivery.giveUpAt.getTime(),
      ),
    );
    if (await this.outbox.scheduleRetry(delivery.deliveryId, this.owner, retryAt, result.error)) {
      this.events.emit(new LogoutDeliveryAttempted('retrying'));
    }
  }
}
