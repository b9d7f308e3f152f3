import type { ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { TemporarilyUnavailable, TooManyRequests } from '../errors/protocol-error';
import { RateLimit, RateLimitGroup, StoreDownPolicy } from './rate-limit';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore, WindowCounter } from './rate-limit.store';

class FixedClock extends Clock {
  constructor(public at: number) {
    super();
  }
  now(): Date {
    return new Date(this.at);
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

function contextFor(group: RateLimitGroup, policy: StoreDownPolicy): ExecutionContext {
  class Controller {
    handle(): void {}
  }
  RateLimit(group, policy)(Controller);
  const request = { ip: '203.0.113.7', headers: {}, body: { client_id: 'app' } };
  return {
    getHandler: () => Controller.prototype.handle,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('RateLimitGuard', () => {
  const config = AppConfig.fromEnv({ MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' });
  const minuteStart = Date.UTC(2026, 0, 1, 12, 0);
  let store: FakeStore;
  let clock: FixedClock;
  let guard: RateLimitGuard;

  beforeEach(() => {
    store = new FakeStore();
    clock = new FixedClock(minuteStart + 15_250);
    guard = new RateLimitGuard(config, store, clock);
  });

  it('sends every limit of the group in one call, expiring at the end of the fixed window', async () => {
    await expect(guard.canActivate(contextFor('token', 'closed'))).resolves.toBe(true);

    expect(store.calls).toHaveLength(1);
    const [ip, client] = store.calls[0];
    expect([ip.limit, client.limit]).toEqual([300, 600]);
    expect(ip.expiresAt.getTime()).toBe(minuteStart + 60_000);
    expect(ip.id).not.toBe(client.id);
    expect(JSON.stringify(store.calls)).not.toMatch(/203\.0\.113|app/);
  });

  it('refuses past the limit with the seconds left in the window as Retry-After', async () => {
    store.answer = false;
    const refusal = guard.canActivate(contextFor('login', 'closed'));
    await expect(refusal).rejects.toBeInstanceOf(TooManyRequests);
    // 15.25 s into the window: 44.75 s remain, rounded up.
    await refusal.catch((error: TooManyRequests) => {
      expect(error.headers['Retry-After']).toBe('45');
    });
  });

  it('names a counter the same on every request and on every instance (ids are reused)', async () => {
    const other = new RateLimitGuard(config, store, clock);
    for (let i = 0; i < 3; i++) await guard.canActivate(contextFor('token', 'closed'));
    await other.canActivate(contextFor('token', 'closed'));
    const ids = store.calls.map((counters) => counters.map((counter) => counter.id).join(' '));
    expect(new Set(ids).size).toBe(1);
  });

  it('counts the next window afresh', async () => {
    await guard.canActivate(contextFor('login', 'closed'));
    clock.at = minuteStart + 60_000;
    await guard.canActivate(contextFor('login', 'closed'));
    expect(store.calls[0][0].id).not.toBe(store.calls[1][0].id);
  });

  it('fails closed with 503 where the route says closed', async () => {
    store.answer = new Error('server selection timed out');
    const refusal = guard.canActivate(contextFor('token', 'closed'));
    await expect(refusal).rejects.toBeInstanceOf(TemporarilyUnavailable);
    await refusal.catch((error: TemporarilyUnavailable) => {
      expect(error.headers['Retry-After']).toBe('5');
    });
  });

  it('fails open where the route says open, and skips the store for a while after', async () => {
    store.answer = new Error('server selection timed out');
    await expect(guard.canActivate(contextFor('metadata', 'open'))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('metadata', 'open'))).resolves.toBe(true);
    expect(store.calls).toHaveLength(1);
  });
});
