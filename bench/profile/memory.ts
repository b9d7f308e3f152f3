/**
 * `npm run bench:memory`: where Proofgate's memory goes. Starts it as `npm run bench` does (from
 * dist-bench/, which `npm run bench` or `npm run bench:profile` builds), reads RSS and the V8
 * heap figures once it is ready, after a forced GC, then again after `--requests` code exchanges
 * (and a GC), through the inspector.
 */
import { join, resolve } from 'node:path';
import { startMongoServer } from '../../tools/mongo-server/launch';
import { Browser } from '../lib/browser';
import { LoadGenerator } from '../lib/load-generator';
import { freePort, readMemory, startServer } from '../lib/processes';
import * as proofgate from '../lib/proofgate';
import { InspectorSession } from './inspector-session';
import { Cleanups, runScript } from '../lib/script';

const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 2000;
  const cleanups = new Cleanups((line) => process.stderr.write(`[memory] ${line}\n`));
  try {
    const database = await startMongoServer();
    cleanups.push(() => database.stop());
    const port = await freePort();
    const inspectPort = await freePort();
    const server = await startServer({
      name: 'proofgate',
      command: process.execPath,
      args: [`--inspect=127.0.0.1:${inspectPort}`, join(ROOT, 'dist-bench', 'main.js')],
      cwd: ROOT,
      env: proofgate.serviceEnv({
        port,
        mongoUri: `${database.uri}/proofgate_memory`,
        codeTtlSeconds: 300,
      }),
      readyUrl: `http://127.0.0.1:${port}/.well-known/oauth-authorization-server`,
    });
    cleanups.push(() => server.stop());
    const inspector = await InspectorSession.connect(inspectPort);
    cleanups.push(() => inspector.close());
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
    const browser = new Browser(`http://127.0.0.1:${port}`);
    cleanups.push(() => browser.close());
    await proofgate.login(browser);
    const codes = await proofgate.mintCodes(browser, requests);
    await loadgen.run(
      {
        origin: `http://127.0.0.1:${port}`,
        connections: 50,
        requests: proofgate.exchangeRequests(codes),
        expectStatus: 200,
        warmPath: '/.well-known/oauth-authorization-server',
      },
      () => undefined,
    );
    await report(`after ${requests} code exchanges`);
  } finally {
    await cleanups.run();
  }
}

runScript(main);
