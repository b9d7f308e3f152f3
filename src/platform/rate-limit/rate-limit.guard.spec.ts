import type { ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { TemporarilyUnavailable, TooManyRequests } from '../errors/protocol-error';
import {
  MINUTE_MS,
  RateLimit,
  RateLimitRule,
  RequestLimit,
  StoreDownPolicy,
  perIp,
  perIpAndClaim,
} from './rate-limit';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore, WindowCounter } from './rate-limit.store';
import { RateLimiter } from './rate-limiter';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvents, type DomainEvent } from '../events/domain-events';
import { RateLimitRefused } from './rate-limit.events';

class FixedClock extends Clock {
  constructor(public at: number) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

/** Domain events as emitted, for the refusals the metrics count. */
class RecordedEvents extends DomainEvents {
  emitted: DomainEvent[] = [];
  constructor() {
    super(new EventEmitter2());
  }
  override emit(event: DomainEvent): void {
    this.emitted.push(event);
  }
}

class FakeStore extends RateLimitStore {
  calls: WindowCounter[][] = [];
  answer: boolean | Error = true;
  hit(counters: readonly WindowCounter[]): Promise<boolean> {
    this.calls.push([...counters]);
    return this.answer instanceof Error
      ? Promise.reject(this.answer)
      : Promise.resolve(this.answer);
  }
}

const PER_IP: RateLimitRule = { name: 'ip', windowMs: MINUTE_MS, limit: (l) => l.tokenPerIp };
const PER_IP_AND_APP: RateLimitRule = {
  name: 'ip-app',
  windowMs: MINUTE_MS,
  limit: (l) => l.tokenPerClient,
};
const PER_APP: RateLimitRule = { name: 'app', windowMs: MINUTE_MS, limit: () => 2 };
const claimedApp = (request: { body?: unknown }) =>
  (request.body as { app?: string } | undefined)?.app;
const ROUTE_LIMITS: RequestLimit[] = [perIp(PER_IP), perIpAndClaim(PER_IP_AND_APP, claimedApp)];

function contextFor(
  policy: StoreDownPolicy,
  body: Record<string, string> = { app: 'app' },
  limits: RequestLimit[] = ROUTE_LIMITS,
): ExecutionContext {
  class Controller {
    handle(): void {}
  }
  RateLimit(policy, ...limits)(Controller);
  const request = { ip: '203.0.113.7', headers: {}, body };
  return {
    getHandler: () => Controller.prototype.handle,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('RateLimitGuard and RateLimiter', () => {
  const config = AppConfig.fromEnv({ MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' });
  const minuteStart = Date.UTC(2026, 0, 1, 12, 0);
  let store: FakeStore;
  let clock: FixedClock;
  let limiter: RateLimiter;
  let guard: RateLimitGuard;
  let events: RecordedEvents;

  beforeEach(() => {
    store = new FakeStore();
    clock = new FixedClock(minuteStart + 15_250);
    events = new RecordedEvents();
    limiter = new RateLimiter(config.tokens, config.rateLimits, store, clock, events);
    guard = new RateLimitGuard(limiter);
  });

  it('sends every limit the route declares in one call, expiring at the end of the fixed window', async () => {
    await expect(guard.canActivate(contextFor('closed'))).resolves.toBe(true);

    expect(store.calls).toHaveLength(1);
    const [ip, ipAndApp] = store.calls[0];
    expect([ip.limit, ipAndApp.limit]).toEqual([300, 600]);
    expect(ip.expiresAt.getTime()).toBe(minuteStart + 60_000);
    expect(ip.id).not.toBe(ipAndApp.id);
    expect(JSON.stringify(store.calls)).not.toMatch(/203\.0\.113|app/);
  });

  it('does not count a claim-keyed limit for a request that claims nothing', async () => {
    await guard.canActivate(contextFor('closed', {}));
    expect(store.calls[0]).toHaveLength(1);
  });

  it('keys a claim with the address: the same claim from two addresses is two counters', async () => {
    await guard.canActivate(contextFor('closed'));
    const other = contextFor('closed');
    other.switchToHttp().getRequest<{ ip: string }>().ip = '198.51.100.1';
    await guard.canActivate(other);
    expect(store.calls[0][1].id).not.toBe(store.calls[1][1].id);
  });

  it('refuses past the limit with the seconds left in the window as Retry-After', async () => {
    store.answer = false;
    const refusal = guard.canActivate(contextFor('closed'));
    await expect(refusal).rejects.toBeInstanceOf(TooManyRequests);
    // 15.25 s into the window: 44.75 s remain, rounded up.
    await refusal.catch((error: TooManyRequests) => {
      expect(error.headers['Retry-After']).toBe('45');
    });
    // The refusal is reported by rule name, for the saturation alert; never the counted key.
    expect(events.emitted).toEqual([new RateLimitRefused('ip'), new RateLimitRefused('ip-app')]);
  });

  it('reports nothing for an allowed request', async () => {
    await guard.canActivate(contextFor('closed'));
    expect(events.emitted).toEqual([]);
  });

  it('charges a proven key with the same counters, store and refusal as the guard', async () => {
    await limiter.charge(PER_APP, 'app', 'closed');
    expect(store.calls[0]).toEqual([
      { id: expect.any(String), limit: 2, expiresAt: new Date(minuteStart + 60_000) },
    ]);
    // Another key, another counter; the same key on another limiter instance, the same one.
    await limiter.charge(PER_APP, 'other-app', 'closed');
    await new RateLimiter(config.tokens, config.rateLimits, store, clock, events).charge(
      PER_APP,
      'app',
      'closed',
    );
    expect(store.calls[1][0].id).not.toBe(store.calls[0][0].id);
    expect(store.calls[2][0].id).toBe(store.calls[0][0].id);

    store.answer = false;
    await expect(limiter.charge(PER_APP, 'app', 'closed')).rejects.toBeInstanceOf(TooManyRequests);
  });

  it('names a counter the same on every request and on every instance (ids are reused)', async () => {
    const other = new RateLimitGuard(
      new RateLimiter(config.tokens, config.rateLimits, store, clock, events),
    );
    for (let i = 0; i < 3; i++) await guard.canActivate(contextFor('closed'));
    await other.canActivate(contextFor('closed'));
    const ids = store.calls.map((counters) => counters.map((counter) => counter.id).join(' '));
    expect(new Set(ids).size).toBe(1);
  });

  it('counts the next window afresh', async () => {
    await guard.canActivate(contextFor('closed'));
    clock.at = minuteStart + 60_000;
    await guard.canActivate(contextFor('closed'));
    expect(store.calls[0][0].id).not.toBe(store.calls[1][0].id);
  });

  it('names each window as a fresh instance does, after the cached id of the last one', async () => {
    const fresh = () => new RateLimiter(config.tokens, config.rateLimits, store, clock, events);
    await limiter.charge(PER_APP, 'app', 'closed');
    clock.at = minuteStart + 60_000;
    await limiter.charge(PER_APP, 'app', 'closed');
    await fresh().charge(PER_APP, 'app', 'closed');
    clock.at = minuteStart + 15_250;
    await limiter.charge(PER_APP, 'app', 'closed');
    const ids = store.calls.map(([counter]) => counter.id);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[1]).not.toBe(ids[0]);
    // Back in the first window (a clock set back): the first window's counter again.
    expect(ids[3]).toBe(ids[0]);
  });

  it('keeps rules apart under one key, and a key cannot spell another rule and key', async () => {
    const other: RateLimitRule = { ...PER_APP, name: 'app","x' };
    await limiter.charge(PER_APP, 'y', 'closed');
    await limiter.charge(other, 'y', 'closed');
    await limiter.charge(PER_APP, 'x","y', 'closed');
    const ids = store.calls.map(([counter]) => counter.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('fails closed with 503 where the route says closed', async () => {
    store.answer = new Error('server selection timed out');
    const refusal = guard.canActivate(contextFor('closed'));
    await expect(refusal).rejects.toBeInstanceOf(TemporarilyUnavailable);
    await refusal.catch((error: TemporarilyUnavailable) => {
      expect(error.headers['Retry-After']).toBe('5');
    });
    await expect(limiter.charge(PER_APP, 'app', 'closed')).rejects.toBeInstanceOf(
      TemporarilyUnavailable,
    );
  });

  it('fails open where the route says open, and skips the store for a while after', async () => {
    store.answer = new Error('server selection timed out');
    await expect(guard.canActivate(contextFor('open'))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('open'))).resolves.toBe(true);
    expect(store.calls).toHaveLength(1);
  });
});
