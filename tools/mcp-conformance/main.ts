/**
 * `npm run conformance:mcp`: the MCP project's own conformance suite,
 * @modelcontextprotocol/conformance, its `authorization` scenarios (the authorization server's
 * metadata, and the authorization code grant with PKCE and `resource`) against Proofgate, with a
 * scripted browser signing in and consenting when the suite asks a user to. Without options it
 * starts Proofgate on a fresh embedded database and the example MCP server (examples/mcp-server)
 * protected by it; with --mcp-url it tests the authorization server of a running MCP server.
 * The suite and the Node 22 it needs come from tools/mcp-conformance/install.sh (.cache/, pinned).
 * See USAGE in ./results.ts; docs/CLIENTS.md#the-mcp-conformance-suite.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnDevStart, statusOf } from '../../bench/lib/processes';
import { startMcpServer } from '../../examples/mcp-server/mcp-server';
import { signInAndConsent, type Credentials } from './browser';
import {
  parseArgs,
  reportLines,
  scenarioOfFolder,
  scenarioResult,
  USAGE,
  verdict,
  type ScenarioResult,
  type SuiteCheck,
} from './results';

const ROOT = join(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 180_000;
/** The suite waits 5 minutes for the callback; the scripted browser needs seconds. */
const SUITE_TIMEOUT_MS = 180_000;
const LOCAL_CLIENT_ID = 'mcp-conformance';
/** A fresh dev database's first user (README, Quick start). */
const LOCAL_USER: Credentials = { username: 'user0', password: 'password0' };

interface Target {
  mcpUrl: string;
  clientId: string;
  callbackPort: number;
  credentials: Credentials;
  stop: () => Promise<void>;
}

interface Suite {
  node: string;
  entry: string;
}

const say = (json: boolean, line: string): void => {
  (json ? process.stderr : process.stdout).write(`${line}\n`);
};

