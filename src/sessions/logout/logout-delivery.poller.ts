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
import { DELIVERY_LANES, type DeliveryLane, type LogoutDelivery } from './logout-delivery';
import {
  LANE_WORKERS,
  attemptTimeoutMs,
  hostAfterAttempt,
  laneTimeoutMs,
} from './logout-delivery.lanes';
import { LogoutDeliveryRepository, type ClaimedDelivery } from './logout-delivery.repository';
import { LogoutDeliverySender, type SendResult } from './logout-delivery.sender';
import { WorkerPool } from '../../platform/concurrency/worker-pool';
import { exponentialBackoffMs } from '../../platform/concurrency/backoff';
import { SessionLogout } from './session-logout.service';

/** The longest wait between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;
/**
 * A lease outlives the attempt's time limit by this much (a slow instance, a slow database). The
 * attempt's POST is cut at its lane's time limit (BACKCHANNEL_LOGOUT_TIMEOUT_MS, or
 * BACKCHANNEL_LOGOUT_SELF_REGISTERED_TIMEOUT_MS), name resolution and answer included
 * (GuardedFetcher), and is never retried within one claim: no attempt outlives its lease.
 */
export const LEASE_MARGIN_MS = 30_000;
/**
 * The first wait before recording a delivery again when the database refused the record (an
 * outage), doubling up to MAX_RECORD_WAIT_MS, for as long as the lease lasts.
 */
export const FIRST_RECORD_WAIT_MS = 250;
const MAX_RECORD_WAIT_MS = 4_000;
/**
 * How often an instance gives up deliveries left pending past their give-up time (their host in
 * backoff) and puts rows of an older version into their lane.
 */
export const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** Rows of an older version given a lane per housekeeping. */
const LANES_ASSIGNED_PER_ROUND = 500;

/** The wait after the `attempts`-th failure: `firstRetryMs`, doubling, at most 5 minutes. */
export function retryDelayMs(firstRetryMs: number, attempts: number): number {
  return exponentialBackoffMs(firstRetryMs, attempts, MAX_RETRY_DELAY_MS);
}

/**
 * Runs `round` at most once at a time; asked while it runs, it runs once more after (new work
 * may be due by then).
 */
class Rounds {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly round: () => Promise<void>,
    private readonly stopped: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  run(): Promise<void> {
    if (this.stopped()) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped()) {
          this.again = false;
          void this.run();
        }
      });
    return this.running;
  }

  /** The round under way, if any. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}

/**
 * Each instance's poller of the back-channel logout outbox: every BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS
 * (and at once when this instance queued logout tokens) it finishes the session endings another
 * instance abandoned (SessionLogout.sweep), and each lane's workers claim due deliveries, one
 * lease each (LogoutDeliveryRepository), and attempt them, LANE_WORKERS at a time (WorkerPool:
 * an idle lane costs one claim a tick). The lanes run apart: the operator's relying parties are
 * attempted whatever the self-registered lane is waiting on.
 * A failure is retried with exponential backoff until the delivery's give-up time. The timer is
 * unref'd, and shutdown waits for the attempts under way (each bounded by its time limit); an
 * instance killed mid-attempt leaves its lease to run out, and another instance retries.
 */
