/**
 * WORKERS: one instance as several processes on one port (node:cluster), run from the build as
 * users run it. The workers share the requests; /metrics answers for the instance (every
 * worker's series summed); a worker that dies is replaced and the instance keeps answering;
 * SIGTERM drains every worker and the instance exits; a start that fails in a worker ends the
 * instance's start, said once; a code exchange costs each worker the database commands it costs
 * one process (the round-trip budget of test/e2e/oauth/round-trips.e2e-spec.ts).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { Browser } from '../../../bench/lib/browser';
import { DEMO_CLIENT, codeExchangeRequest } from '../../../bench/lib/pkce';
import { login, mintCodes } from '../../../bench/lib/proofgate';
import { roundTripsBetween } from '../../../bench/lib/wire-counter';
import { CountingProxy } from '../../../bench/lib/wire-proxy';
import { processGone } from '../../../tools/fleet/processes';
import { socketOwner } from '../../../tools/fleet/socket-owner';
import { type BuiltService, sharedBuild, startBuiltService } from '../../support/build';
import { sample } from '../../support/metrics';
import { exitOf, waitFor } from '../../support/processes';

let DIST = '';
const started: ChildProcess[] = [];

/** The pids of `parent`'s child processes (its workers). */
function childrenOf(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    // ps exits 1 when there is none.
    return [];
  }
}

