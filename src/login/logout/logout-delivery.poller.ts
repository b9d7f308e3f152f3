import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { setTimeout as sleep } from 'node:timers/promises';
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
/**
 * A lease outlives the attempt's time limit by this much (a slow instance, a slow database). The
 * attempt's POST is cut at BACKCHANNEL_LOGOUT_TIMEOUT_MS, name resolution and answer included
 * (GuardedFetcher), and is never retried within one claim: no attempt outlives its lease.
 */
export const LEASE_MARGIN_MS = 30_000;
/**
 * The first wait before recording a delivery again when the database refused the record (an
 * outage), doubling up to MAX_RECORD_WAIT_MS, for as long as the lease lasts.
 */
export const FIRST_RECORD_WAIT_MS = 250;
const MAX_RECORD_WAIT_MS = 4_000;

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

  private async work(first?: Claimed): Promise<void> {
    let claimed = first ?? (await this.claim());
    while (claimed) {
      await this.attempt(claimed);
      claimed = await this.claim();
    }
  }

  private async claim(): Promise<Claimed | null> {
    if (this.stopped) return null;
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.logout.timeoutMs + LEASE_MARGIN_MS);
    const delivery = await this.outbox.claimDue(this.owner, now, leaseUntil);
    return delivery ? { delivery, leaseUntil } : null;
  }

  private async attempt({ delivery, leaseUntil }: Claimed): Promise<void> {
    const result = await this.sender.send(delivery);
    const now = this.clock.now();
    if (result.ok) {
      if (await this.recordDelivered(delivery, leaseUntil)) {
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

  /**
   * Records that the client accepted the token. The client has it: were the record lost (the
   * database away at that moment), the lease would run out and another attempt send it again.
   * So a refused record is tried again while the lease is still this instance's (no other
   * instance may claim the row before it ends), which covers a database outage shorter than the
   * lease. Past it, or at shutdown, the error stands and the delivery is sent again later: the
   * outbox is at least once. The repeat is a fresh token (new `jti`), so a client's `jti` replay
   * check (Back-Channel Logout 1.0 §2.6) does not catch it: a client treats a logout of a `sid`
   * it has already ended as done (docs/OAUTH.md, "Logout").
   */
  private async recordDelivered(delivery: LogoutDelivery, leaseUntil: Date): Promise<boolean> {
    for (let wait = FIRST_RECORD_WAIT_MS; ; wait = Math.min(2 * wait, MAX_RECORD_WAIT_MS)) {
      try {
        return await this.outbox.markDelivered(delivery.deliveryId, this.owner, this.clock.now());
      } catch (error) {
        if (this.stopped || this.clock.now().getTime() + wait >= leaseUntil.getTime()) throw error;
        this.logger.warn(
          `Logout token for client ${delivery.clientId} delivered, not yet recorded (${(error as Error).message}); trying again in ${wait} ms`,
        );
        await sleep(wait);
      }
    }
  }
}

/** A delivery this instance claimed, and until when its lease holds. */
interface Claimed {
  readonly delivery: LogoutDelivery;
  readonly leaseUntil: Date;
}