@Injectable()
export class LogoutDeliveryPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LogoutDeliveryPoller.name);
  /** This instance, as lease owner: random per process start. */
  private readonly owner = randomToken(12);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastHousekeeping = 0;
  private readonly sweeps: Rounds;
  private readonly lanes: Readonly<Record<DeliveryLane, WorkerPool<Claimed>>>;

  constructor(
    private readonly outbox: LogoutDeliveryRepository,
    private readonly sender: LogoutDeliverySender,
    private readonly logout: LogoutConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly sessionLogout: SessionLogout,
  ) {
    const warn = (error: unknown) => {
      // The database unreachable, say: the next tick tries again.
      this.logger.warn(`Logout delivery round failed: ${(error as Error).message}`);
    };
    this.sweeps = new Rounds(
      () => this.sweep(),
      () => this.stopped,
      warn,
    );
    const lane = (name: DeliveryLane) =>
      new WorkerPool<Claimed>(
        LANE_WORKERS[name],
        () => this.claim(name),
        (claimed) => this.attempt(claimed),
        warn,
      );
    this.lanes = { operator: lane('operator'), self_registered: lane('self_registered') };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.logout.pollIntervalMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the attempts under way finish, none starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([
      this.sweeps.settled(),
      ...DELIVERY_LANES.map((lane) => this.lanes[lane].idle()),
    ]);
  }

  @OnEvent(LogoutDeliveriesQueued.type)
  queued(): void {
    void this.poll();
  }

  /**
   * Starts a sweep unless one is under way, and wakes a worker of each lane; resolves once they
   * are all done.
   */
  async poll(): Promise<void> {
    if (this.stopped) return;
    for (const lane of DELIVERY_LANES) this.lanes[lane].wake();
    await Promise.all([
      this.sweeps.run(),
      ...DELIVERY_LANES.map((lane) => this.lanes[lane].idle()),
    ]);
  }

  /**
   * Session endings an instance left unfinished (they queue deliveries, and say so: the lanes
   * look again), and now and then the outbox's housekeeping.
   */
  private async sweep(): Promise<void> {
    await this.sessionLogout.sweep();
    const now = this.clock.now();
    if (this.stopped || now.getTime() - this.lastHousekeeping < HOUSEKEEPING_INTERVAL_MS) return;
    this.lastHousekeeping = now.getTime();
    await this.outbox.assignLanes(LANES_ASSIGNED_PER_ROUND);
    const givenUp = await this.outbox.giveUpOverdue(
      new Date(now.getTime() - MAX_RETRY_DELAY_MS),
      now,
    );
    for (const lane of DELIVERY_LANES) {
      if (givenUp[lane] === 0) continue;
      this.logger.warn(
        `${givenUp[lane]} logout token(s) of the ${lane} lane given up unattempted past their retry time`,
      );
      for (let i = 0; i < givenUp[lane]; i++) {
        this.events.emit(new LogoutDeliveryAttempted('failed', lane));
      }
    }
  }

  private async claim(lane: DeliveryLane): Promise<Claimed | null> {
    if (this.stopped) return null;
    const now = this.clock.now();
    // The lane's time limit: a suspect host's shorter one only shortens the attempt.
    const leaseUntil = new Date(now.getTime() + laneTimeoutMs(lane, this.logout) + LEASE_MARGIN_MS);
    const claimed = await this.outbox.claimDue(lane, this.owner, now, leaseUntil);
    return claimed ? { ...claimed, leaseUntil } : null;
  }

  private async attempt(claimed: Claimed): Promise<void> {
    const { delivery, lane, hostTimeouts } = claimed;
    const result = await this.sender.send(
      delivery,
      attemptTimeoutMs(lane, this.logout, hostTimeouts),
    );
    const now = this.clock.now();
    await this.record(claimed, result, now);
    await this.outbox.release(
      claimed,
      this.owner,
      this.clock.now(),
      hostAfterAttempt(hostTimeouts, !result.ok && result.timedOut, now),
    );
  }

  /** The attempt's outcome on the row: delivered, due again later, or given up. */
  private async record(
    { delivery, lane, leaseUntil }: Claimed,
    result: SendResult,
    now: Date,
  ): Promise<void> {
    if (result.ok) {
      if (await this.recordDelivered(delivery, leaseUntil)) {
        this.events.emit(new LogoutDeliveryAttempted('delivered', lane));
      }
      return;
    }
    if (now.getTime() >= delivery.giveUpAt.getTime()) {
      if (await this.outbox.markFailed(delivery.deliveryId, this.owner, now, result.error)) {
        this.logger.warn(
          `Logout token for client ${delivery.clientId} given up after ${delivery.attempts} attempt(s)`,
        );
        this.events.emit(new LogoutDeliveryAttempted('failed', lane));
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
      this.events.emit(new LogoutDeliveryAttempted('retrying', lane));
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
interface Claimed extends ClaimedDelivery {
  readonly leaseUntil: Date;
}