/** tools/mcp-conformance/install.sh: installs on the first run, then answers from the cache. */
function installSuite(): Suite {
  const run = spawnSync('bash', [join(ROOT, 'tools', 'mcp-conformance', 'install.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [node, entry] = run.stdout.trim().split('\n');
  if (run.status !== 0 || !node || !entry) {
    throw new Error(`tools/mcp-conformance/install.sh failed (exit ${run.status})`);
  }
  return { node, entry };
}

/** The suite's own list of authorization server scenarios, so a new one is not missed. */
function listScenarios(suite: Suite): string[] {
  const run = spawnSync(suite.node, [suite.entry, 'list', '--authorization'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`conformance list failed: ${run.stderr}`);
  return [...run.stdout.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]);
}

/** SIGTERM, and wait for the exit (SIGKILL after 30 s). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Proofgate on a throwaway embedded database (`npm start`, build folder .build/mcp-conformance/,
 * kept), a public client registered for the suite's callback and the MCP server, and the example
 * MCP server in this process.
 */
async function startLocal(callbackPort: number, json: boolean): Promise<Target> {
  const [port, mcpPort] = [await freePort(), await freePort()];
  const issuer = `http://localhost:${port}`;
  const mcpUrl = `http://localhost:${mcpPort}/mcp`;
  const dataDir = mkdtempSync(join(tmpdir(), 'proofgate-mcp-conformance-'));
  const distDir = resolve(
    ROOT,
    process.env.PROOFGATE_DIST_DIR || join('.build', 'mcp-conformance'),
  );
  say(
    json,
    `Starting Proofgate at ${issuer} on a fresh embedded database (a build can take a minute)...`,
  );
  const { child, output } = spawnDevStart(ROOT, {
    dataDir,
    distDir,
    env: {
      PORT: String(port),
      ISSUER: issuer,
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: LOCAL_CLIENT_ID,
          name: 'MCP conformance suite',
          redirect_uris: [`http://127.0.0.1:${callbackPort}/callback`],
          resources: [mcpUrl],
        },
      ]),
    },
  });
  const started: { mcp?: { close(): Promise<void> } } = {};
  const stop = async (): Promise<void> => {
    await started.mcp?.close();
    await terminate(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while ((await statusOf(`${issuer}/health`)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Proofgate did not become healthy at ${issuer}:\n${output()}`);
    }
    await sleep(300);
  }
  try {
    started.mcp = await startMcpServer({
      issuer,
      resource: mcpUrl,
      host: 'localhost',
      port: mcpPort,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  say(json, `Example MCP server at ${mcpUrl}, protected by ${issuer}`);
  return { mcpUrl, clientId: LOCAL_CLIENT_ID, callbackPort, credentials: LOCAL_USER, stop };
}

/**
 * The MCP server's authorization server and canonical resource, from its RFC 9728 metadata: at
 * the path-suffixed well-known URL first, then at the origin's (RFC 9728 §3.1).
 */
async function discover(mcpUrl: string): Promise<{ issuer: string; resource: string }> {
  const url = new URL(mcpUrl);
  const path = url.pathname === '/' ? '' : url.pathname;
  const candidates = [
    `${url.origin}/.well-known/oauth-protected-resource${path}`,
    `${url.origin}/.well-known/oauth-protected-resource`,
  ];
  for (const candidate of candidates) {
    const res = await fetch(candidate).catch(() => undefined);
    if (!res?.ok) continue;
    const body = (await res.json()) as { resource?: unknown; authorization_servers?: unknown };
    const servers = Array.isArray(body.authorization_servers) ? body.authorization_servers : [];
    if (typeof servers[0] === 'string' && typeof body.resource === 'string') {
      return { issuer: servers[0], resource: body.resource };
    }
  }
  throw new Error(`no protected resource metadata with an authorization server for ${mcpUrl}`);
}

/** Each scenario's checks, from the folders the suite wrote into `outputDir`. */
function readResults(outputDir: string): ScenarioResult[] {
  if (!existsSync(outputDir)) return [];
  const results: ScenarioResult[] = [];
  for (const folder of readdirSync(outputDir).sort()) {
    const scenario = scenarioOfFolder(folder);
    const file = join(outputDir, folder, 'checks.json');
    if (scenario === undefined || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, 'utf8')) as SuiteCheck[];
    results.push(scenarioResult(scenario, checks));
  }
  return results;
}

/**
 * Runs `conformance authorization` (every scenario; the metadata scenario's findings feed the
 * code grant), echoes what it prints (to stderr with --json), and answers the authorization URL
 * it prints with the scripted browser.
 */
async function runSuite(
  suite: Suite,
  target: Target,
  issuer: string,
  resource: string,
  outputDir: string,
  json: boolean,
): Promise<{ exitCode: number | null; browserError?: string }> {
  const callback = `http://127.0.0.1:${target.callbackPort}/callback`;
  const child = spawn(
    suite.node,
    [
      suite.entry,
      'authorization',
      '--url',
      issuer,
      '--client-id',
      target.clientId,
      '--resource',
      resource,
      '--port',
      String(target.callbackPort),
      '--output-dir',
      outputDir,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let browserError: string | undefined;
  const browsing: Promise<void>[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    say(json, `  | ${line}`);
    // "Access the following URL in your browser ...", then the URL on a line of its own.
    if (/^https?:\/\/\S+\?\S*response_type=code/.test(line.trim())) {
      browsing.push(
        signInAndConsent(line.trim(), callback, target.credentials).then(
          (opened) => say(json, `[browser] signed in, consented, opened ${opened.split('?')[0]}`),
          (error: unknown) => {
            browserError = error instanceof Error ? error.message : String(error);
            say(json, `[browser] ${browserError}`);
            // The suite would wait 5 minutes for a callback that will not come.
            child.kill('SIGTERM');
          },
        ),
      );
    }
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), SUITE_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((done) =>
    child.once('exit', (code) => done(code)),
  );
  clearTimeout(timer);
  await Promise.all(browsing);
  return { exitCode, ...(browserError ? { browserError } : {}) };
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
  let target: Target | undefined;
  const interrupt = (): void => {
    void (target?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const outputDir = mkdtempSync(join(tmpdir(), 'mcp-conformance-results-'));
  try {
    say(args.json, 'Installing the MCP conformance suite and Node 22 (first run only)...');
    const suite = installSuite();
    const expected = listScenarios(suite);
    if (args.mcpUrl !== undefined && args.clientId !== undefined) {
      const username = process.env.PROOFGATE_CONFORMANCE_USERNAME;
      const password = process.env.PROOFGATE_CONFORMANCE_PASSWORD;
      if (!username || !password) {
        throw new Error(
          'set PROOFGATE_CONFORMANCE_USERNAME and PROOFGATE_CONFORMANCE_PASSWORD: the user the browser signs in as',
        );
      }
      target = {
        mcpUrl: args.mcpUrl,
        clientId: args.clientId,
        callbackPort: args.callbackPort ?? 3000,
        credentials: { username, password },
        stop: () => Promise.resolve(),
      };
    } else {
      target = await startLocal(args.callbackPort ?? (await freePort()), args.json);
    }
    const { issuer, resource } = await discover(target.mcpUrl);
    say(
      args.json,
      `Authorization server ${issuer} for ${resource}; running ${expected.join(', ')}`,
    );
    const run = await runSuite(suite, target, issuer, resource, outputDir, args.json);
    const result = verdict(expected, readResults(outputDir));
    const passed = result.passed && run.exitCode === 0 && run.browserError === undefined;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ issuer, resource, ...result, passed }, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${reportLines(result.scenarios).join('\n')}\n`);
      if (result.passed && !passed) {
        process.stdout.write(
          `but the suite exited ${run.exitCode}${run.browserError ? ` (${run.browserError})` : ''}\n`,
        );
      }
    }
    return passed ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `The conformance suite could not run: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  } finally {
    await target?.stop();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
