/**
 * `npm run bench:platform`: how much of Proofgate's code exchange is its HTTP platform (issue
 * #36, which moved the service from Express to Fastify). Measures, in one run on one machine:
 *
 * - the framework floor on both platforms: NestJS answering a validated form POST (the body of a
 *   code exchange, parsed the way /token parses it) and nothing else, on Express (PLATFORM=express)
 *   and on Fastify (Proofgate's platform) (`bench/floor/nest-server.ts`), taking turns under
 *   the same closed-loop load; req/s and the CPU each process spent per request;
 * - Proofgate's code exchange (on Fastify) under the same load, for its CPU per request.
 *
 * The CPU a request costs is the figure to judge by: on Express the exchange would cost about
 * what the floors differ by more, so Fastify's floor is worth about
 * `(exchange + (Express floor − Fastify floor)) ÷ exchange` of its rate.
 *
 * Express and its Nest adapter are devDependencies, for this measurement and the bare floor
 * (bench/floor/server.mjs) only; an install without them (`npm ci --omit=dev`) cannot measure.
 *
 *   npm run bench:platform -- [--rounds N] [--requests N] [--write]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMongoServer } from '../tools/mongo-server/launch';
import { cpuTimeUs } from './profile/cpu-time';
import { Browser } from './lib/browser';
import { LoadGenerator } from './lib/load-generator';
import {
  describeMachine,
  freePort,
  loadAverage,
  sourceDescription,
  startServer,
  type ServerProcess,
} from './lib/processes';
import * as proofgate from './lib/proofgate';
import { writeReportSection } from './lib/report-section';
import { readCommandLine, readOptions } from './lib/command-line';
import { Cleanups, runScript } from './lib/script';
import type { RequestSpec } from './loadgen/protocol';
import { median } from './lib/stats';

const ROOT = join(__dirname, '..');
const CONNECTIONS = 50;
const USAGE = `npm run bench:platform -- [options]
How much of Proofgate's code exchange is its HTTP platform: NestJS's floor on Express and on
Fastify against the exchange's CPU per request (Express is a devDependency for it).

  --rounds N     rounds, the three taking turns in each (default 5)
  --requests N   requests per floor or exchange and round (default 4000)
  --write        write the section of docs/BENCHMARKS.md (default: print it)
  --help         this text`;

const options = { rounds: 5, requests: 4000, write: false };
readCommandLine(USAGE, (argv) =>
  readOptions(argv, {
    '--rounds': (value) => (options.rounds = value.integer(1, 100)),
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--write': () => (options.write = true),
  }),
);
const ROUNDS = options.rounds;
const REQUESTS = options.requests;
const WRITE = options.write;

const log = (line: string): void => {
  process.stderr.write(`[bench:platform] ${line}\n`);
};

function installed(name: string): string | undefined {
  try {
    const path = require.resolve(`${name}/package.json`, { paths: [ROOT] });
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

interface Measured {
  readonly rps: number;
  readonly cpuUs: number;
}

async function main(): Promise<void> {
  const nestVersion = installed('@nestjs/core') ?? 'unknown';
  const fastifyAdapter = installed('@nestjs/platform-fastify') ?? 'unknown';
  const expressAdapter = installed('@nestjs/platform-express');
  if (!expressAdapter) {
    process.stderr.write(
      'bench:platform needs NestJS on Express, a devDependency this install lacks. To measure:\n' +
        `  npm install --no-save @nestjs/platform-express@${nestVersion.split('.')[0]}\n`,
    );
    process.exit(2);
  }
  const machineBefore = describeMachine();
  const cleanups = new Cleanups(log);
  try {
    const floor = async (platform: 'express' | 'fastify'): Promise<Target> => {
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const server = await startServer({
        name: `floor-${platform}`,
        command: process.execPath,
        args: [
          '--require',
          'ts-node/register/transpile-only',
          join(ROOT, 'bench', 'floor', 'nest-server.ts'),
        ],
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          PORT: String(port),
          PLATFORM: platform,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.jest.json'),
        },
        readyUrl: `${origin}/`,
      });
      cleanups.push(() => server.stop());
      return { name: `NestJS on ${platform}, validated form POST`, origin, server };
    };
    const express = await floor('express');
    const fastify = await floor('fastify');

    log('building the service into dist-bench/');
    proofgate.buildService(ROOT, join(ROOT, 'dist-bench'));
    const database = await startMongoServer({ optimisingCompiler: true });
    cleanups.push(() => database.stop());
    const service = await proofgate.startService({
      distDir: join(ROOT, 'dist-bench'),
      mongoUri: `${database.uri}/proofgate_platform`,
      codeTtlSeconds: 600,
    });
    cleanups.push(() => service.server.stop());
    const browser = new Browser(service.origin);
    cleanups.push(() => browser.close());
    await proofgate.login(browser);
    const exchange: Target = {
      name: 'Proofgate POST /token (authorization_code + PKCE)',
      origin: service.origin,
      server: service.server,
    };

    const loadgen = await LoadGenerator.start(ROOT);
    cleanups.push(() => loadgen.stop());
    const drive = async (target: Target, requests: RequestSpec[]): Promise<Measured> => {
      let cpuBefore = 0;
      const result = await loadgen.run(
        {
          origin: target.origin,
          connections: CONNECTIONS,
          requests,
          expectStatus: 200,
          warmPath: target === exchange ? '/.well-known/oauth-authorization-server' : '/',
        },
        () => {
          cpuBefore = cpuTimeUs(target.server.pid);
        },
      );
      if (result.ok !== result.requests) {
        throw new Error(`${target.name}: ${result.requests - result.ok} answers were not 200`);
      }
      return {
        rps: result.rps,
        cpuUs: (cpuTimeUs(target.server.pid) - cpuBefore) / result.requests,
      };
    };
    const requestsFor = async (target: Target, n: number): Promise<RequestSpec[]> =>
      target === exchange
        ? proofgate.exchangeRequests(await proofgate.mintCodes(browser, n))
        : floorRequests(n);

    const targets = [express, fastify, exchange];
    const results = new Map<Target, Measured[]>(targets.map((target) => [target, []]));
    // One unrecorded pass each: the floors are compiled by ts-node and JIT-warmed on first use.
    for (const target of targets) await drive(target, await requestsFor(target, 2000));
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate the order, so neither floor always runs on a machine the other just heated.
      const order = round % 2 === 1 ? targets : [fastify, express, exchange];
      for (const target of order) {
        const requests = await requestsFor(target, REQUESTS);
        const measured = await drive(target, requests);
        results.get(target)?.push(measured);
        log(
          `round ${round}: ${target.name}: ${measured.rps.toFixed(0)} req/s, ` +
            `${measured.cpuUs.toFixed(0)} µs of CPU per request`,
        );
      }
    }
    const report = render({
      rows: targets.map((target) => ({
        name: target.name,
        rps: median(results.get(target)?.map((m) => m.rps) ?? []),
        cpuUs: median(results.get(target)?.map((m) => m.cpuUs) ?? []),
      })),
      rpsRatios: ratios(results, express, fastify, 'rps'),
      cpuRatios: ratios(results, express, fastify, 'cpuUs'),
      versions: { nest: nestVersion, expressAdapter, fastifyAdapter },
      machine: machineBefore,
      loadAfter: loadAverage(),
    });
    process.stdout.write(`${report}\n`);
    if (WRITE) {
      writeReportSection(join(ROOT, 'docs', 'BENCHMARKS.md'), 'platform', report);
      log('written to docs/BENCHMARKS.md');
    }
  } finally {
    await cleanups.run();
  }
}

interface Target {
  readonly name: string;
  readonly origin: string;
  readonly server: ServerProcess;
}

/** The form body of a code exchange, as /token receives it. */
function floorRequests(n: number): RequestSpec[] {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: 'x'.repeat(43),
    code_verifier: 'y'.repeat(43),
  }).toString();
  return Array.from({ length: n }, () => ({
    method: 'POST',
    path: '/form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  }));
}

/** Fastify ÷ Express per round, for one figure. */
function ratios(
  results: Map<Target, Measured[]>,
  express: Target,
  fastify: Target,
  field: keyof Measured,
): number[] {
  const a = results.get(express) ?? [];
  const b = results.get(fastify) ?? [];
  return a.map((measured, round) => (b[round]?.[field] ?? NaN) / measured[field]);
}

function render(run: {
  rows: { name: string; rps: number; cpuUs: number }[];
  rpsRatios: number[];
  cpuRatios: number[];
  versions: { nest: string; expressAdapter: string; fastifyAdapter: string };
  machine: ReturnType<typeof describeMachine>;
  loadAfter: string;
}): string {
  const [express, fastify, exchange] = run.rows;
  const saved = express.cpuUs - fastify.cpuUs;
  const onExpress = exchange.cpuUs + saved;
  const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
  return [
    '<!-- bench:platform -->',
    '## Express or Fastify: the framework floor on both, against the code exchange (#36)',
    '',
    'Written by `npm run bench:platform -- --write` (`bench/platform.bench.ts`); run it again rather than editing this section.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`npm run bench:platform -- --rounds ${ROUNDS} --requests ${REQUESTS} --write\``,
    `- Machine: ${run.machine.cpus} CPUs, ${run.machine.cpuModel}; Node ${run.machine.node}; load average ${run.machine.loadAverage} before, ${run.loadAfter} after`,
    `- Service: ${sourceDescription(ROOT)}, production settings as \`npm run bench\`; floors: \`bench/floor/nest-server.ts\` (NestJS ${run.versions.nest}; @nestjs/platform-express ${run.versions.expressAdapter}, @nestjs/platform-fastify ${run.versions.fastifyAdapter}), ${CONNECTIONS} connections, the three taking turns, medians of ${ROUNDS} rounds of ${REQUESTS} requests`,
    '',
    '| Server | req/s | CPU per request (µs, user + system) |',
    '|---|---|---|',
    ...run.rows.map((row) => `| ${row.name} | ${row.rps.toFixed(0)} | ${row.cpuUs.toFixed(0)} |`),
    '',
    `Fastify ÷ Express, the floor: **${median(run.rpsRatios).toFixed(2)}× the req/s** (rounds: ${list(run.rpsRatios)}) and **${median(run.cpuRatios).toFixed(2)}× the CPU per request** (rounds: ${list(run.cpuRatios)}).`,
    '',
    `The floors differ by ${saved.toFixed(0)} µs of CPU per request. The code exchange, on Fastify, spends ${exchange.cpuUs.toFixed(0)} µs; the same work on Express's floor would spend about ${onExpress.toFixed(0)} µs, so the platform accounts for about **${(onExpress / exchange.cpuUs).toFixed(2)}×** the exchange's rate. The rest of an exchange is the database driver, Node's own HTTP, the signature and Proofgate's own work, which no platform changes. The service itself measured on both: the next section.`,
    '<!-- /bench:platform -->',
  ].join('\n');
}

runScript(main);
