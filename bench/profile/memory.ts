/**
 * `npm run bench:memory`: where Proofgate's memory goes. Starts it as `npm run bench` does (from
 * dist-bench/, which `npm run bench` or `npm run bench:profile` builds), reads RSS and the V8
 * heap figures once it is ready, after a forced GC, then again after `--requests` code exchanges
 * (and a GC), through the inspector; with `--registrations N`, again after N clients registered
 * at the largest size POST /register accepts (issue #19: does the registry's state stay flat?).
 * With `--write`, the figures replace this script's section of docs/BENCHMARKS.md.
 */
import { join, resolve } from 'node:path';
import { startMongoServer } from '../../tools/mongo-server/launch';
import { Browser } from '../lib/browser';
import { LoadGenerator } from '../lib/load-generator';
import { describeMachine, freePort, readMemory, sourceDescription } from '../lib/processes';
import * as proofgate from '../lib/proofgate';
import { registrationRequests } from '../lib/registrations';
import { writeReportSection } from '../lib/report-section';
import { InspectorSession } from './inspector-session';
import { Cleanups, runScript } from '../lib/script';
import { readCommandLine, readOptions } from '../lib/command-line';

const ROOT = resolve(__dirname, '..', '..');
const REGISTER_CHUNK = 1000;

const USAGE = `npm run bench:memory -- [options]
Where Proofgate's memory goes (its build in dist-bench/): RSS and the V8 heap after a forced GC,
at start and after load.

  --requests N        code exchanges before the second reading (default 2000)
  --registrations N   then N clients registered at the largest size, and a third reading (default 0: none)
  --write             write the section of docs/BENCHMARKS.md (default: print the figures only)
  --help              this text`;

const options = { requests: 2000, registrations: 0, write: false };
readCommandLine(USAGE, (argv) =>
  readOptions(argv, {
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--registrations': (value) => (options.registrations = value.integer(0, 1_000_000)),
    '--write': () => (options.write = true),
  }),
);

async function main(): Promise<void> {
  const { requests, registrations } = options;
  const cleanups = new Cleanups((line) => process.stderr.write(`[memory] ${line}\n`));
  try {
    const database = await startMongoServer({ optimisingCompiler: true });
    cleanups.push(() => database.stop());
    const inspectPort = await freePort();
    const { server, origin } = await proofgate.startService({
      distDir: join(ROOT, 'dist-bench'),
      mongoUri: `${database.uri}/proofgate_memory`,
      codeTtlSeconds: 300,
      nodeFlags: [`--inspect=127.0.0.1:${inspectPort}`],
    });
    cleanups.push(() => server.stop());
    const inspector = await InspectorSession.connect(inspectPort);
    cleanups.push(() => inspector.close());
    const rows: string[] = [];
    const report = async (when: string) => {
      const before = readMemory(server.pid);
      process.stdout.write(`${when}, before a forced GC: RSS ${before?.rssMiB.toFixed(1)} MiB\n`);
      await inspector.send('HeapProfiler.collectGarbage');
      const { result } = await inspector.send<{ result: { value: string } }>('Runtime.evaluate', {
        expression:
          'JSON.stringify({ ...process.memoryUsage(), heap: require("v8").getHeapSpaceStatistics().map(s => [s.space_name, s.space_size, s.space_used_size]) })',
        includeCommandLineAPI: true,
      });
      const usage = JSON.parse(result.value) as Record<string, number> & {
        heap: [string, number, number][];
      };
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
      const memory = readMemory(server.pid);
      rows.push(
        `| ${when} | ${before?.rssMiB.toFixed(1)} MiB | ${memory?.rssMiB.toFixed(1)} MiB | ${mib(usage.heapUsed)} | ${mib(usage.external)} |`,
      );
      process.stdout.write(
        `${when}, after a forced GC: RSS ${memory?.rssMiB.toFixed(1)} MiB (peak ${memory?.peakMiB.toFixed(1)}), ` +
          `heap ${mib(usage.heapUsed)} used of ${mib(usage.heapTotal)}, external ${mib(usage.external)}, ` +
          `array buffers ${mib(usage.arrayBuffers)}\n` +
          usage.heap
            .map(([name, size, used]) => `  ${name}: ${mib(used)} of ${mib(size)}`)
            .join('\n') +
          '\n',
      );
    };
    await report('ready');
    const loadgen = await LoadGenerator.start(ROOT);
    cleanups.push(() => loadgen.stop());
    const browser = new Browser(origin);
    cleanups.push(() => browser.close());
    await proofgate.login(browser);
    const codes = await proofgate.mintCodes(browser, requests);
    await loadgen.run(
      {
        origin,
        connections: 50,
        requests: proofgate.exchangeRequests(codes),
        expectStatus: 200,
        warmPath: '/.well-known/oauth-authorization-server',
      },
      () => undefined,
    );
    await report(`after ${requests} code exchanges`);
    for (let done = 0; done < registrations; done += REGISTER_CHUNK) {
      const chunk = registrationRequests(done, Math.min(REGISTER_CHUNK, registrations - done));
      const result = await loadgen.run(
        {
          origin,
          connections: 8,
          requests: chunk,
          expectStatus: 201,
          warmPath: '/health/live',
        },
        () => undefined,
      );
      if (result.ok !== chunk.length)
        throw new Error(`registration: ${result.ok}/${chunk.length} ok`);
    }
    if (registrations > 0) await report(`after ${registrations} registrations`);
    if (options.write) {
      const command = `npm run bench:memory -- ${process.argv.slice(2).join(' ')}`;
      const machine = describeMachine();
      writeReportSection(
        join(ROOT, 'docs', 'BENCHMARKS.md'),
        'memory',
        [
          '<!-- bench:memory -->',
          '## Memory after a forced GC: code exchanges, then registrations',
          '',
          'Written by `npm run bench:memory -- --write` (`bench/profile/memory.ts`); run it again rather than editing this section.',
          '',
          `- Date: ${new Date().toISOString()}`,
          `- Command: \`${command}\``,
          `- Machine: ${machine.cpus} CPUs, ${machine.cpuModel}; Node ${machine.node}; load average ${machine.loadAverage}`,
          `- Service: ${sourceDescription(ROOT)}, run from dist-bench/ as \`npm run bench\` runs it; the inspector forces each GC`,
          '- Registrations: POST /register at the largest size it accepts (10 redirect URIs of ~1,450 characters, ~15 KB each)',
          '',
          '| After | RSS | RSS after a forced GC | V8 heap used | External |',
          '|---|---|---|---|---|',
          ...rows,
          '',
          'What the service keeps is the heap after a forced GC. RSS after it also holds what the',
          "allocator kept of the requests' buffers, which the process reuses but does not return.",
          '<!-- /bench:memory -->',
        ].join('\n'),
      );
    }
  } finally {
    await cleanups.run();
  }
}

runScript(main);
