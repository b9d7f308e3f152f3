/**
 * Issue #19, finding 4: naming client metadata documents on hosts whose DNS never answers must
 * not deny anyone else. Document hosts are resolved with c-ares (`dns.Resolver`, its own
 * sockets) against CLIENT_METADATA_DNS_SERVERS, here a local DNS server (test/support) that
 * answers some names and never answers `*.blackhole.test`; the documents are served over http
 * from 127.0.0.1 (CLIENT_METADATA_ALLOW_PRIVATE, tests only). Before the fix the hosts were
 * resolved with getaddrinfo, on libuv's 4-thread pool, which a lookup that never ends keeps.
 *
 * What this shows: while 40 requests wait on the black hole and every thread of libuv's pool is
 * held (as sunk getaddrinfo calls would hold it), a document client is served at once and
 * /health/ready (a database ping) answers; first-time fetches are capped per client address
 * (429) and per host (503), and neither refusal nor a failing path poisons another client;
 * a failed host is remembered per host; only port 443 is fetched.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { TestDnsServer } from '../../support/dns-server';
import { pkcePair } from '../../support/oauth';
import { holdThreadpool } from '../../support/threadpool';
import { TestApp, createTestApp } from '../../support/test-app';
import { madeUpCodeGrant } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';

const CALLBACK = 'http://127.0.0.1:61234/callback';
/** One for the file: each of its apps writes here (the newest app's logger takes Nest's lines). */
const log = new CapturedLog();
const dns = new TestDnsServer(
  {
    'docs.test': ['127.0.0.1'],
    // A name the system resolver knows too (/etc/hosts): with getaddrinfo, as before the fix,
    // its lookup waits for a thread of libuv's pool like any other.
    localhost: ['127.0.0.1'],
    'docs2.test': ['127.0.0.1'],
    'public.test': ['127.0.0.1'],
    'v6only.test': ['::1'],
  },
  (name) => name.endsWith('.blackhole.test'),
);
beforeAll(() => dns.start());
afterAll(() => dns.stop());

/**
 * The clients' web server: `/clients/*` serves a good document whose client_id is the URL it
 * was fetched from, `/held/*` answers only when the test lets it (then 404).
 */
class DocumentHost {
  readonly hits = new Map<string, number>();
  readonly held: ServerResponse[] = [];
  private readonly server: Server = createServer((req, res) => this.serve(req, res));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  releaseHeld(): void {
    for (const res of this.held.splice(0)) res.writeHead(404).end();
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    if (path.startsWith('/held/')) {
      this.held.push(res);
      return;
    }
    if (!path.startsWith('/clients/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        client_id: `http://${req.headers.host}${path}`,
        client_name: 'Document Client',
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
      }),
    );
  }
}

/** Polls a condition of the test's own servers (not of the service's speed), failing after 15 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Not seen within 15 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const { challenge } = pkcePair();
const send = (pending: PromiseLike<Response>): Promise<Response> => Promise.resolve(pending);

/** A document client goes through /authorize to the login page; an unknown one gets the 400 page. */
function expectKnown(res: Response): void {
  expect(res.status).toBe(302);
  expect(res.headers.location).toMatch(/^\/login\?/);
}
function expectUnknown(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.text).toContain('Unknown client_id');
}

