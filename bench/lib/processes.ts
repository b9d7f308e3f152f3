import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/** Ports this process has handed out: the kernel may give a released one again, later on. */
const handedOut = new Set<number>();
/** Ports asked of the kernel in one call at the most, beyond those wanted. */
const MAX_REPEATS = 64;

/**
 * `count` distinct free TCP ports on 127.0.0.1, none handed out before by this process: each asked
 * of the kernel while the ones before are still held, then all released. The kernel may hand a
 * released port out again, within one call or across calls (a test asks one for a server it starts
 * later, then starts the service on a port of its own): two servers of one test would then share a
 * port, one of them never listening, or each on another address (127.0.0.1 and ::1).
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: ReturnType<typeof createServer>[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      if (held.length >= count + MAX_REPEATS) throw new Error('no free port not handed out before');
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      held.push(server);
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      if (!handedOut.has(address.port)) ports.push(address.port);
    }
  } finally {
    await Promise.all(
      held.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
  for (const port of ports) handedOut.add(port);
  return ports;
}

/** The lowest port of the kernel's ephemeral range (Linux), 32768 when it cannot be read. */
export function ephemeralPortsFrom(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > STABLE_PORTS_FROM ? port : 32768;
  } catch {
    return 32768;
  }
}

/** Where stablePorts looks: above Proofgate's own defaults (25000 to 26299, #48's examples). */
const STABLE_PORTS_FROM = 27000;

/**
 * `count` distinct free TCP ports on 127.0.0.1 below the kernel's ephemeral range, for servers
 * that stop and start again on the same port (the fleet's database and instances). A port the
 * kernel hands out for port 0 (freePort, and the local end of every outgoing connection) may go
 * to another process while such a server is down, which then gets its clients' traffic: a
 * test's own service started during the fleet's restarts received the fleet's load and refused
 * its own requests as too many. Probed from a random start, each held until all are found.
 */
export async function stablePorts(count: number): Promise<number[]> {
  const end = ephemeralPortsFrom();
  const span = end - STABLE_PORTS_FROM;
  const start = Math.floor(Math.random() * span);
  const held: ReturnType<typeof createServer>[] = [];
  const ports: number[] = [];
  for (let i = 0; i < span && ports.length < count; i++) {
    const port = STABLE_PORTS_FROM + ((start + i) % span);
    const server = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) continue;
    held.push(server);
    ports.push(port);
  }
  await Promise.all(
    held.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  if (ports.length < count) throw new Error(`no ${count} free ports below ${end}`);
  return ports;
}

/** GET url, resolving to the status (0 when nothing answers). */
export async function statusOf(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

/** `npm start` running as a child process, with the last 20 KB it printed. */
export interface DevStart {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/**
 * `npm start` (tools/dev-start.js) as a developer's shell runs it: development mode, no
 * MONGODB_URI (the embedded database) and no KEY_ENCRYPTION_SECRET (the data folder's own), in
 * the data and build folders given, so that it never races a build of dist/; `env` over that.
 */
export function spawnDevStart(
  root: string,
  options: { dataDir: string; distDir: string; env?: Readonly<Record<string, string>> },
): DevStart {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PROOFGATE_DATA_DIR: options.dataDir,
    PROOFGATE_DIST_DIR: options.distDir,
  };
  delete env.MONGODB_URI;
  delete env.KEY_ENCRYPTION_SECRET;
  const child = spawn(process.execPath, [join(root, 'tools', 'dev-start.js')], {
    cwd: root,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output };
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last few KiB it printed (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server process and waits until `readyUrl` answers (any status below 500). Its output
 * is kept in memory, not printed, so a chatty server does not slow the terminal down.
 */
export async function startServer(options: {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const { name, readyUrl, timeoutMs = 90_000 } = options;
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const server: ServerProcess = { name, pid: child.pid ?? -1, child, output: () => tail, stop };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it was ready\n${tail}`,
      );
    }
    try {
      const res = await request(readyUrl, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.text();
      if (res.statusCode < 500) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`${name} was not ready within ${timeoutMs} ms\n${tail}`);
}

export interface Memory {
  /** Resident set size now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set size, MiB. */
  readonly peakMiB: number;
}

/** Memory at the last answer of a run, and once the process has been idle a while. */
export interface MemoryAfterRun extends Memory {
  /** The lowest resident set size in a minute without requests, MiB, first read `settleSeconds` in. */
  readonly settledMiB: number;
  readonly settleSeconds: number;
}

/** VmRSS and VmHWM of a process, from /proc/<pid>/status (Linux). */
export function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export interface Machine {
  readonly cpus: string;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly loadAverage: string;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trimEnd() : `(${command} unavailable)`;
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cpus: run('nproc', []).trim(),
    cpuModel,
    memory: run('free', ['-g']),
    node: process.version,
    loadAverage: loadAverage(),
  };
}

/**
 * The src/ that was built, for a report: the tree names src/ itself (the same whatever commits
 * outside src/ came after), and uncommitted changes are said.
 */
export function sourceDescription(root: string): string {
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown commit';
  const tree = git('rev-parse', '--short', 'HEAD:src') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src') !== '';
  return `src/ tree ${tree} (commit ${commit})${dirty ? ' with uncommitted changes' : ''}`;
}

/** The mongo-java-server version the launcher pins (tools/mongo-server/pom.xml). */
export function mongoJavaServerVersion(root: string): string {
  const pom = readFileSync(join(root, 'tools', 'mongo-server', 'pom.xml'), 'utf8');
  return /<mongo-java-server.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown';
}

/** The direct children of `pid` (Linux: /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** `pid` and every process below it: an instance of several workers (WORKERS) is all of them. */
export function processTree(pid: number): number[] {
  return [pid, ...childPids(pid).flatMap(processTree)];
}

/** The memory of `pid`'s whole tree: RSS summed, and the sum of each process's peak. */
export function treeMemory(pid: number): Memory | undefined {
  const each = processTree(pid)
    .map(readMemory)
    .filter((memory): memory is Memory => memory !== undefined);
  if (each.length === 0) return undefined;
  return {
    rssMiB: each.reduce((sum, m) => sum + m.rssMiB, 0),
    peakMiB: each.reduce((sum, m) => sum + m.peakMiB, 0),
  };
}