/** SIGKILL, unless the process ended since `ps` listed it (a worker the test killed, say). */
function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** One request on a connection of its own (no keep-alive): the cluster hands each to a worker. */
function fresh(
  port: number,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: body
          ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${path} in 10 s`)));
    req.end(body);
  });
}

async function startWorkers(env: Record<string, string> = {}): Promise<BuiltService> {
  const instance = await startBuiltService(DIST, { WORKERS: '2', ...env }, (child) =>
    started.push(child),
  );
  // Ready once both listen (the banner is the first worker's).
  await waitFor(
    () => Promise.resolve(instance.output()),
    (text) => text.includes('2 workers listening'),
    60_000,
  );
  return instance;
}

const UNSUPPORTED = 'grant_type=urn%3Aexample%3Anone&client_id=demo-client';

/** One request on `agent`'s connection, and which of `workers` holds the server's end of it. */
function requestAt(
  port: number,
  agent: Agent,
  workers: readonly number[],
  spec: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; worker?: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
      },
      (res) => {
        const clientPort = res.socket.localPort!;
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, worker: socketOwner(port, clientPort, workers) }),
        );
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

/**
 * A kept-alive connection (an agent of one socket) held by each of `workers`: the workers accept
 * connections themselves, so connections opened together are spread over them.
 */
async function connectionPerWorker(
  port: number,
  workers: readonly number[],
): Promise<Map<number, Agent>> {
  const held = new Map<number, Agent>();
  for (let round = 0; round < 20 && held.size < workers.length; round++) {
    const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const owners = await Promise.all(
      agents.map((agent) =>
        requestAt(port, agent, workers, { method: 'GET', path: '/health/live' }),
      ),
    );
    owners.forEach(({ worker }, i) => {
      if (worker !== undefined && !held.has(worker)) held.set(worker, agents[i]);
      else agents[i].destroy();
    });
  }
  return held;
}

describe('WORKERS=2: one instance, two processes', () => {
  jest.setTimeout(180_000);
  beforeAll(async () => {
    DIST = await sharedBuild();
  }, 120_000);
  afterEach(() =>
    started.splice(0).forEach((child) => {
      if (child.exitCode !== null || child.pid === undefined) return;
      for (const pid of childrenOf(child.pid)) killIfAlive(pid);
      child.kill('SIGKILL');
    }),
  );

  it('serves from two workers, and /metrics counts the requests of both', async () => {
    const { child, port, output } = await startWorkers();
    expect(childrenOf(child.pid!)).toHaveLength(2);
    // One banner for the instance.
    expect(output().split('Proofgate is ready').length - 1).toBe(1);

    for (let i = 0; i < 20; i++) {
      expect((await fresh(port, 'POST', '/token', UNSUPPORTED)).status).toBeGreaterThanOrEqual(400);
    }
    // Whichever worker answers the scrape, it is the instance's count: both workers' parts.
    for (let i = 0; i < 2; i++) {
      const metrics = await fresh(port, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(sample(metrics.text, 'proofgate_token_requests_total')).toBe(20);
      // A gauge read alike by each worker is the instance's one figure, not their sum.
      expect(sample(metrics.text, 'proofgate_database_up')).toBe(1);
    }
  });

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const { child, port, output } = await startWorkers();
    const [victim, survivor] = childrenOf(child.pid!);
    process.kill(victim, 'SIGKILL');
    // Once the primary has seen it go, the other worker answers alone while the replacement
    // starts (what arrives before it has seen it: the next test).
    await waitFor(
      () => Promise.resolve(output()),
      (text) => text.includes(`(pid ${victim}) exited (signal SIGKILL); starting another`),
      10_000,
    );
    expect(output()).toMatch(
      new RegExp(`Worker \\d+ \\(pid ${victim}\\) exited \\(signal SIGKILL\\); starting another`),
    );
    expect((await fresh(port, 'GET', '/health/live')).status).toBe(200);
    const replaced = await waitFor(
      () => Promise.resolve(childrenOf(child.pid!)),
      (pids) => pids.length === 2 && !pids.includes(victim),
      60_000,
    );
    expect(replaced).toContain(survivor);
    await waitFor(
      () => Promise.resolve(output()),
      (text) => /Worker \d+ \(pid \d+\) listening/.test(text),
      60_000,
    );
    expect(output()).toMatch(/Worker \d+ \(pid \d+\) listening/);
    for (let i = 0; i < 6; i++) expect((await fresh(port, 'GET', '/health/live')).status).toBe(200);
  });

  it('answers the connections that arrive as a worker dies: none left open unanswered', async () => {
    const { child, port } = await startWorkers();
    const [victim] = childrenOf(child.pid!);
    process.kill(victim, 'SIGKILL');
    while (!processGone(victim)) await new Promise((resolve) => setTimeout(resolve, 5));
    // At once, before the primary has seen the worker go: under Node's default scheduling (the
    // primary handing out connections) one of these went to the dead worker and was never
    // answered nor closed (src/platform/cluster/primary.ts).
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        fresh(port, 'GET', '/health/live').then(
          (res) => String(res.status),
          (error: Error) => error.message,
        ),
      ),
    );
    expect(answers).toEqual(['200', '200', '200', '200']);
  });

  it('drains every worker on SIGTERM, then the instance exits 0', async () => {
    const { child, port, output } = await startWorkers({ SHUTDOWN_GRACE_SECONDS: '20' });
    const workers = childrenOf(child.pid!);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(output().split('SIGTERM: draining connections').length - 1).toBe(2);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    await expect(fresh(port, 'GET', '/health/live')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('ends the start when a worker cannot start, and says why once', async () => {
    const failure = await startBuiltService(
      DIST,
      {
        WORKERS: '2',
        // Checked by the modules, in the worker: a grant type no client may have.
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: 'bad',
            redirect_uris: ['https://app.example/cb'],
            grant_types: ['password'],
          },
        ]),
      },
      (child) => started.push(child),
    ).then(
      () => '',
      (error: Error) => error.message,
    );
    const primary = started[started.length - 1];
    expect(await exitOf(primary)).toBe(1);
    // The first worker said why; the second was never started.
    expect(failure.split('Invalid configuration: OAUTH_CLIENTS[0].grant_types').length - 1).toBe(1);
    expect(failure).toMatch(/Worker 1 \(pid \d+\) exited \(code 1\) before the instance started/);
  });

  it('sends, from either worker, the database commands a code exchange sends from one process', async () => {
    // Every command of the instance goes through a counting proxy to the test database.
    const database = /^mongodb:\/\/([^:/]+):(\d+)(\/[^?]*)/.exec(process.env.MONGODB_URI ?? '');
    if (!database) throw new Error(`not a mongodb://host:port URI: ${process.env.MONGODB_URI}`);
    const proxy = new CountingProxy(Number(database[2]), database[1]);
    const proxyPort = await proxy.listen();
    try {
      const { child, port } = await startWorkers({
        MONGODB_URI: `mongodb://127.0.0.1:${proxyPort}${database[3]}`,
        SEED_DEMO_DATA: 'true',
        // As the round-trips spec counts: each limited request writes its counters (no lease),
        // the client's record stays cached, and what runs off the request path waits a minute.
        RATE_LIMIT_LEASE: '1',
        CLIENT_CACHE_TTL_SECONDS: '300',
        FIGURES_FLUSH_MS: '600000',
        BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '60000',
        MAIL_POLL_INTERVAL_MS: '60000',
        CIBA_NOTIFICATION_POLL_INTERVAL_MS: '60000',
        SSF_POLL_INTERVAL_MS: '60000',
      });
      const workers = childrenOf(child.pid!);
      const browser = new Browser(`http://127.0.0.1:${port}`);
      await login(browser);
      const codes = await mintCodes(browser, 8);
      await browser.close();
      const connections = await connectionPerWorker(port, workers);
      expect([...connections.keys()].sort()).toEqual([...workers].sort());

      const counted = new Map<number, string[][]>();
      for (const [worker, agent] of connections) {
        // The first exchange of each worker warms it (the client's record, the signing key).
        const exchange = () =>
          requestAt(port, agent, workers, codeExchangeRequest(DEMO_CLIENT, codes.shift()!));
        expect(await exchange()).toEqual({ status: 200, worker });
        for (let i = 0; i < 3; i++) {
          const before = proxy.counter.snapshot();
          const answer = await exchange();
          // The grant's write is acknowledged before the answer; a moment for nothing else to arrive.
          await new Promise((resolve) => setTimeout(resolve, 100));
          const trips = roundTripsBetween(before, proxy.counter.snapshot());
          expect(answer).toEqual({ status: 200, worker });
          // The watchdog's heartbeat (`ping`, every 2 s) is no part of the request.
          const sent = Object.entries(trips.byCommand)
            .filter(([command]) => command !== 'ping')
            .flatMap(([command, n]) => Array.from({ length: n }, () => command))
            .sort();
          counted.set(worker, [...(counted.get(worker) ?? []), sent]);
        }
        agent.destroy();
      }
      // Each exchange, in either worker, sent what it sends from one process: at most 6 commands,
      // among them the one atomic redeem and the two limiter counts.
      expect([...counted.keys()].sort()).toEqual([...workers].sort());
      for (const sent of [...counted.values()].flat()) {
        expect(sent.length <= 6 ? 'at most 6' : sent).toBe('at most 6');
        expect(sent.filter((c) => c === 'findAndModify challenges')).toHaveLength(1);
        expect(sent.filter((c) => c.includes('rate_limit_counters'))).toHaveLength(2);
      }
    } finally {
      await proxy.close();
    }
  });
});
