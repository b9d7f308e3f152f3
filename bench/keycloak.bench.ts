/**
 * `npm run bench:keycloak`: Proofgate's code exchange against Keycloak's on the same machine
 * (issue #82). Keycloak comes from Maven Central and runs in production mode (bench/lib/keycloak.ts);
 * Proofgate from its build, in production mode on the embedded database, with WORKERS set (each
 * `--workers` value an instance of its own, all running). The same request on both: the
 * authorization code + PKCE exchange with client_secret_basic and no scope (an access and a
 * refresh token each), `--requests` per round at `--connections` concurrent, from the separate
 * load-generator process. Every configuration runs in every round, in an order that turns each
 * round; the first `--warmup` rounds warm Keycloak's JIT (and Proofgate's) and are not counted.
 * Codes are minted through each server's login and authorization endpoint before each round, off
 * the clock.
 *
 * Reported per server: exchanges per second, CPU per exchange (every process of the instance),
 * p50 and p99, and the peak RSS (every process of the instance: the sum of each one's peak), with
 * the medians of the rounds and the ratios. Writes its section of docs/BENCHMARKS.md only with
 * `--write`.
 *
 * Options: `npm run bench:keycloak -- --help`.
 */
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { startMongoServer } from '../tools/mongo-server/launch';
import { Browser } from './lib/browser';
import { readCommandLine, readOptions } from './lib/command-line';
import * as keycloak from './lib/keycloak';
import { LoadGenerator } from './lib/load-generator';
import {
  describeMachine,
  loadAverage,
  mongoJavaServerVersion,
  processTree,
  readMemory,
  sourceDescription,
  treeMemory,
  type ServerProcess,
} from './lib/processes';
import * as proofgate from './lib/proofgate';
import type { MintedCode } from './lib/pkce';
import type { RequestSpec } from './loadgen/protocol';
import { writeReportSection } from './lib/report-section';
import { Cleanups, runScript } from './lib/script';
import { median } from './lib/stats';
import { cpuTimeUs } from './profile/cpu-time';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist-bench');
const USAGE = `npm run bench:keycloak -- [options]
Proofgate's code exchange against Keycloak's on this machine, each in production mode.

  --rounds N          counted rounds (default 6)
  --warmup N          warm-up rounds, not counted (default 3)
  --requests N        code exchanges per configuration and round (default 2000)
  --connections N     concurrent connections of the load generator (default 50)
  --workers LIST      Proofgate's WORKERS values, comma-separated, each an instance (default 1,2)
  --keycloak VERSION  Keycloak's version on Maven Central (default 26.4.7)
  --skip-build        reuse the service build in dist-bench/
  --write             write the section of docs/BENCHMARKS.md
  --help              this text`;

const argv = process.argv.slice(2);
const options = {
  rounds: 6,
  warmup: 3,
  requests: 2000,
  connections: 50,
  workers: [1, 2],
  keycloakVersion: '26.4.7',
  skipBuild: false,
  write: false,
};
readCommandLine(USAGE, (words) =>
  readOptions(words, {
    '--rounds': (value) => (options.rounds = value.integer(1, 100)),
    '--warmup': (value) => (options.warmup = value.integer(0, 100)),
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--connections': (value) => (options.connections = value.integer(1, 1_000)),
    '--workers': (value) => (options.workers = value.integers(1, 64)),
    '--keycloak': (value) => (options.keycloakVersion = value.version()),
    '--skip-build': () => (options.skipBuild = true),
    '--write': () => (options.write = true),
  }),
);
const ROUNDS = options.rounds;
const WARMUP = options.warmup;
const REQUESTS = options.requests;
const CONNECTIONS = options.connections;
const WORKERS = options.workers;
const KEYCLOAK_VERSION = options.keycloakVersion;
const SKIP_BUILD = options.skipBuild;
const WRITE = options.write;
const CODE_TTL_SECONDS = 600;

const T0 = performance.now();
function log(message: string): void {
  process.stderr.write(
    `[bench:keycloak +${((performance.now() - T0) / 1000).toFixed(1)}s] ${message}\n`,
  );
}

interface Side {
  readonly name: string;
  readonly origin: string;
  readonly warmPath: string;
  /** The processes whose CPU and memory are the server's. */
  readonly pids: () => number[];
  readonly mint: (n: number) => Promise<MintedCode[]>;
  readonly exchanges: (codes: readonly MintedCode[]) => RequestSpec[];
  readonly rounds: Round[];
  peakMiB?: number;
}

interface Round {
  readonly rps: number;
  readonly cpuMsPerExchange: number;
  readonly p50: number;
  readonly p99: number;
}

