/**
 * REQUEST_TIMEOUT_SECONDS (src/platform/http/request-deadline.ts): no request waits for ever.
 *
 * First the cause, in the MongoDB driver itself: a command larger than the socket's buffer waits
 * for the socket's `drain` (`Connection.writeCommand`), and when the driver destroys that
 * connection itself (the client closed, as DatabaseWatchdog's reconnect does; `socketTimeoutMS`
 * firing), no `drain` and no `error` come: the command never settles. These two tests fail the
 * day the driver settles it; the deadline's comment should then be revisited. Then the service:
 * a request whose database command gets no answer is answered 503 after the deadline, in the one
 * envelope, and the instance serves again once the database answers.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { AppConfig } from '../../../src/config/app-config';
import { TestApp, createTestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

/** A TCP proxy to the test database whose way to the database can be held (nothing gets through). */
class HoldingProxy {
  private readonly pairs: { client: Socket; upstream: Socket }[] = [];
  private readonly server: Server;
  private held = false;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      upstream.pipe(client);
      if (!this.held) client.pipe(upstream);
      else client.pause();
      this.pairs.push({ client, upstream });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops reading from the service: its commands neither arrive nor are answered. */
  hold(): void {
    this.held = true;
    for (const { client } of this.pairs) {
      client.unpipe();
      client.pause();
    }
  }

  release(): void {
    this.held = false;
    for (const { client, upstream } of this.pairs) {
      client.pipe(upstream);
      client.resume();
    }
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function databaseAddress(): { host: string; port: number; uri: URL } {
  const uri = new URL(process.env.MONGODB_URI!);
  return { host: uri.hostname, port: Number(uri.port || 27017), uri };
}

type Outcome = 'resolved' | 'rejected' | 'pending';

async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  const settled = promise.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
  // Cleared once the race is settled: a pending timer would hold the jest worker open at its end.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  return Promise.race([settled, expired]).finally(() => clearTimeout(timer));
}

describe('the MongoDB driver leaves a command waiting for `drain` pending when it destroys the connection', () => {
  const proxies: HoldingProxy[] = [];
  const clients: MongoClient[] = [];
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    for (const client of clients) await client.close(true).catch(() => undefined);
  });

  /** An insert of 8 MiB, far above the socket's buffer, under way while nothing drains it. */
  async function stuckInsert(options: { socketTimeoutMS?: number } = {}) {
    const { host, port, uri } = databaseAddress();
    const proxy = new HoldingProxy({ host, port });
    proxies.push(proxy);
    const client = new MongoClient(`mongodb://127.0.0.1:${await proxy.listen()}${uri.pathname}`, {
      directConnection: true,
      maxPoolSize: 1,
      ...options,
    });
    clients.push(client);
    await client.db().command({ ping: 1 });
    proxy.hold();
    const insert = client
      .db()
      .collection('deadline_large_writes')
      .insertOne({ padding: 'x'.repeat(8 * 1024 * 1024) });
    insert.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { client, insert };
  }

  it('the client closed (DatabaseWatchdog’s reconnect): the insert never settles', async () => {
    const { client, insert } = await stuckInsert();
    void client.close(true).catch(() => undefined);
    expect(await outcomeWithin(insert, 3000)).toBe('pending');
  });

  it('socketTimeoutMS fires and destroys the socket: the insert still never settles', async () => {
    const { insert } = await stuckInsert({ socketTimeoutMS: 500 });
    expect(await outcomeWithin(insert, 3000)).toBe('pending');
  });
});

describe('REQUEST_TIMEOUT_SECONDS answers a request the database leaves unanswered', () => {
  let t: TestApp;
  let proxy: HoldingProxy;

  beforeAll(async () => {
    const { host, port, uri } = databaseAddress();
    proxy = new HoldingProxy({ host, port });
    const proxied = new URL(uri);
    proxied.host = `127.0.0.1:${await proxy.listen()}`;
    t = await createTestApp({ MONGODB_URI: proxied.toString(), REQUEST_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    proxy.release();
    await t.close();
    await proxy.close();
  });

  const nonce = () =>
    t
      .http()
      .post('/wallet/nonce')
      .send({ address: '0x' + '22'.repeat(20), chainId: 1 });

  it('503 temporarily_unavailable after the deadline, then 201 once the database answers', async () => {
    expect((await nonce()).status).toBe(201);

    proxy.hold();
    const started = performance.now();
    const held = await nonce();
    const waited = performance.now() - started;
    expectRefusal(
      held,
      503,
      'temporarily_unavailable',
      'The request took too long to complete; retry shortly',
    );
    expect(held.headers['retry-after']).toBe('1');
    expect(held.headers['cache-control']).toBe('no-store');
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5000);

    // The held commands reach the database now, and are answered to nobody; new ones are served.
    proxy.release();
    expect((await nonce()).status).toBe(201);
  });

  it('REQUEST_TIMEOUT_SECONDS: 30 s by default, 1 to 600, anything else stops the start', () => {
    const env = { MONGODB_URI: process.env.MONGODB_URI };
    expect(AppConfig.fromEnv(env).server.requestTimeoutSeconds).toBe(30);
    expect(() => AppConfig.fromEnv({ ...env, REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(
      /REQUEST_TIMEOUT_SECONDS/,
    );
  });
});
