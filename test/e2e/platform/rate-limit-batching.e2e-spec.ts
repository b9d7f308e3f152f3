import type { mongo } from 'mongoose';
import { MongoRateLimitStore } from '../../../src/platform/rate-limit/persistence/mongo-rate-limit.store';
import {
  RateLimitStore,
  type WindowCounter,
} from '../../../src/platform/rate-limit/rate-limit.store';
import { TestApp, createTestApp } from '../../support/test-app';

/** The app's store, which is the MongoDB one under the default RATE_LIMIT_STORE. */
function mongoStore(t: TestApp): MongoRateLimitStore {
  const store = t.app.get(RateLimitStore);
  if (!(store instanceof MongoRateLimitStore)) throw new Error('not the MongoDB store');
  return store;
}

/**
 * The MongoDB limiter counts requests that arrive together in one command per batch (group
 * commit) and leases counts ahead of a counter's next requests. Neither may loosen a limit: however
 * requests are spread over instances, batches and leases, no more than `limit` of them get through
 * in a window, and exactly `limit` once every instance has used what it leased.
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
    storeA = mongoStore(a);
    storeB = mongoStore(b);
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
    // Every request counted against the IP, refused ones included: 60 of 1000. Each instance
    // leased counts of the IP's counter beside its batch: the 940 left are A's and B's to use.
    const leftA = await Promise.all(Array.from({ length: 950 }, () => storeA.hit([ip])));
    const leftB = await Promise.all(Array.from({ length: 20 }, () => storeB.hit([ip])));
    expect(allowedCount(leftA) + allowedCount(leftB)).toBe(940);
  });

  it('lets a steady caller use a lease: one write per 16 requests against a limit of 600', async () => {
    const client = counter(600);
    for (let i = 0; i < 32; i++) await expect(storeA.hit([client])).resolves.toBe(true);
    expect(commands).toEqual(['update', 'update']);
  });

  it('lets exactly the limit through when two instances lease from one counter in waves', async () => {
    // A limit of 200: leases of 10. 40 waves of 5 requests on each instance, one wave at a time.
    const shared = counter(200);
    let allowed = 0;
    for (let wave = 0; wave < 40; wave++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? storeA : storeB).hit([shared])),
      );
      allowed += allowedCount(results);
    }
    expect(allowed).toBe(200);
    // Once full, each instance refuses without a write: far fewer writes than waves.
    expect(commands.length).toBeLessThan(40);
  });
});
