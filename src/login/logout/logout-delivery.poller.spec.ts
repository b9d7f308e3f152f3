import { EventEmitter2 } from '@nestjs/event-emitter';
import type { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { LogoutDeliveryAttempted } from './backchannel-logout.events';
import type { LogoutDelivery } from './logout-delivery';
import {
  LEASE_MARGIN_MS,
  LogoutDeliveryPoller,
  MAX_RETRY_DELAY_MS,
  retryDelayMs,
} from './logout-delivery.poller';
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
    const repository: Pick<LogoutDeliveryRepository, 'claimDue' | 'markDelivered'> = {
      claimDue: (owner, now, leaseUntil) => {
        const { row } = this;
        if (row.status !== 'pending' || row.leaseUntil > now) return Promise.resolve(null);
        Object.assign(row, { leaseUntil, leaseOwner: owner, attempts: row.attempts + 1 });
        this.leases.push({ from: now, until: leaseUntil });
        return Promise.resolve({ ...row } as LogoutDelivery);
      },
      markDelivered: (_id, owner) => {
        if (this.down(++this.recordCalls)) {
          return Promise.reject(new Error('Server selection timed out after 3000 ms'));
        }
        if (this.row.status !== 'pending' || this.row.leaseOwner !== owner) {
          return Promise.resolve(false);
        }
        this.row.status = 'delivered';
        return Promise.resolve(true);
      },
    };
    return repository as LogoutDeliveryRepository;
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
