/**
 * `npm run bench:cors`: what the CORS origin check costs with 0 and with 10,000 registered clients
 * (issue #19, finding 1). Proofgate is built from src/ (or, with `--rev <commit>`, from that
 * commit's src/) and started as in `npm run bench`; the clients are registered through
 * POST /register, each at the size an attacker would pick (10 redirect URIs of ~1,450 characters,
 * ten origins each); the load comes from the separate load-generator process.
 *
 * Measured at each size: a CORS preflight of /token and `GET /api/me` with an `Origin` header (a
 * valid token), under load; the first preflights after a registration (an unrelated origin, and
 * the new client's own), one at a time; RSS after each. Writes its section of
 * docs/BENCHMARKS.md only with `--write` (the file is tracked); otherwise prints it.
 *
 * Options: `--clients 10000`, `--samples 20` (registrations timed), `--requests 3000` (per
 * phase), `--connections 8`, `--rev <commit>`, `--label <text>`, `--write`; `npm run bench:cors --
 * --help` lists them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { startMongoServer } from '../tools/mongo-server/launch';
import type { RequestSpec } from './loadgen/protocol';
import { Browser } from './lib/browser';
import { LoadGenerator } from './lib/load-generator';
import {
  describeMachine,
  loadAverage,
  mongoJavaServerVersion,
  readMemory,
  sourceDescription,
} from './lib/processes';
import * as proofgate from './lib/proofgate';
import { registrationBody, registrationRequests } from './lib/registrations';
import { writeReportSection } from './lib/report-section';
import { Cleanups, runScript } from './lib/script';
import { readCommandLine, readOptions } from './lib/command-line';
import { median, summarize, type LatencySummary } from './lib/stats';

const ROOT = resolve(__dirname, '..');
const USAGE = `npm run bench:cors -- [options]
What the CORS origin check costs with 0 and with --clients registered clients (issue #19).

  --clients N        clients registered for the second size (default 10000)
  --samples N        registrations timed one at a time, each with its first preflights (default 20)
  --requests N       requests per phase under load (default 3000)
  --connections N    concurrent connections of the load generator (default 8)
  --rev COMMIT       build the service from that commit's src/ (default: this tree's)
  --label TEXT       the service's description in the report, for a copy outside git
                     (default: git's description of this tree)
  --write            write the section of docs/BENCHMARKS.md (default: print it)
  --help             this text`;

const argv = process.argv.slice(2);
const options: {
  clients: number;
  samples: number;
  requests: number;
  connections: number;
  rev?: string;
  label?: string;
  write: boolean;
} = { clients: 10000, samples: 20, requests: 3000, connections: 8, write: false };
readCommandLine(USAGE, (words) =>
  readOptions(words, {
    '--clients': (value) => (options.clients = value.integer(1, 1_000_000)),
    '--samples': (value) => (options.samples = value.integer(1, 10_000)),
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--connections': (value) => (options.connections = value.integer(1, 1_000)),
    '--rev': (value) => (options.rev = value.text('a commit')),
    '--label': (value) => (options.label = value.text('a description')),
    '--write': () => (options.write = true),
  }),
);
const CLIENTS = options.clients;
const SAMPLES = options.samples;
const REQUESTS = options.requests;
const CONNECTIONS = options.connections;
const REV = options.rev;
const WRITE = options.write;
/** Describes the service built, instead of git's description of this tree (a copy outside git). */
const LABEL = options.label;
/** Registrations sent per load-generator run (each body is ~15 KB). */
const REGISTER_CHUNK = 1000;
const SPA_ORIGIN = 'http://127.0.0.1:25002';
const SETTLE_SECONDS = 30;
const SECTION_START = '<!-- bench:cors -->';
const SECTION_END = '<!-- /bench:cors -->';

const T0 = performance.now();
function log(message: string): void {
  process.stderr.write(
    `[bench:cors +${((performance.now() - T0) / 1000).toFixed(1)}s] ${message}\n`,
  );
}

