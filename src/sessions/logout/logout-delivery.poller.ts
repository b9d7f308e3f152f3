import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { exponentialBackoffMs } from '../../platform/concurrency/backoff';
import { DomainEvents } from '../../platform/events/domain-events';
import {
  OUTBOX_HOUSEKEEPING_INTERVAL_MS,
  OutboxPoller,
  type Settled,
} from '../../platform/outbox/outbox-poller';
import { LogoutDeliveriesQueued, LogoutDeliveryAttempted } from './backchannel-logout.events';
import {
  DELIVERY_LANES,
  type DeliveryLane,
  type DeliveryOutcome,
  type LogoutDelivery,
} from './logout-delivery';
import {
  LANE_WORKERS,
  attemptTimeoutMs,
  hostAfterAttempt,
  laneTimeoutMs,
} from './logout-delivery.lanes';
import { LogoutDeliveryRepository, type ClaimedDelivery } from './logout-delivery.repository';
import { LogoutDeliverySender, type SendResult } from './logout-delivery.sender';
import { SessionLogout } from './session-logout.service';

/** The longest wait between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;
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
export const HOUSEKEEPING_INTERVAL_MS = OUTBOX_HOUSEKEEPING_INTERVAL_MS;
/** Rows of an older version given a lane per housekeeping. */
const LANES_ASSIGNED_PER_ROUND = 500;

/** The wait after the `attempts`-th failure: `firstRetryMs`, doubling, at most 5 minutes. */
export function retryDelayMs(firstRetryMs: number, attempts: number): number {
  return exponentialBackoffMs(firstRetryMs, attempts, MAX_RETRY_DELAY_MS);
}

/**
 * Each instance's poller of the back-channel logout outbox (OutboxPoller): every
 * BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS (and at once when this instance queued logout tokens) it
 * finishes the session endings another instance abandoned (SessionLogout.sweep), and each lane's
 * workers claim due deliveries (LogoutDeliveryRepository) and attempt them, LANE_WORKERS at a
 * time. The lanes run apart: the operator's relying parties are attempted whatever the
 * self-registered lane is waiting on. A failure is retried with exponential backoff until the
 * delivery's give-up time.
 */
@Injectable()
export class LogoutDeliveryPoller extends OutboxPoller<DeliveryLane, Claimed> {
  constructor(
    private readonly outbox: LogoutDeliveryRepository,
    private readonly sender: LogoutDeliverySender,
    private readonly logout: LogoutConfig,
    clock: Clock,
    private readonly events: DomainEvents,
    private readonly sessionLogout: SessionLogout,
  ) {
    super(new Logger(LogoutDeliveryPoller.name), clock, outbox, {
      name: 'Logout delivery',
      workers: LANE_WORKERS,
      pollIntervalMs: logout.pollIntervalMs,
    });
  }

  @OnEvent(LogoutDeliveriesQueued.type)
  queued(): void {
    void this.poll();
  }

  /** Session endings an instance left unfinished: they queue deliveries, and say so. */
  protected override sweep(): Promise<number> {
    return this.sessionLogout.sweep();
  }

  /** Rows of an older version into their lane, and deliveries given up past their retry time. */
  protected async housekeep(now: Date): Promise<void> {
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

  protected async claim(lane: DeliveryLane): Promise<Claimed | null> {
    const now = this.clock.now();
    // The lane's time limit (BACKCHANNEL_LOGOUT_TIMEOUT_MS or
    // BACKCHANNEL_LOGOUT_SELF_REGISTERED_TIMEOUT_MS) cuts the POST, name resolution and answer
    // included (GuardedFetcher), never retried within one claim; a suspect host's shorter limit
    // only shortens the attempt.
    const leaseUntil = this.leaseEnd(now, laneTimeoutMs(lane, this.logout));
    const claimed = await this.outbox.claimDue(lane, this.owner, now, leaseUntil);
    return claimed ? { ...claimed, leaseUntil } : null;
  }

  protected async attempt(claimed: Claimed): Promise<void> {
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
    const settled = await this.settle({ ...delivery, leaseUntil }, result, now, (attempts) =>
      retryDelayMs(this.logout.firstRetryMs, attempts),
    );
    if (!settled) return;
    if (settled === 'dead') {
      this.logger.warn(
        `Logout token for client ${delivery.clientId} given up after ${delivery.attempts} attempt(s)`,
      );
    }
    this.events.emit(new LogoutDeliveryAttempted(LOGOUT_OUTCOMES[settled], lane));
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
  protected override async complete(delivery: LeasedDelivery): Promise<boolean> {
    const { leaseUntil } = delivery;
    for (let wait = FIRST_RECORD_WAIT_MS; ; wait = Math.min(2 * wait, MAX_RECORD_WAIT_MS)) {
      try {
        return await this.outbox.leases.complete(delivery.deliveryId, this.owner, this.clock.now());
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

type LeasedDelivery = LogoutDelivery & Pick<Claimed, 'leaseUntil'>;

const LOGOUT_OUTCOMES = {
  done: 'delivered',
  retrying: 'retrying',
  dead: 'failed',
} as const satisfies Record<Settled, DeliveryOutcome>;