function cpuUs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      return sum + cpuTimeUs(pid);
    } catch {
      return sum;
    }
  }, 0);
}

async function measure(loadgen: LoadGenerator, side: Side, round: number): Promise<void> {
  const codes = await side.mint(REQUESTS);
  const pids = side.pids();
  let before = 0;
  const load = await loadgen.run(
    {
      origin: side.origin,
      connections: CONNECTIONS,
      requests: side.exchanges(codes),
      expectStatus: 200,
      warmPath: side.warmPath,
    },
    () => (before = cpuUs(pids)),
  );
  const cpuMs = (cpuUs(pids) - before) / 1000;
  if (load.ok !== load.requests) {
    throw new Error(
      `${side.name}: ${load.requests - load.ok} of ${load.requests} exchanges failed ` +
        `${JSON.stringify(load.statuses)}\n${load.samples.join('\n')}`,
    );
  }
  const result: Round = {
    rps: load.rps,
    cpuMsPerExchange: cpuMs / load.requests,
    p50: load.latency.p50,
    p99: load.latency.p99,
  };
  const tag = round <= WARMUP ? `warm-up ${round}` : `round ${round - WARMUP}`;
  log(
    `${tag} ${side.name}: ${result.rps.toFixed(0)}/s, ${result.cpuMsPerExchange.toFixed(2)} ms CPU, ` +
      `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
  );
  if (round > WARMUP) side.rounds.push(result);
}

async function main(): Promise<void> {
  const cleanups = new Cleanups(log);
  const startedAt = new Date();
  const machine = describeMachine();
  try {
    const javaHome = keycloak.keycloakJavaHome();
    const home = await keycloak.keycloakHome(
      join(ROOT, '.cache', 'keycloak'),
      KEYCLOAK_VERSION,
      javaHome,
      log,
    );
    if (!(SKIP_BUILD && existsSync(join(DIST, 'main.js')))) {
      log('building the service into dist-bench/');
      proofgate.buildService(ROOT, DIST);
    }
    const database = await startMongoServer({ optimisingCompiler: true });
    cleanups.push(() => database.stop());
    const loadgen = await LoadGenerator.start(ROOT);
    cleanups.push(() => loadgen.stop());

    const kc = await keycloak.startKeycloak(home, javaHome);
    cleanups.push(() => kc.server.stop());
    await keycloak.setUpRealm(kc.origin, CODE_TTL_SECONDS);
    const kcBrowser = new Browser(kc.origin);
    cleanups.push(() => kcBrowser.close());
    await keycloak.login(kcBrowser);
    log(`keycloak ${KEYCLOAK_VERSION} on ${kc.origin} (JVM pid ${kc.javaPid}, ${javaHome})`);
    const kcSide: Side = {
      name: `Keycloak ${KEYCLOAK_VERSION}`,
      origin: kc.origin,
      warmPath: keycloak.WARM_PATH,
      pids: () => [kc.javaPid],
      mint: (n) => keycloak.mintCodes(kcBrowser, n),
      exchanges: keycloak.exchangeRequests,
      rounds: [],
    };

    // Every Proofgate configuration runs beside Keycloak in the same rounds, in an order that
    // turns each round, so that each is compared with Keycloak as warm as it is then.
    const pgs: { workers: number; side: Side; server: ServerProcess }[] = [];
    for (const workers of WORKERS) {
      const service = await proofgate.startService({
        distDir: DIST,
        mongoUri: `${database.uri}/proofgate_keycloak_bench_${workers}`,
        codeTtlSeconds: CODE_TTL_SECONDS,
        env: { WORKERS: String(workers) },
      });
      const server: ServerProcess = service.server;
      cleanups.push(() => server.stop());
      const pgBrowser = new Browser(service.origin);
      cleanups.push(() => pgBrowser.close());
      await proofgate.login(pgBrowser);
      const side: Side = {
        name: `Proofgate, WORKERS=${workers}`,
        origin: service.origin,
        warmPath: '/.well-known/oauth-authorization-server',
        pids: () => processTree(server.pid),
        mint: (n) => proofgate.mintCodes(pgBrowser, n),
        exchanges: proofgate.exchangeRequests,
        rounds: [],
      };
      pgs.push({ workers, side, server });
      log(`proofgate on ${service.origin} (pids ${side.pids().join(', ')})`);
    }
    const sides = [...pgs.map((pg) => pg.side), kcSide];
    for (let round = 1; round <= WARMUP + ROUNDS; round++) {
      const turn = round % sides.length;
      for (const side of [...sides.slice(turn), ...sides.slice(0, turn)]) {
        await measure(loadgen, side, round);
      }
    }
    const kcPeakMiB = readMemory(kc.javaPid)?.peakMiB ?? Number.NaN;
    const comparisons = pgs.map(({ workers, side, server }) => ({
      workers,
      pg: { ...side, peakMiB: treeMemory(server.pid)?.peakMiB },
      kc: kcSide.rounds,
      kcPeakMiB,
    }));

    const section = render(comparisons, {
      startedAt,
      javaHome,
      machine,
      load: loadAverage(),
      source: sourceDescription(ROOT),
      mongo: mongoJavaServerVersion(ROOT),
    });
    if (WRITE) {
      writeReportSection(join(ROOT, 'docs', 'BENCHMARKS.md'), 'keycloak', section);
      log('wrote its section of docs/BENCHMARKS.md');
    } else {
      process.stdout.write(`${section}\n`);
    }
  } finally {
    await cleanups.run();
  }
}

/** The machine's memory, as `free` counts it (GiB). */
function totalMemory(): string {
  return `${Math.round(totalmem() / 2 ** 30)} GiB`;
}

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function render(
  comparisons: readonly { workers: number; pg: Side; kc: Round[]; kcPeakMiB: number }[],
  run: {
    startedAt: Date;
    javaHome: string;
    machine: ReturnType<typeof describeMachine>;
    load: string;
    source: string;
    mongo: string;
  },
): string {
  const lines = [
    '<!-- bench:keycloak -->',
    '## Against Keycloak: the code exchange (`npm run bench:keycloak`)',
    '',
    `Run ${run.startedAt.toISOString().slice(0, 10)} on ${run.machine.cpus} CPUs (\`nproc\`, ` +
      `${run.machine.cpuModel}, ${totalMemory()}), Node ${run.machine.node}; load average ` +
      `${run.machine.loadAverage} before the run, ${run.load} after. ` +
      `Proofgate ${run.source} in production mode on mongo-java-server ${run.mongo}; Keycloak ` +
      `${KEYCLOAK_VERSION} from Maven Central in production mode (\`kc.sh build --db=dev-file\`, ` +
      `\`start --optimized --cache=local\`, kc.sh's JVM flags, ${run.javaHome}). The same exchange on ` +
      `both: authorization code + PKCE, client_secret_basic, no scope (an access and a refresh token), ` +
      `${REQUESTS} exchanges a round at ${CONNECTIONS} concurrent from a separate load-generator ` +
      `process, ${WARMUP} warm-up rounds then ${ROUNDS} counted, every configuration in every round, in an order that ` +
      'turns each round. ' +
      'CPU and peak RSS count every process of the instance (the primary and its workers).',
    '',
    `Command: \`npm run bench:keycloak -- ${argv.filter((a) => a !== '--write').join(' ')}\``.replace(
      ' -- `',
      '`',
    ),
    '',
    '| Proofgate | Round | Proofgate /s | Keycloak /s | Ratio | CPU ms/exchange (P / K) | p50 ms (P / K) | p99 ms (P / K) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const summary: string[] = [];
  for (const { workers, pg, kc, kcPeakMiB } of comparisons) {
    pg.rounds.forEach((p, i) => {
      const k = kc[i];
      lines.push(
        `| WORKERS=${workers} | ${i + 1} | ${f(p.rps)} | ${f(k.rps)} | ${f(p.rps / k.rps, 2)}× | ` +
          `${f(p.cpuMsPerExchange, 2)} / ${f(k.cpuMsPerExchange, 2)} | ${f(p.p50, 1)} / ${f(k.p50, 1)} | ` +
          `${f(p.p99, 1)} / ${f(k.p99, 1)} |`,
      );
    });
    const ratios = pg.rounds.map((p, i) => p.rps / kc[i].rps);
    summary.push(
      `- **WORKERS=${workers}**: median ${f(median(ratios), 2)}× Keycloak's rate ` +
        `(${f(median(pg.rounds.map((r) => r.rps)))} against ${f(median(kc.map((r) => r.rps)))} exchanges/s); ` +
        `CPU per exchange ${f(median(pg.rounds.map((r) => r.cpuMsPerExchange)), 2)} against ` +
        `${f(median(kc.map((r) => r.cpuMsPerExchange)), 2)} ms; peak RSS ${f(pg.peakMiB ?? Number.NaN)} ` +
        `against ${f(kcPeakMiB)} MiB (${f((pg.peakMiB ?? Number.NaN) / kcPeakMiB, 2)}×).`,
    );
  }
  return [...lines, '', ...summary, '<!-- /bench:keycloak -->'].join('\n');
}

runScript(main);
