/**
 * WORKERS: one instance as several processes on one port (node:cluster), run from the build as
 * users run it. The workers share the requests; /metrics answers for the instance (every
 * worker's series summed); a worker that dies is replaced and the instance keeps answering;
 * SIGTERM drains every worker and the instance exits; a start that fails in a worker ends the
 * instance's start, said once.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
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

describe('WORKERS=2: one instance, two processes', () => {
  jest.setTimeout(180_000);
  beforeAll(async () => {
    DIST = await sharedBuild();
  }, 120_000);
  afterEach(() =>
    started.splice(0).forEach((child) => {
      if (child.exitCode !== null || child.pid === undefined) return;
      for (const pid of childrenOf(child.pid)) process.kill(pid, 'SIGKILL');
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
    // Once the primary has seen it go (a connection handed to the worker in the instant it died
    // is lost with it, as a connection to a killed instance is), the other worker answers alone
    // while the replacement starts.
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
});