interface SizeResult {
  readonly clients: number;
  readonly preflight: LatencySummary;
  readonly me: LatencySummary;
  /** Milliseconds of the first preflight after each registration: an unrelated origin, its own. */
  readonly afterRegistration: { unrelated: number[]; own: number[] };
  readonly rssMiB: number;
  /** RSS after SETTLE_SECONDS without requests (V8 returns memory only after a while). */
  readonly settledMiB: number;
}

class CorsBench {
  private readonly cleanups = new Cleanups(log);
  private loadgen!: LoadGenerator;
  private origin!: string;
  private pool!: Pool;
  private serverPid = -1;
  private accessToken = '';
  private registered = 0;
  private source = '';

  async run(): Promise<void> {
    try {
      const machine = describeMachine();
      const date = new Date();
      const mongo = await startMongoServer({ ttlMonitorSeconds: 0, optimisingCompiler: true });
      this.cleanups.push(() => mongo.stop());
      const dist = this.build();
      const { server, origin } = await proofgate.startService({
        distDir: dist,
        mongoUri: `${mongo.uri}/proofgate_bench_cors`,
        codeTtlSeconds: 60,
        // Room for every client of the run (the previous version ignores it).
        env: { REGISTERED_CLIENTS_MAX: String(CLIENTS * 2 + 100) },
      });
      this.origin = origin;
      this.cleanups.push(() => server.stop());
      this.serverPid = server.pid;
      this.loadgen = await LoadGenerator.start(ROOT);
      this.cleanups.push(() => this.loadgen.stop());
      this.pool = new Pool(this.origin, { connections: 2, pipelining: 1 });
      this.cleanups.push(() => this.pool.close());
      this.accessToken = await this.token();

      const empty = await this.measure();
      log(`0 clients: preflight p50 ${empty.preflight.p50.toFixed(2)} ms`);
      await this.registerMany(CLIENTS);
      const full = await this.measure();
      log(`${CLIENTS} clients: preflight p50 ${full.preflight.p50.toFixed(2)} ms`);
      const section = this.report(empty, full, machine, date);
      process.stdout.write(`${section}\n`);
      if (WRITE) writeSection(section);
    } finally {
      await this.cleanups.run();
    }
  }

