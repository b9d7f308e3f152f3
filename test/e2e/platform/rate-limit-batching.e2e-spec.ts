import type { mongo } from 'mongoose';
import { MongoRateLimitStore } from '../../../src/platform/rate-limit/persistence/mongo-rate-limit.store';
import type { WindowCounter } from '../../../src/platform/rate-limit/rate-limit.store';
import { TestApp, createTestApp } from '../../support/test-app';

/**
 * The MongoDB limiter counts requests that arrive together in one command per batch (group
 * commit). Batching must never loosen a limit: however requests are spread over instances and
 * batches, exactly `limit` of them get through in a window.
 */
describe('MongoDB rate-limit store: batches of concurrent requests', () => {
  let a: TestApp;
  let b: TestApp;
  let storeA: MongoRateLimitStore;
  let storeB: MongoRateLimitStore;
  let commands: string[];

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
    storeA = a.app.get(MongoRateLimitStore);
    storeB = b.app.get(MongoRateLimitStore);
    commands = [];
    for (const t of [a, b]) {
      t.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
        if (event.command[event.commandName] === 'rate_limit_counters') {
          commands.push(event.commandName);
        }
      });
    }
  });
  afterAll(async () => {
    await b.close({ dropDatabase: false });
    await a.close();
  });
  beforeEach(() => {
    commands = [];
  });

  let serial = 0;
  /** A counter of its own for each test. */
  function counter(limit: number): WindowCounter {
    serial += 1;
    return {
      id: `test-${serial}-${Date.now()}`,
      limit,
      expiresAt: new Date(Date.now() + 60_000),
    };
  }
  const allowedCount = (results: boolean[]) => results.filter(Boolean).length;

  it('lets exactly the limit through when 300 requests race on two instances', async () => {
    const shared = counter(100);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? storeA : storeB).hit([shared])),
    );
    expect(allowedCount(results)).toBe(100);
    // Batched: far fewer commands than requests (one per batch, plus the refusals' own).
    expect(commands.length).toBeLessThan(100);
  });

  it('counts a lone request in one command', async () => {
    await expect(storeA.hit([counter(5)])).resolves.toBe(true);
    expect(commands).toEqual(['update']);
  });

  it('lets through the requests that still fit when a batch does not fit whole', async () => {
    const shared = counter(10);
    // 7 now, then 8 together: 3 of those fit, 5 are refused.
    const first = await Promise.all(Array.from({ length: 7 }, () => storeA.hit([shared])));
    expect(allowedCount(first)).toBe(7);
    const second = await Promise.all(Array.from({ length: 8 }, () => storeA.hit([shared])));
    expect(allowedCount(second)).toBe(3);
    await expect(storeB.hit([shared])).resolves.toBe(false);
  });

  it('counts a batch larger than the limit on a fresh counter exactly', async () => {
    const shared = counter(4);
    const results = await Promise.all(Array.from({ length: 12 }, () => storeB.hit([shared])));
    expect(allowedCount(results)).toBe(4);
  });

  it('refuses a request when any of its counters is full, each counter its own limit', async () => {
    // Per IP (shared, roomy) and per account (one each, limit 2): three requests per account.
    const ip = counter(1000);
    const accounts = Array.from({ length: 20 }, () => counter(2));
    const requests = accounts.flatMap((account) => [account, account, account]);
    const results = await Promise.all(
      requests.map((account, i) => (i % 2 === 0 ? storeA : storeB).hit([ip, account])),
    );
    accounts.forEach((account) => {
      const own = results.filter((_, i) => requests[i] === account);
      expect(allowedCount(own)).toBe(2);
    });
    // Every request counted against the IP, refused ones included: 60 of 1000.
    const left = await Promise.all(Array.from({ length: 950 }, () => storeA.hit([ip])));
    expect(allowedCount(left)).toBe(940);
  });
});
