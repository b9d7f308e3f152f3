import { EventEmitter2 } from '@nestjs/event-emitter';
import type { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { LogoutDeliveryAttempted } from './backchannel-logout.events';
import { laneOf, type DeliveryLane, type LogoutDelivery } from './logout-delivery';
import {
  FIRST_HOST_BACKOFF_MS,
  LANE_WORKERS,
  MAX_HOST_BACKOFF_MS,
  SUSPECT_HOST_TIMEOUT_MS,
  attemptTimeoutMs,
  hostBackoffMs,
  type HostState,
} from './logout-delivery.lanes';
import {
  HOUSEKEEPING_INTERVAL_MS,
  LogoutDeliveryPoller,
  MAX_RETRY_DELAY_MS,
  retryDelayMs,
} from './logout-delivery.poller';
import type { OutboxLeases } from '../../platform/outbox/outbox-leases';
import { LEASE_MARGIN_MS } from '../../platform/outbox/outbox-poller';
import type { LogoutDeliveryRepository } from './logout-delivery.repository';
import type { LogoutDeliverySender, SendResult } from './logout-delivery.sender';
import type { SessionLogout } from './session-logout.service';

class ManualClock extends Clock {
  at = new Date('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.at);
  }
}

const TIMEOUT_MS = 5_000;

/** One outbox row, leased as the Mongo repository leases it, and every POST the sender made. */
class Outbox {
  row = {
    deliveryId: 'd1',
    clientId: 'rp',
    uri: 'https://rp.example/backchannel-logout',
    sub: 'user-1',
    sid: 'sid-1',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    giveUpAt: new Date('2026-01-01T01:00:00Z'),
    attempts: 0,
    status: 'pending' as 'pending' | 'delivered',
    leaseUntil: new Date(0),
    leaseOwner: '',
  };
  readonly leases: { from: Date; until: Date }[] = [];
  sent = 0;
  /** The database answers no record of a delivery while this says so (an outage). */
  down: (calls: number) => boolean = () => false;
  private recordCalls = 0;

  constructor(private readonly clock: ManualClock) {}

  repository(): LogoutDeliveryRepository {
    const repository: Pick<
      LogoutDeliveryRepository,
      'claimDue' | 'release' | 'assignLanes' | 'giveUpOverdue'
    > & { leases: Pick<OutboxLeases, 'complete'> } = {
      claimDue: (lane, owner, now, leaseUntil) => {
        const { row } = this;
        if (lane !== 'operator' || row.status !== 'pending' || row.leaseUntil > now) {
          return Promise.resolve(null);
        }
        Object.assign(row, { leaseUntil, leaseOwner: owner, attempts: row.attempts + 1 });
        this.leases.push({ from: now, until: leaseUntil });
        return Promise.resolve({ delivery: { ...row }, lane, hostTimeouts: 0 });
      },
      release: () => Promise.resolve(),
      assignLanes: () => Promise.resolve(0),
      giveUpOverdue: () => Promise.resolve({ operator: 0, self_registered: 0 }),
      leases: {
        complete: (_id, owner) => {
          if (this.down(++this.recordCalls)) {
            return Promise.reject(new Error('Server selection timed out after 3000 ms'));
          }
          if (this.row.status !== 'pending' || this.row.leaseOwner !== owner) {
            return Promise.resolve(false);
          }
          this.row.status = 'delivered';
          return Promise.resolve(true);
        },
      },
    };
    return repository as unknown as LogoutDeliveryRepository;
  }

  sender(): LogoutDeliverySender {
    return {
      send: (): Promise<SendResult> => {
        this.sent++;
        return Promise.resolve({ ok: true });
      },
    } as unknown as LogoutDeliverySender;
  }
}

function setUp() {
  const clock = new ManualClock();
  const outbox = new Outbox(clock);
  const emitter = new EventEmitter2();
  const outcomes: string[] = [];
  emitter.on(LogoutDeliveryAttempted.type, (event: LogoutDeliveryAttempted) =>
    outcomes.push(event.outcome),
  );
  const config = { timeoutMs: TIMEOUT_MS, firstRetryMs: 1_000, pollIntervalMs: 1_000 };
  // Each call is another instance (its own random lease owner).
  const instance = () =>
    new LogoutDeliveryPoller(
      outbox.repository(),
      outbox.sender(),
      config as LogoutConfig,
      clock,
      new DomainEvents(emitter),
      { sweep: () => Promise.resolve(0) } as unknown as SessionLogout,
    );
  return { clock, outbox, outcomes, instance };
}

describe('LogoutDeliveryPoller: one POST per delivery unless an instance or the database is lost', () => {
  it('leases a delivery for longer than the attempt may last (its POST is cut at the timeout)', async () => {
    const { outbox, instance } = setUp();
    await instance().poll();
    expect(outbox.leases).toHaveLength(1);
    const [lease] = outbox.leases;
    expect(lease.until.getTime() - lease.from.getTime()).toBe(TIMEOUT_MS + LEASE_MARGIN_MS);
    expect(LEASE_MARGIN_MS).toBeGreaterThan(0);
  });

  it('the client answered and the database refused the record for a while: recorded once it is back, never sent again', async () => {
    const { outbox, outcomes, instance, clock } = setUp();
    outbox.down = (calls) => calls <= 2;
    await instance().poll();
    expect(outbox.row.status).toBe('delivered');
    expect(outcomes).toEqual(['delivered']);
    // Past the lease, another instance finds nothing to send.
    clock.at = new Date(clock.at.getTime() + TIMEOUT_MS + LEASE_MARGIN_MS + 1);
    await instance().poll();
    expect(outbox.sent).toBe(1);
  });

  it('a database away for longer than the lease: the delivery is sent again (at least once)', async () => {
    const { outbox, outcomes, instance, clock } = setUp();
    // Each refused record takes the driver's server selection time; the lease runs out meanwhile.
    outbox.down = () => {
      clock.at = new Date(clock.at.getTime() + 15_000);
      return true;
    };
    await instance().poll();
    expect(outbox.row.status).toBe('pending');
    expect(outcomes).toEqual([]);
    outbox.down = () => false;
    await instance().poll();
    expect(outbox.sent).toBe(2);
    expect(outbox.row.status).toBe('delivered');
  });
});

describe('retryDelayMs: exponential backoff between delivery attempts', () => {
  it('waits the first retry after one failure, then doubles', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(2_000, attempts))).toEqual([
      2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it('never waits more than five minutes, however many attempts failed', () => {
    expect(retryDelayMs(2_000, 9)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(2_000, 1_000)).toBe(MAX_RETRY_DELAY_MS);
  });
});

/** How the fake relying party at a client's URI answers. */
type Answer = 'ok' | 'timeout' | 'refused' | 'hang';

/** Rows of both lanes, leased as the Mongo repository leases them (holds aside). */
class LanedOutbox {
  readonly rows: {
    delivery: LogoutDelivery;
    lane: DeliveryLane;
    hostTimeouts: number;
    status: 'pending' | 'delivered' | 'failed';
    leaseUntil: Date;
  }[] = [];
  readonly released: { clientId: string; host: HostState }[] = [];
  readonly sent: { clientId: string; timeoutMs: number }[] = [];
  readonly overdueAsked: Date[] = [];
  overdue = { operator: 0, self_registered: 0 };
  /** Settles every attempt left hanging (as its time limit would). */
  private readonly hanging: (() => void)[] = [];
  private readonly waiters: { clientId: string; wake: () => void }[] = [];

  constructor(private readonly answers: Record<string, Answer>) {}

  add(clientId: string, hostTimeouts = 0): void {
    this.rows.push({
      delivery: {
        deliveryId: `d-${this.rows.length}`,
        clientId,
        uri: `https://${clientId.replace(/[^a-z0-9]/gi, '')}.example/bcl`,
        sub: 'user-1',
        sid: `sid-${this.rows.length}`,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        giveUpAt: new Date('2026-01-01T01:00:00Z'),
        attempts: 0,
      },
      lane: laneOf(clientId),
      hostTimeouts,
      status: 'pending',
      leaseUntil: new Date(0),
    });
  }

  /** Resolves once `clientId` was sent a token. */
  sentTo(clientId: string): Promise<void> {
    if (this.sent.some((one) => one.clientId === clientId)) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ clientId, wake }));
  }

  settleHanging(): void {
    for (const settle of this.hanging.splice(0)) settle();
  }

  repository(): LogoutDeliveryRepository {
    const row = (id: string) => this.rows.find((one) => one.delivery.deliveryId === id)!;
    const repository: Omit<LogoutDeliveryRepository, 'enqueue' | 'keepNewest' | 'rows'> = {
      claimDue: (lane, _owner, now, leaseUntil) => {
        const due = this.rows.find(
          (one) => one.lane === lane && one.status === 'pending' && one.leaseUntil <= now,
        );
        if (!due) return Promise.resolve(null);
        due.leaseUntil = leaseUntil;
        const delivery = { ...due.delivery, attempts: due.delivery.attempts + 1 };
        due.delivery = delivery;
        return Promise.resolve({ delivery, lane, hostTimeouts: due.hostTimeouts });
      },
      release: ({ delivery }, _owner, _now, host) => {
        this.released.push({ clientId: delivery.clientId, host });
        return Promise.resolve();
      },
      leases: {
        complete: (id) => {
          row(id).status = 'delivered';
          return Promise.resolve(true);
        },
        scheduleRetry: (id, _owner, retryAt) => {
          row(id).leaseUntil = retryAt;
          return Promise.resolve(true);
        },
        deadLetter: (id) => {
          row(id).status = 'failed';
          return Promise.resolve(true);
        },
      },
      giveUpOverdue: (before) => {
        this.overdueAsked.push(before);
        return Promise.resolve(this.overdue);
      },
      assignLanes: () => Promise.resolve(0),
    };
    return repository as unknown as LogoutDeliveryRepository;
  }

  sender(): LogoutDeliverySender {
    return {
      send: (delivery: LogoutDelivery, timeoutMs: number): Promise<SendResult> => {
        this.sent.push({ clientId: delivery.clientId, timeoutMs });
        for (const waiter of this.waiters.filter((one) => one.clientId === delivery.clientId)) {
          waiter.wake();
        }
        const timedOut = { ok: false, error: `no answer within ${timeoutMs} ms`, timedOut: true };
        switch (this.answers[delivery.clientId] ?? 'ok') {
          case 'ok':
            return Promise.resolve({ ok: true });
          case 'timeout':
            return Promise.resolve(timedOut as SendResult);
          case 'refused':
            return Promise.resolve({ ok: false, error: 'HTTP status 500', timedOut: false });
          case 'hang':
            return new Promise((resolve) => this.hanging.push(() => resolve(timedOut)));
        }
      },
    } as unknown as LogoutDeliverySender;
  }
}

