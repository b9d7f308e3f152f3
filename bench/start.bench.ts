/**
 * `npm run bench:start`: how long `npm start` takes to be ready, and to refuse a start that cannot
 * succeed (issue #24: ready ≤ 8 s on a warm machine, failures ≤ 3 s). Runs the launcher as a
 * developer does, `node tools/dev-start.js` without MONGODB_URI, in a data and build folder of its
 * own, and times from the spawn to the first `200` of `/health` (ready) or to the exit (failures):
 *
 * - ready, warm: the build is current and the data folder exists (every start after the first);
 * - the first start: no build and no data folder yet (once, not a median);
 * - ready after an edit: one source file touched, so the service is built again;
 * - PORT taken, and MONGODB_URI refusing connections: the one-line refusal.
 *
 * Options: `--rounds N` (default 3; the median is reported), `--write` (into docs/BENCHMARKS.md).
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type DevStart,
  describeMachine,
  freePort,
  loadAverage,
  spawnDevStart,
  statusOf,
} from './lib/processes';
import { writeReportSection } from './lib/report-section';
import { readCommandLine, readOptions } from './lib/command-line';
import { runScript } from './lib/script';
import { median } from './lib/stats';

const ROOT = join(__dirname, '..');
const USAGE = `npm run bench:start -- [options]
How long \`npm start\` takes to be ready, and to refuse a start that cannot succeed (issue #24).

  --rounds N   rounds of the warm start, the start after an edit and both refusals, each figure
               the median of the rounds (default 3)
  --write      write the section of docs/BENCHMARKS.md (default: print it)
  --help       this text`;

const argv = process.argv.slice(2);
const options = { rounds: 3, write: false };
readCommandLine(USAGE, (words) =>
  readOptions(words, {
    '--rounds': (value) => (options.rounds = value.integer(1, 100)),
    '--write': () => (options.write = true),
  }),
);
const ROUNDS = options.rounds;
const WRITE = options.write;
const T0 = performance.now();

function log(message: string): void {
  process.stderr.write(
    `[bench:start +${((performance.now() - T0) / 1000).toFixed(1)}s] ${message}\n`,
  );
}

const workDir = mkdtempSync(join(tmpdir(), 'proofgate-bench-start-'));
const dataDir = join(workDir, '.data');
const distDir = join(ROOT, '.build', basename(workDir));

function launch(env: Record<string, string>): DevStart {
  return spawnDevStart(ROOT, { dataDir, distDir, env });
}

/** Milliseconds from the spawn to the first 200 of /health; then stops the launcher. */
async function timeToReady(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const { child, output } = launch({ PORT: String(port) });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start ended:\n${output()}`);
    if ((await statusOf(`http://127.0.0.1:${port}/health`)) === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const ms = performance.now() - started;
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

/** Milliseconds from the spawn to the launcher's exit, which must be a refusal. */
async function timeToRefusal(extra: Record<string, string>, expected: RegExp): Promise<number> {
  const started = performance.now();
  const { child, output } = launch(extra);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = performance.now() - started;
  if (code !== 1 || !expected.test(output())) {
    throw new Error(`expected a refusal matching ${expected}, got ${code}:\n${output()}`);
  }
  return ms;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const loadBefore = loadAverage();
  try {
    log('first start: builds the service and creates the data folder');
    const first = await timeToReady();
    const figures = {
      warm: [] as number[],
      edited: [] as number[],
      port: [] as number[],
      db: [] as number[],
    };
    const squatter = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
    for (let round = 1; round <= ROUNDS; round += 1) {
      figures.warm.push(await timeToReady());
      const touched = join(ROOT, 'src', 'platform', 'startup', 'ready-banner.ts');
      const now = new Date();
      utimesSync(touched, now, now);
      figures.edited.push(await timeToReady());
      figures.port.push(await timeToRefusal({ PORT: String(taken) }, /already in use/));
      const nobody = await freePort();
      figures.db.push(
        await timeToRefusal(
          { MONGODB_URI: `mongodb://127.0.0.1:${nobody}/proofgate` },
          /Cannot reach the database/,
        ),
      );
      log(
        `round ${round}: ready ${(figures.warm.at(-1)! / 1000).toFixed(1)} s, after an edit ${(figures.edited.at(-1)! / 1000).toFixed(1)} s, port taken ${(figures.port.at(-1)! / 1000).toFixed(1)} s, database refused ${(figures.db.at(-1)! / 1000).toFixed(1)} s`,
      );
    }
    squatter.close();
    const s = (values: number[]) => `${(median(values) / 1000).toFixed(1)} s`;
    const range = (values: number[]) =>
      `${(Math.min(...values) / 1000).toFixed(1)}–${(Math.max(...values) / 1000).toFixed(1)} s`;
    const verdict = (values: number[], target: number) =>
      median(values) <= target ? 'met' : 'not met';
    const section = [
      '<!-- bench:start -->',
      '## `npm start`: ready, and refusals',
      '',
      'Written by `npm run bench:start -- --write` (`bench/start.bench.ts`); run it again rather than editing this section.',
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Command: \`npm run bench:start${argv.length ? ` -- ${argv.join(' ')}` : ''}\``,
      `- Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}; Node ${machine.node}; load average ${loadBefore} before the run, ${loadAverage()} after`,
      '- Measured from the spawn of `node tools/dev-start.js` (what `npm start` runs) to the first `200` of `/health`, or to its exit; embedded database, its data folder already created but at the first start; median of the rounds',
      '',
      '| Start | Median | Range | Target | |',
      '|---|---|---|---|---|',
      `| Ready, nothing changed since the last build | ${s(figures.warm)} | ${range(figures.warm)} | ≤ 8 s | ${verdict(figures.warm, 8000)} |`,
      `| Ready after editing one source file (built again) | ${s(figures.edited)} | ${range(figures.edited)} | | |`,
      `| The first start: builds the service, creates the data folder (once) | ${s([first])} | | | |`,
      `| \`PORT\` taken: one line, exit 1 | ${s(figures.port)} | ${range(figures.port)} | ≤ 3 s | ${verdict(figures.port, 3000)} |`,
      `| \`MONGODB_URI\` refusing connections: one line, exit 1 | ${s(figures.db)} | ${range(figures.db)} | ≤ 3 s | ${verdict(figures.db, 3000)} |`,
      '<!-- /bench:start -->',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    if (WRITE) {
      writeReportSection(join(ROOT, 'docs', 'BENCHMARKS.md'), 'start', section);
      log('wrote docs/BENCHMARKS.md');
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(distDir, { recursive: true, force: true });
  }
}

runScript(main);
