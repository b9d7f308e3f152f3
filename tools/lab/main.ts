/**
 * `npm run lab [-- --url http://host:port | --port N] [--quick] [--json]`: runs the attack lab
 * against a running Proofgate (`--port N`: the one `PORT=N npm start` serves, http://localhost:N),
 * or, without either, against one it starts itself on a fresh embedded dev database with 2-second
 * challenge lifetimes. Before the first row it says how long the run takes at least (its waits,
 * as the service states its lifetimes), and as each wait starts, which and until when (on
 * stderr); `--quick` skips the rows that wait. Exits 0 when every row passes, 1 when one fails,
 * 2 when the lab could not run.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnDevStart, statusOf } from '../../bench/lib/processes';
import { LabPlan, LabRow, runLab } from '../../src/lab-client/scenarios';
import { LAB_UPSTREAM_PROVIDER } from '../../src/lab-client/upstream-scenarios';
import { LAB_AUTHORIZATION_DETAILS_TYPES } from '../../src/lab-client/ciba-scenarios';
import { planText, skippedText, waitText, waitingRows } from './progress';
import { tableHeader, tableRow, tableSummary } from './table';

const ROOT = join(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 120_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;
const CHALLENGE_TTL_SECONDS = '2';

const USAGE = `Usage: npm run lab [-- --url http://host:port | --port N] [--quick] [--json]

  --url URL  attack a running Proofgate (default: start one on a fresh embedded database)
  --port N   attack the Proofgate running on this machine's port N (PORT=N npm start):
             the same as --url http://localhost:N
  --quick    skip the rows that wait for the service's real lifetimes (an expired code,
             nonce and request_uri, a login no longer recent: minutes with the defaults)
  --json     print { "passed": boolean, "rows": [...] } only (with --quick, "skipped" too);
             the plan and the waits still go to stderr
`;

interface Args {
  url?: string;
  json: boolean;
  quick: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { json: false, quick: false };
  let port: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--quick') args.quick = true;
    else if (arg === '--url') args.url = argv[++i];
    else if (arg.startsWith('--url=')) args.url = arg.slice('--url='.length);
    else if (arg === '--port') port = argv[++i] ?? '';
    else if (arg.startsWith('--port=')) port = arg.slice('--port='.length);
    else if (arg === '--help' || arg === '-h') return USAGE;
    else return `Unknown argument ${arg}\n\n${USAGE}`;
  }
  if (port !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) {
      return `--port needs a port number\n\n${USAGE}`;
    }
    if (args.url !== undefined)
      return `--port and --url both name the Proofgate: give one\n\n${USAGE}`;
    args.url = `http://localhost:${port}`;
  }
  if (args.url !== undefined && !/^https?:\/\/[^/]+/.test(args.url)) {
    return `--url needs an http(s) URL\n\n${USAGE}`;
  }
  return args;
}

interface LocalService {
  baseUrl: string;
  stop: () => Promise<void>;
}

/**
 * `npm start` on a throwaway database (removed afterwards) and a build folder of the lab's own,
 * .build/lab/ (so it never races a build of dist/), kept: the next run rebuilds only what changed,
 * or nothing. PROOFGATE_DIST_DIR names another build folder to use, as for `npm start`.
 */
async function startService(): Promise<LocalService> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'proofgate-lab-'));
  const distDir = resolve(ROOT, process.env.PROOFGATE_DIST_DIR || join('.build', 'lab'));
  const { child, output } = spawnDevStart(ROOT, {
    dataDir,
    distDir,
    env: {
      PORT: String(port),
      AUTH_CODE_TTL_SECONDS: CHALLENGE_TTL_SECONDS,
      WALLET_NONCE_TTL_SECONDS: CHALLENGE_TTL_SECONDS,
      // The shortest PAR_REQUEST_URI_TTL_SECONDS allowed.
      PAR_REQUEST_URI_TTL_SECONDS: '5',
      // The passkey row waits until the lab's login is no longer recent (5 s: the shortest allowed).
      ACCOUNT_RECENT_LOGIN_SECONDS: '5',
      // Shorter than the lifetimes the lab waits out, so the refresh row outlasts the grace window.
      REFRESH_TOKEN_GRACE_SECONDS: '1',
      SIWE_CHAIN_IDS: '1,10',
      SIWS_CHAINS: 'solana:mainnet,solana:devnet',
      // A provider for the upstream rows, which never need it to answer.
      UPSTREAM_PROVIDERS: JSON.stringify([LAB_UPSTREAM_PROVIDER]),
      // The type the CIBA rows ask a person to approve (a payment).
      AUTHORIZATION_DETAILS_TYPES: JSON.stringify(LAB_AUTHORIZATION_DETAILS_TYPES),
    },
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await terminate(child);
      rmSync(dataDir, { recursive: true, force: true });
    })());

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while ((await statusOf(`${baseUrl}/health`)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `Proofgate exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Proofgate did not become healthy at ${baseUrl} in time:\n${output()}`);
    }
    await sleep(300);
  }
  return { baseUrl, stop };
}

/** SIGTERM, and wait for the exit (dev-start stops the service and its database first). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Why the lab could not run, and, when no Proofgate answers at `url`, how to start one. */
function couldNotRun(error: unknown, url: string | undefined): string {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (url !== undefined && error instanceof TypeError && cause !== undefined) {
    return (
      `no Proofgate answers at ${url} (${cause}): start one there (\`PORT=<port> npm start\`), ` +
      'or run the lab without --url and --port to start its own'
    );
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === USAGE) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(args);
    return 2;
  }

  let service: LocalService | undefined;
  const interrupt = (): void => {
    void (service?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    let baseUrl = args.url;
    if (baseUrl === undefined) {
      process.stderr.write(
        'Starting Proofgate on a fresh embedded database (first build can take a minute)...\n',
      );
      service = await startService();
      baseUrl = service.baseUrl;
    }
    if (!args.json) process.stdout.write(`Proofgate attack lab against ${baseUrl}\n\n`);
    let plan: LabPlan | undefined;
    const rows: LabRow[] = await runLab({
      baseUrl,
      quick: args.quick,
      onPlan: (planned) => {
        plan = planned;
        process.stderr.write(`${planText(planned, args.quick)}\n`);
        if (!args.json) process.stdout.write(`${tableHeader()}\n`);
      },
      onRow: args.json ? undefined : (row) => process.stdout.write(`${tableRow(row)}\n`),
      onWait: (wait) => process.stderr.write(waitText(wait, new Date())),
    });
    const passed = rows.length > 0 && rows.every((row) => row.passed);
    const skipped = args.quick && plan ? waitingRows(plan) : undefined;
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ passed, rows, ...(skipped ? { skipped } : {}) }, null, 2)}\n`
        : `\n${tableSummary(rows)}\n${skipped && plan ? `${skippedText(plan)}\n` : ''}`,
    );
    return passed ? 0 : 1;
  } catch (error) {
    process.stderr.write(`The lab could not run: ${couldNotRun(error, args.url)}\n`);
    return 2;
  } finally {
    await service?.stop();
  }
}

void main().then((code) => process.exit(code));
