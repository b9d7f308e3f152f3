/**
 * `npm run fleet` (about 80 s, exits 1 if a check fails) and `npm run soak -- --minutes N`
 * (writes docs/RELIABILITY.md): three Proofgate instances on one database, mixed traffic, faults.
 */
import { writeFileSync } from 'node:fs';
import { fitReport } from '../docs/fit-report';
import { join, resolve } from 'node:path';
import {
  describeMachine,
  loadAverage,
  mongoJavaServerVersion,
  sourceDescription,
} from '../../bench/lib/processes';
import { runFleet } from './harness';
import { readCommandLine } from '../../bench/lib/command-line';
import { parseOptions, usageOf } from './options';
import { renderReport, renderSummary, type Environment } from './report';

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist-fleet');
const T0 = performance.now();

function log(message: string): void {
  process.stderr.write(`[fleet +${((performance.now() - T0) / 1000).toFixed(1)}s] ${message}\n`);
}

async function main(): Promise<void> {
  const options = readCommandLine(usageOf(process.argv.slice(2)), parseOptions);
  const machine = describeMachine();
  // What is built and run: read now, before anything can change the tree during the run.
  const built = sourceDescription(ROOT);
  // Ctrl-C or a kill: the run stops its instances and database before it exits.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  process.once('SIGTERM', () => interrupt.abort());
  const run = await runFleet(options, {
    distDir: DIST,
    root: ROOT,
    log,
    signal: interrupt.signal,
  });
  if (options.out !== '-') {
    const totalMemory = /^Mem:\s+(\d+)/m.exec(machine.memory)?.[1];
    const env: Environment = {
      cpus: machine.cpus,
      cpuModel: machine.cpuModel,
      memory: totalMemory ? `${totalMemory} GiB memory` : 'memory unknown',
      node: machine.node,
      loadAverageBefore: machine.loadAverage,
      loadAverageAfter: loadAverage(),
      source: built,
      database: `mongo-java-server ${mongoJavaServerVersion(ROOT)}, H2 backend, wire version 9`,
    };
    writeFileSync(resolve(ROOT, options.out), fitReport(renderReport(run, env)));
    log(`report written to ${options.out}`);
  }
  process.stdout.write(renderSummary(run));
  process.exit(run.ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