  /** Builds src/ (of `--rev`, from a git archive, when given) into a folder of its own. */
  private build(): string {
    const dist = join(ROOT, 'dist-bench-cors');
    if (!REV) {
      this.source = LABEL ?? sourceDescription(ROOT);
      log('building the service');
      proofgate.buildService(ROOT, dist);
      return dist;
    }
    const tree = mkdtempSync(join(tmpdir(), 'proofgate-cors-rev-'));
    this.cleanups.push(() => rmSync(tree, { recursive: true, force: true }));
    const archive = spawnSync(
      'sh',
      ['-c', `git archive ${REV} src tsconfig.json tsconfig.build.json | tar -x -C ${tree}`],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (archive.status !== 0) throw new Error(`git archive ${REV} failed`);
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    const commit = spawnSync('git', ['rev-parse', '--short', REV], { cwd: ROOT, encoding: 'utf8' });
    this.source = `src/ of commit ${commit.stdout.trim()} (\`--rev ${REV}\`)`;
    log(`building the service from ${REV}`);
    proofgate.buildService(tree, dist);
    return dist;
  }

  /** An access token for GET /api/me: the demo user's login and one code exchange of demo-client. */
  private async token(): Promise<string> {
    const browser = new Browser(this.origin);
    try {
      await proofgate.login(browser);
      const [exchange] = proofgate.exchangeRequests(await proofgate.mintCodes(browser, 1));
      const res = await this.pool.request({
        method: 'POST',
        path: exchange.path,
        headers: exchange.headers,
        body: exchange.body,
      });
      const body = (await res.body.json()) as { access_token?: string };
      if (res.statusCode !== 200 || !body.access_token) throw new Error(`token: ${res.statusCode}`);
      return body.access_token;
    } finally {
      await browser.close();
    }
  }

  private async registerMany(n: number): Promise<void> {
    const started = performance.now();
    for (let done = 0; done < n; done += REGISTER_CHUNK) {
      const requests = registrationRequests(this.registered, Math.min(REGISTER_CHUNK, n - done));
      this.registered += requests.length;
      const result = await this.loadgen.run(
        {
          origin: this.origin,
          connections: CONNECTIONS,
          requests,
          expectStatus: 201,
          warmPath: '/health/live',
        },
        () => undefined,
      );
      if (result.ok !== requests.length) {
        throw new Error(
          `registration: ${result.ok}/${requests.length} ok: ${result.samples.join('; ')}`,
        );
      }
    }
    log(`registered ${n} clients in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  private async phase(requests: RequestSpec[], expect: number): Promise<LatencySummary> {
    const result = await this.loadgen.run(
      {
        origin: this.origin,
        connections: CONNECTIONS,
        requests,
        expectStatus: expect,
        warmPath: '/health/live',
      },
      () => undefined,
    );
    if (result.ok !== requests.length) {
      throw new Error(
        `${requests[0].path}: ${result.ok}/${requests.length} ok: ${result.samples.join('; ')}`,
      );
    }
    return result.latency;
  }

  private async measure(): Promise<SizeResult> {
    const clients = this.registered;
    const preflightSpec: RequestSpec = {
      method: 'OPTIONS',
      path: '/token',
      headers: {
        origin: SPA_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    };
    const meSpec: RequestSpec = {
      method: 'GET',
      path: '/api/me',
      headers: { origin: SPA_ORIGIN, authorization: `Bearer ${this.accessToken}` },
    };
    // Warm-up, then the measured phases.
    await this.phase(
      Array.from({ length: 200 }, () => preflightSpec),
      204,
    );
    await this.phase(
      Array.from({ length: 200 }, () => meSpec),
      200,
    );
    const preflight = await this.phase(
      Array.from({ length: REQUESTS }, () => preflightSpec),
      204,
    );
    const me = await this.phase(
      Array.from({ length: REQUESTS }, () => meSpec),
      200,
    );

    const unrelated: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const n = this.registered++;
      await this.send('POST', '/register', 201, {
        headers: { 'content-type': 'application/json' },
        body: registrationBody(n),
      });
      unrelated.push(await this.timedPreflight(SPA_ORIGIN));
      own.push(await this.timedPreflight(`https://c${n}-0.bench.example`));
    }
    this.registered = clients; // the timed registrations are not counted as the size
    await sleep(1000);
    const rssMiB = readMemory(this.serverPid)?.rssMiB ?? Number.NaN;
    await sleep(SETTLE_SECONDS * 1000);
    const settledMiB = readMemory(this.serverPid)?.rssMiB ?? Number.NaN;
    return { clients, preflight, me, afterRegistration: { unrelated, own }, rssMiB, settledMiB };
  }

  private async timedPreflight(origin: string): Promise<number> {
    const started = performance.now();
    const res = await this.send('OPTIONS', '/token', 204, {
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    const elapsed = performance.now() - started;
    if (res !== origin) throw new Error(`preflight from ${origin} was not allowed`);
    return elapsed;
  }

  /** One request; answers its Access-Control-Allow-Origin. */
  private async send(
    method: 'POST' | 'OPTIONS',
    path: string,
    expect: number,
    options: { headers: Record<string, string>; body?: string },
  ): Promise<string | undefined> {
    const res = await this.pool.request({ method, path, ...options });
    const text = await res.body.text();
    if (res.statusCode !== expect) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    const allowed = res.headers['access-control-allow-origin'];
    return typeof allowed === 'string' ? allowed : undefined;
  }

  private report(
    empty: SizeResult,
    full: SizeResult,
    machine: ReturnType<typeof describeMachine>,
    date: Date,
  ): string {
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const verdict = (a: number, b: number) => (a / b <= 1.2 ? 'met' : 'not met');
    const rows: Array<[string, number, number]> = [
      ['Preflight of /token (p50, under load)', empty.preflight.p50, full.preflight.p50],
      ['Preflight of /token (p99, under load)', empty.preflight.p99, full.preflight.p99],
      ['`GET /api/me` with `Origin` (p50, under load)', empty.me.p50, full.me.p50],
      ['`GET /api/me` with `Origin` (p99, under load)', empty.me.p99, full.me.p99],
      [
        'First preflight after a registration, unrelated origin (median)',
        median(empty.afterRegistration.unrelated),
        median(full.afterRegistration.unrelated),
      ],
      [
        "First preflight after a registration, the new client's origin (median)",
        median(empty.afterRegistration.own),
        median(full.afterRegistration.own),
      ],
    ];
    const worst = (values: number[]) => summarize(values).max;
    return [
      SECTION_START,
      `## CORS origin check: 0 against ${full.clients.toLocaleString('en-US')} registered clients`,
      '',
      'Written by `npm run bench:cors -- --write` (`bench/cors.bench.ts`); run it again rather than editing this section.',
      '',
      `- Date: ${date.toISOString()} (the run took ${((performance.now() - T0) / 1000).toFixed(0)} s)`,
      `- Command: \`npm run bench:cors${argv.length ? ` -- ${argv.join(' ')}` : ''}\``,
      `- Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}; Node ${machine.node}; load average ${machine.loadAverage} before the run, ${loadAverage()} after (a machine shared with other work: figures are indicative)`,
      `- Service: ${this.source}, \`NODE_ENV=production\`, demo data seeded, rate limits raised; database mongo-java-server ${mongoJavaServerVersion(ROOT)}, in-memory backend`,
      `- Load: ${REQUESTS} requests per phase on ${CONNECTIONS} keep-alive connections from the load-generator process (after 200 of warm-up), \`Origin: ${SPA_ORIGIN}\` (demo-spa); then ${SAMPLES} registrations, each followed by one preflight from an unrelated origin and one from the new client's, one at a time`,
      `- Clients: registered through \`POST /register\`, 10 redirect URIs of ~1,450 characters each (ten origins per client, ~15 KB per document)`,
      '',
      `| | 0 clients | ${full.clients} clients | Ratio (target ≤ 1.2×) | |`,
      '|---|---|---|---|---|',
      ...rows.map(
        ([what, a, b]) => `| ${what} | ${ms(a)} | ${ms(b)} | ${ratio(b, a)} | ${verdict(b, a)} |`,
      ),
      `| Slowest first preflight after a registration (unrelated / own origin) | ${ms(worst(empty.afterRegistration.unrelated))} / ${ms(worst(empty.afterRegistration.own))} | ${ms(worst(full.afterRegistration.unrelated))} / ${ms(worst(full.afterRegistration.own))} | | |`,
      `| RSS of the service at the last answer | ${empty.rssMiB.toFixed(0)} MiB | ${full.rssMiB.toFixed(0)} MiB | ${ratio(full.rssMiB, empty.rssMiB)} | |`,
      `| RSS after ${SETTLE_SECONDS} s idle | ${empty.settledMiB.toFixed(0)} MiB | ${full.settledMiB.toFixed(0)} MiB | ${ratio(full.settledMiB, empty.settledMiB)} | |`,
      '',
      'Latencies are measured by the client (load generator, or this script one request at a time), HTTP on loopback. The p99 of a few thousand requests on a shared 2-core machine moves by several milliseconds from run to run; the p50 and the medians are the figures to compare.',
      SECTION_END,
    ].join('\n');
  }
}

/** Replaces this script's section of docs/BENCHMARKS.md, or appends it. */
function writeSection(section: string): void {
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  writeReportSection(path, 'cors', section);
  log(`wrote ${path}`);
}

runScript(() => new CorsBench().run());