describe('client metadata documents: DNS that never answers denies no one (c-ares, caps)', () => {
  const docs = new DocumentHost();
  let t: TestApp;
  const url = (host: string, path: string) => `http://${host}:${docs.port}${path}`;
  /** GET /authorize for `clientId`, from `address` (X-Forwarded-For, trusted from loopback). */
  const authorize = (clientId: string, address: string) =>
    send(
      t.http().get('/authorize').set('X-Forwarded-For', address).query({
        client_id: clientId,
        redirect_uri: CALLBACK,
        response_type: 'code',
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
  const blackHoled = () =>
    new Set(dns.questions.map((q) => q.name).filter((name) => name.endsWith('.blackhole.test')))
      .size;

  beforeAll(async () => {
    await docs.start();
    t = await createTestApp(
      {
        CLIENT_METADATA_ALLOW_PRIVATE: 'true',
        CLIENT_METADATA_DNS_SERVERS: dns.server,
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: 'warn',
      },
      [[LogDestination, log]],
    );
  });
  afterAll(async () => {
    await t.close();
    await docs.stop();
  });

  it("serves a document client at once while 40 requests wait on a DNS server that never answers and libuv's pool is held", async () => {
    const pool = holdThreadpool();
    try {
      // 40 addresses, 40 host names: no cap stops them; every one waits on the black hole.
      const attacks = Array.from({ length: 40 }, (_, i) =>
        authorize(url(`h${i}.blackhole.test`, '/clients/a.json'), `198.51.100.${i + 1}`),
      );
      // Before the fix: 400 Unknown client_id after 5 s, the lookup never got a thread.
      expectKnown(await authorize(url('localhost', '/clients/local.json'), '203.0.113.8'));
      expect(docs.hits.get('/clients/local.json')).toBe(1);

      // With all 40 surely waiting on the black hole, another client is served at once too.
      await until(() => blackHoled() === 40, 'the DNS server asked for all 40 black-holed hosts');
      expectKnown(await authorize(url('docs.test', '/clients/app.json'), '203.0.113.9'));
      expect(docs.hits.get('/clients/app.json')).toBe(1);
      expect(dns.asked('docs.test')).toBeGreaterThan(0);
      // The database is not held up either.
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(200);
      // Nothing queued on libuv's pool has run: it was held the whole time.
      expect(pool.probeRan()).toBe(false);

      await pool.release();
      // The black-holed ones end as unknown clients once c-ares gives up (a few seconds).
      for (const res of await Promise.all(attacks)) expectUnknown(res);
    } finally {
      await pool.release();
    }
  }, 30_000);

  it('remembers a host whose DNS failed for every URL on it (not asked again)', async () => {
    const asked = dns.asked('h0.blackhole.test');
    expect(asked).toBeGreaterThan(0);
    expectUnknown(await authorize(url('h0.blackhole.test', '/clients/b.json'), '198.51.100.90'));
    expect(dns.asked('h0.blackhole.test')).toBe(asked);
  });

  it('caps first-time fetches per client address (429) and per host (503); neither refusal, nor a failing path, poisons another client', async () => {
    const attacker = '198.51.100.200';
    // Four fetches the document server holds: the attacker's address and docs.test are full.
    const held = [1, 2, 3, 4].map((i) => authorize(url('docs.test', `/held/${i}.json`), attacker));
    await until(() => docs.held.length === 4, 'the document server holds 4 fetches');

    const perAddress = await authorize(url('docs2.test', '/clients/p.json'), attacker);
    expect(perAddress.status).toBe(429);
    expect(perAddress.headers['retry-after']).toBe('5');
    expect(perAddress.body).toEqual({
      error: 'too_many_requests',
      error_description:
        'Too many client metadata documents are being fetched for this address; retry shortly',
    });
    // A resource is looked up as a client id too (it must never be one): the same cap holds.
    const viaResource = await send(
      t
        .http()
        .get('/authorize')
        .set('X-Forwarded-For', attacker)
        .query({
          client_id: 'demo-client',
          redirect_uri: 'http://localhost:25001/callback',
          response_type: 'code',
          state: 'xyz',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          resource: url('docs2.test', '/clients/resource.json'),
        }),
    );
    expect(viaResource.status).toBe(429);
    expect(docs.hits.get('/clients/resource.json')).toBeUndefined();
    // Another address is served, from another host.
    expectKnown(await authorize(url('docs2.test', '/clients/p.json'), '203.0.113.10'));

    const perHost = await authorize(url('docs.test', '/clients/victim.json'), '203.0.113.11');
    expect(perHost.status).toBe(503);
    expect(perHost.headers['retry-after']).toBe('5');
    expect(perHost.body).toEqual({
      error: 'temporarily_unavailable',
      error_description:
        "Too many client metadata documents are being fetched from this client_id's host; retry shortly",
    });
    expect(docs.hits.get('/clients/victim.json')).toBeUndefined();

    docs.releaseHeld();
    // The held paths failed (404): those URLs are unknown, the host's other documents are not.
    for (const res of await Promise.all(held)) expectUnknown(res);
    expectKnown(await authorize(url('docs.test', '/clients/victim.json'), '203.0.113.11'));
    expectKnown(await authorize(url('docs2.test', '/clients/p2.json'), attacker));
  });
});

describe('client metadata documents: resolved with the configured DNS server, port 443 only', () => {
  let t: TestApp;
  const token = (clientId: string) => send(madeUpCodeGrant(t, clientId, CALLBACK));
  const lastReason = () =>
    log
      .records()
      .map((record) => String(record.msg))
      .filter((msg) => msg.startsWith('Client metadata document'))
      .at(-1);

  beforeAll(async () => {
    t = await createTestApp({ CLIENT_METADATA_DNS_SERVERS: dns.server, LOG_LEVEL: 'warn' }, [
      [LogDestination, log],
    ]);
  });
  afterAll(() => t.close());

  it.each([
    ['public.test', 'loopback'],
    ['v6only.test', 'loopback'],
  ])(
    'asks the configured server for A and AAAA of %s, and still refuses its answer (%s)',
    async (host, kind) => {
      const res = await token(`https://${host}/client.json`);
      expectRefusal(res, 401, 'invalid_client', 'Client authentication failed');
      const types = dns.questions.filter((q) => q.name === host).map((q) => q.type);
      expect(types).toEqual(expect.arrayContaining(['A', 'AAAA']));
      expect(lastReason()).toBe(
        `Client metadata document from ${host} refused: the host resolves to a non-public address (${kind})`,
      );
    },
  );

  it('refuses any port but 443 before resolving: invalid_client', async () => {
    const before = dns.questions.length;
    const res = await token('https://docs.test:8443/client.json');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(lastReason()).toBe(
      'Client metadata document from docs.test:8443 refused: client_id names port 8443: documents are fetched from port 443 only',
    );
    expect(dns.questions.length).toBe(before);
  });
});
