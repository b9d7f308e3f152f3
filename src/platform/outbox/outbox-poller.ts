import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Clock } from '../clock/clock';
import { WorkerPool } from '../concurrency/worker-pool';
import { randomToken } from '../crypto/hashing';
import { RepeatedWarning } from '../logging/repeated-warning';
import type { OutboxLeases } from './outbox-leases';

/** How often an instance runs an outbox's housekeeping (rows left pending past their give-up time). */
export const OUTBOX_HOUSEKEEPING_INTERVAL_MS = 60_000;
/** A lease outlives the attempt's time limit by this much (a slow instance, a slow database). */
export const LEASE_MARGIN_MS = 30_000;

/** What settling an attempt needs of its row. */
export interface OutboxAttempt {
  readonly deliveryId: string;
  /** Attempts started so far, this one included. */
  readonly attempts: number;
  readonly giveUpAt: Date;
}

/** How one attempt went; `permanent`: trying again would fail again (a dead letter at once). */
export type AttemptResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly permanent?: boolean };

/** What settling an attempt recorded on its row. */
export type Settled = 'done' | 'dead' | 'retrying';

/**
 * Runs `round` at most once at a time; asked while it runs, it runs once more after (new work
 * may be due by then).
 */
export class Rounds {
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
 * Each instance's poller of one durable outbox (MongoOutbox): every `pollIntervalMs`, and at
 * once when `poll` is called (this instance queued a row), each lane's workers claim due rows,
 * one lease each, and attempt them, `workers[lane]` at a time (WorkerPool: an idle lane costs one
 * claim a tick); lanes run apart, so one lane's slow attempts never hold another's. Beside the
 * workers one round at a time runs the outbox's own `sweep`, and every
 * OUTBOX_HOUSEKEEPING_INTERVAL_MS its `housekeep` (rows left pending past their give-up time).
 * The timer is unref'd, and shutdown waits for the attempts under way (each bounded by its time
 * limit); an instance killed mid-attempt leaves its lease to run out, and another retries.
 */
export abstract class OutboxPoller<Lane extends string, Claimed>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  /** This instance, as lease owner: random per process start. */
  protected readonly owner = randomToken(12);
  protected stopped = false;
  private timer?: NodeJS.Timeout;
  private lastHousekeeping = 0;
  private readonly rounds: Rounds;
  private readonly lanes: readonly WorkerPool<Claimed>[];

  protected constructor(
    protected readonly logger: Logger,
    protected readonly clock: Clock,
    /** The outbox's repository, read at each record (a test may wire it late). */
    private readonly repository: { readonly leases: OutboxLeases },
    private readonly poller: {
      /** What the log calls one attempt's round (`Mail delivery`). */
      readonly name: string;
      readonly workers: Readonly<Record<Lane, number>>;
      readonly pollIntervalMs: number;
      /** False: this instance never polls (nothing to send with). */
      readonly enabled?: boolean;
    },
  ) {
    // The database unreachable, say: the next tick tries again. Every tick of every lane fails
    // alike until it is back, so the same failure is written once a while, with its count.
    const failures = new RepeatedWarning(
      (message) => this.logger.warn(message),
      () => this.clock.now().getTime(),
    );
    const warn = (error: unknown) => {
      failures.warn(`${poller.name} round failed: ${(error as Error).message}`);
    };
    this.rounds = new Rounds(
      () => this.round(),
      () => this.stopped,
      warn,
    );
    this.lanes = (Object.entries(poller.workers) as [Lane, number][]).map(
      ([lane, workers]) =>
        new WorkerPool<Claimed>(
          workers,
          () => (this.stopped ? Promise.resolve(null) : this.claim(lane)),
          (claimed) => this.attempt(claimed),
          warn,
        ),
    );
  }

  /**
   * When a lease taken `now` for one attempt ends: the attempt's time limit `attemptMs`, and
   * LEASE_MARGIN_MS more, so no attempt outlives its lease.
   */
  protected leaseEnd(now: Date, attemptMs: number): Date {
    return new Date(now.getTime() + attemptMs + LEASE_MARGIN_MS);
  }

  /** Leases one due row of `lane` to this instance; null when none is due. */
  protected abstract claim(lane: Lane): Promise<Claimed | null>;

  /** One attempt of a claimed row, its outcome recorded (settle). */
  protected abstract attempt(claimed: Claimed): Promise<void>;

  /** The outbox's housekeeping, every OUTBOX_HOUSEKEEPING_INTERVAL_MS. */
  protected abstract housekeep(now: Date): Promise<void>;

  /** What the outbox does each round before its housekeeping: nothing, unless it says. */
  protected sweep(): Promise<unknown> {
    return Promise.resolve();
  }

  onApplicationBootstrap(): void {
    if (this.poller.enabled === false) return;
    this.timer = setInterval(() => void this.poll(), this.poller.pollIntervalMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the attempts under way finish, none starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.rounds.settled(), ...this.lanes.map((lane) => lane.idle())]);
  }

  /**
   * Starts a round unless one is under way, and wakes a worker of each lane; resolves once they
   * are all done.
   */
  async poll(): Promise<void> {
    if (this.stopped || this.poller.enabled === false) return;
    for (const lane of this.lanes) lane.wake();
    await Promise.all([this.rounds.run(), ...this.lanes.map((lane) => lane.idle())]);
  }

  /**
   * Records an attempt's outcome on its row, if this instance still holds its lease: done; dead
   * (refused for good, or its give-up time is past); or due again after `retryDelayMs`, never
   * past its give-up time. Resolves to what it recorded, or null when the lease was lost
   * meanwhile (another instance's attempt records its own).
   */
  protected async settle<Row extends OutboxAttempt>(
    row: Row,
    result: AttemptResult,
    now: Date,
    retryDelayMs: (attempts: number) => number,
  ): Promise<Settled | null> {
    if (result.ok) return (await this.complete(row, now)) ? 'done' : null;
    const { deliveryId, giveUpAt } = row;
    const beforeGiveUp = now.getTime() < giveUpAt.getTime();
    if (result.permanent || !beforeGiveUp) {
      // Refused for good before its time: what it carries is still of use, should an operator
      // fix the cause and retry it (proofgate-admin outboxes retry).
      const dead = await this.repository.leases.deadLetter(
        deliveryId,
        this.owner,
        now,
        result.error,
        beforeGiveUp,
      );
      return dead ? 'dead' : null;
    }
    const retryAt = new Date(
      Math.min(now.getTime() + retryDelayMs(row.attempts), giveUpAt.getTime()),
    );
    const retrying = await this.repository.leases.scheduleRetry(
      deliveryId,
      this.owner,
      retryAt,
      result.error,
    );
    return retrying ? 'retrying' : null;
  }

  /** Records the row done; an outbox whose record must outlive a short outage overrides it. */
  protected complete(row: OutboxAttempt, now: Date): Promise<boolean> {
    return this.repository.leases.complete(row.deliveryId, this.owner, now);
  }

  private async round(): Promise<void> {
    await this.sweep();
    const now = this.clock.now();
    if (this.stopped || now.getTime() - this.lastHousekeeping < OUTBOX_HOUSEKEEPING_INTERVAL_MS) {
      return;
    }
    this.lastHousekeeping = now.getTime();
    await this.housekeep(now);
  }
}