const LANED_CONFIG = {
  timeoutMs: 5_000,
  selfRegisteredTimeoutMs: 2_000,
  firstRetryMs: 1_000,
  pollIntervalMs: 1_000,
} as LogoutConfig;

function lanedPoller(outbox: LanedOutbox) {
  const clock = new ManualClock();
  const emitter = new EventEmitter2();
  const outcomes: string[] = [];
  const lanes: string[] = [];
  emitter.on(LogoutDeliveryAttempted.type, (event: LogoutDeliveryAttempted) => {
    outcomes.push(event.outcome);
    lanes.push(event.lane);
  });
  const poller = new LogoutDeliveryPoller(
    outbox.repository(),
    outbox.sender(),
    LANED_CONFIG,
    clock,
    new DomainEvents(emitter),
    { sweep: () => Promise.resolve(0) } as unknown as SessionLogout,
  );
  /** Resolves at the next outcome reported. */
  const nextOutcome = () =>
    new Promise<string>((resolve) =>
      emitter.once(LogoutDeliveryAttempted.type, (event: LogoutDeliveryAttempted) =>
        resolve(event.outcome),
      ),
    );
  return { poller, clock, outcomes, lanes, nextOutcome };
}

const SELF = (i: number) => `dcr_${String(i).padStart(32, '0')}`;

describe('LogoutDeliveryPoller: the operator’s lane is never held by self-registered clients', () => {
  it('delivers an operator RP’s token while every self-registered worker hangs on a URI that never answers', async () => {
    const tarpits = Object.fromEntries(
      Array.from({ length: 2 * LANE_WORKERS.self_registered }, (_, i) => [SELF(i), 'hang']),
    );
    const outbox = new LanedOutbox(tarpits as Record<string, Answer>);
    for (const clientId of Object.keys(tarpits)) outbox.add(clientId);
    const { poller, nextOutcome } = lanedPoller(outbox);

    const stalled = poller.poll();
    await outbox.sentTo(SELF(LANE_WORKERS.self_registered - 1));
    // A user signs out of the operator's RP while the self-registered lane is stuck.
    outbox.add('rp-operator');
    const outcome = nextOutcome();
    poller.queued();
    expect(await outcome).toBe('delivered');

    expect(outbox.rows.find((row) => row.delivery.clientId === 'rp-operator')?.status).toBe(
      'delivered',
    );
    // The tarpits held the self-registered lane's workers, and only those.
    expect(outbox.sent.filter((one) => one.clientId.startsWith('dcr_'))).toHaveLength(
      LANE_WORKERS.self_registered,
    );
    outbox.settleHanging();
    await poller.beforeApplicationShutdown();
    await stalled;
  });

  it('cuts a self-registered client’s attempt at its own, shorter limit, and shorter still at a host that timed out', async () => {
    const outbox = new LanedOutbox({});
    outbox.add('rp-operator');
    outbox.add(SELF(1));
    outbox.add(SELF(2), 1);
    await lanedPoller(outbox).poller.poll();

    expect(Object.fromEntries(outbox.sent.map((one) => [one.clientId, one.timeoutMs]))).toEqual({
      'rp-operator': LANED_CONFIG.timeoutMs,
      [SELF(1)]: LANED_CONFIG.selfRegisteredTimeoutMs,
      [SELF(2)]: SUSPECT_HOST_TIMEOUT_MS,
    });
  });

  it('backs a host off after a timed-out attempt, longer after each in a row, and closes the breaker on an answer', async () => {
    const outbox = new LanedOutbox({
      [SELF(1)]: 'timeout',
      [SELF(2)]: 'timeout',
      [SELF(3)]: 'refused',
      [SELF(4)]: 'ok',
    });
    outbox.add(SELF(1));
    outbox.add(SELF(2), 1);
    outbox.add(SELF(3), 3);
    outbox.add(SELF(4), 2);
    const { poller, clock } = lanedPoller(outbox);
    await poller.poll();

    const at = (ms: number) => new Date(clock.at.getTime() + ms);
    expect(Object.fromEntries(outbox.released.map((one) => [one.clientId, one.host]))).toEqual({
      [SELF(1)]: { timeouts: 1, backoffUntil: at(FIRST_HOST_BACKOFF_MS) },
      [SELF(2)]: { timeouts: 2, backoffUntil: at(2 * FIRST_HOST_BACKOFF_MS) },
      // A fast failure holds no worker: the host is attempted again as usual.
      [SELF(3)]: { timeouts: 0 },
      [SELF(4)]: { timeouts: 0 },
    });
  });

  it('gives up deliveries left unattempted past their retry time once per housekeeping interval, counted failed', async () => {
    const outbox = new LanedOutbox({});
    outbox.overdue = { operator: 1, self_registered: 2 };
    const { poller, clock, outcomes, lanes } = lanedPoller(outbox);
    await poller.poll();
    await poller.poll();
    expect(outbox.overdueAsked).toEqual([new Date(clock.at.getTime() - MAX_RETRY_DELAY_MS)]);
    expect(outcomes).toEqual(['failed', 'failed', 'failed']);
    // Each in its lane: only the operator's clients' failures page (ProofgateBackchannelLogoutFailed).
    expect(lanes).toEqual(['operator', 'self_registered', 'self_registered']);

    clock.at = new Date(clock.at.getTime() + HOUSEKEEPING_INTERVAL_MS);
    outbox.overdue = { operator: 0, self_registered: 0 };
    await poller.poll();
    expect(outbox.overdueAsked).toHaveLength(2);
    expect(outcomes).toHaveLength(3);
  });
});

describe('the self-registered lane’s circuit breaker and time limits', () => {
  it('backs a host off 30 s after its first timeout, doubling, at most 10 minutes', () => {
    expect([1, 2, 3, 4, 5, 6].map(hostBackoffMs)).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      480_000,
      MAX_HOST_BACKOFF_MS,
    ]);
    expect(hostBackoffMs(1_000)).toBe(MAX_HOST_BACKOFF_MS);
  });

  it('never lengthens an attempt: the short limit is a ceiling, and the operator’s lane keeps its own', () => {
    const config = { ...LANED_CONFIG, selfRegisteredTimeoutMs: 500 } as LogoutConfig;
    expect(attemptTimeoutMs('self_registered', config, 3)).toBe(500);
    expect(attemptTimeoutMs('operator', config, 3)).toBe(config.timeoutMs);
    const operatorShorter = { ...LANED_CONFIG, timeoutMs: 1_500 } as LogoutConfig;
    expect(attemptTimeoutMs('self_registered', operatorShorter, 0)).toBe(1_500);
  });
});
