/**
 * The processes of a fleet: one database server (mongo-java-server, H2 backend on a file, so a
 * restart on the same port finds the data again) and Proofgate instances, each on its own port,
 * started from one build: one Node process, or a primary and its workers (WORKERS). Every output
 * line of an instance goes to its log file in the run folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { childPids, processTree, stablePorts } from '../../bench/lib/processes';
import { PRODUCTION_NODE_FLAGS } from '../../bench/lib/proofgate';
import { InspectorSession } from '../../bench/profile/inspector-session';
import { startMongoServer, type MongoServerHandle } from '../mongo-server/launch';
import { servingPid } from './serving-process';

/** Milliseconds since the run started: the one time axis of every record. */
export type Elapsed = () => number;

export class FleetDatabase {
  private handle?: MongoServerHandle;
  private boundPort = 0;

  constructor(
    private readonly h2File: string,
    private readonly elapsed: Elapsed,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** `mongodb://127.0.0.1:<port>/<database>`. */
  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.boundPort}/${database}`;
  }

  /**
   * Starts it (on the port it had before, after a stop: one outside the kernel's ephemeral range,
   * see stablePorts); resolves once it accepts connections.
   */
  async start(): Promise<number> {
    const restart = this.boundPort !== 0;
    for (let attempt = 1; ; attempt++) {
      // A first start takes another port at each try; a restart waits for its own.
      if (!restart) [this.boundPort] = await stablePorts(1);
      try {
        this.handle = await startMongoServer({ port: this.boundPort, h2File: this.h2File });
        this.boundPort = this.handle.port;
        return this.elapsed();
      } catch (error) {
        // The port may linger for a moment after the previous server exited.
        if (attempt >= 10) throw error;
        if (restart) await sleep(500);
      }
    }
  }

  /** SIGTERM and waits for the exit (H2 commits and closes its file); returns when it is gone. */
  async stop(): Promise<number> {
    await this.handle?.stop();
    this.handle = undefined;
    return this.elapsed();
  }
}

/** How long a stopped instance may take to exit before it is killed (Kubernetes gives 30 s). */
export const STOP_GRACE_MS = 15_000;

export interface InstanceStop {
  readonly requestedAt: number;
  readonly exitedAt: number;
  /** It did not exit within the grace period and was killed. */
  readonly forced: boolean;
}

/** What a SIGKILL of an instance's process took with it. */
export interface InstanceKill {
  /** When the process was gone (its workers, if any, are gone by then or counted in `orphans`). */
  readonly at: number;
  /** Every process of the instance when it was killed: the primary, then its workers. */
  readonly pids: readonly number[];
  /**
   * Workers still running ORPHAN_PATIENCE_MS after their primary died (a worker exits when its
   * IPC channel to the primary closes), then killed by the harness.
   */
  readonly orphans: readonly number[];
}

/** How long a killed primary's workers may outlive it. */
export const ORPHAN_PATIENCE_MS = 5000;

/** A process's resident set, and each process's of an instance of several. */
export interface ProcessMemory {
  readonly pid: number;
  readonly rssMiB: number;
}

export interface InstanceStart {
  readonly pid: number;
  /** When the process was spawned. */
  readonly spawnedAt: number;
  /** When it first answered /health with 200. */
  readonly readyAt: number;
}

/**
 * One Proofgate instance on a fixed port, one process or a primary and its `workers`; started
 * again on the same port after a stop or kill.
 */
export class FleetInstance {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** The pid whose start saw /health answer 200 (and, with workers, every worker serve). */
  private readyPid?: number;
  private readonly log: WriteStream;
  private tail = '';
  /** The output's last line, not ended yet. */
  private partialLine = '';
  /** Workers whose exit the primary logged ("Worker 2 (pid …) exited (signal SIGKILL); …"). */
  private readonly loggedWorkerExits = new Set<number>();

  constructor(
    readonly slot: number,
    readonly port: number,
    /** WORKERS: more than one makes the process a primary that forks them (node:cluster). */
    readonly workers: number,
    private readonly mainJs: string,
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
    private readonly elapsed: Elapsed,
    /** Loopback port for the inspector, if the harness forces garbage collections. */
    private readonly inspectPort?: number,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  /**
   * Forces a full garbage collection through the inspector in each of the instance's processes
   * and reads their RSS after it: what the instance keeps, without the garbage the collectors had
   * not reached yet. A worker's inspector listens on the port node:cluster gave it (the primary's
   * and one more per worker forked, `--inspect-port` on its command line). Undefined when the
   * instance is down, starting, has no inspector, or a process could not be collected.
   */
  async residentAfterGc(): Promise<
    { pid: number; rssMiB: number; processes: ProcessMemory[] } | undefined
  > {
    const pid = this.pid;
    if (this.inspectPort === undefined || pid === undefined) return undefined;
    const pids = this.processes();
    for (const each of pids) {
      const port = each === pid ? this.inspectPort : inspectPortOf(each);
      if (port === undefined || !(await collectGarbage(port, each))) return undefined;
    }
    if (this.pid !== pid) return undefined;
    const processes = residentEach(pids);
    if (processes === undefined) return undefined;
    return { pid, rssMiB: sumOf(processes), processes };
  }

  /** RSS of the instance now, every process of it summed; undefined while it is down. */
  resident(): { pid: number; rssMiB: number; processes: ProcessMemory[] } | undefined {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    const processes = residentEach(this.processes());
    return processes === undefined ? undefined : { pid, rssMiB: sumOf(processes), processes };
  }

  /** The instance's processes: its own pid, then its workers'; none while it is down. */
  processes(): number[] {
    const pid = this.pid;
    return pid === undefined ? [] : processTree(pid);
  }

  /** The pids of its workers (none for an instance of one process). */
  workerPids(): number[] {
    const pid = this.pid;
    return pid === undefined || this.workers <= 1 ? [] : childPids(pid);
  }

  /** Whether the primary logged the exit of worker `pid`. */
  loggedWorkerExit(pid: number): boolean {
    return this.loggedWorkerExits.has(pid);
  }

  /**
   * Waits until `workers` workers run and each has served a request of its own (servingPid), or
   * `timeoutMs` has passed. Resolves with when each served first (elapsed ms, by pid), or
   * undefined when not all of them served in time.
   */
  async workersServing(timeoutMs: number): Promise<Map<number, number> | undefined> {
    const deadline = this.elapsed() + timeoutMs;
    const served = new Map<number, number>();
    while (this.elapsed() < deadline && this.running) {
      const workers = this.workerPids();
      for (const pid of served.keys()) if (!workers.includes(pid)) served.delete(pid);
      if (workers.length === this.workers && workers.every((pid) => served.has(pid))) return served;
      const pid = workers.length > 0 ? await servingPid(this.port, workers) : undefined;
      if (pid !== undefined && !served.has(pid)) served.set(pid, this.elapsed());
      // Nothing new: a worker still starting. Ask again shortly, not at once.
      else await sleep(100);
    }
    return undefined;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /** Running and answering: its start has seen /health answer 200. */
  get ready(): boolean {
    return this.running && this.readyPid !== undefined && this.readyPid === this.child?.pid;
  }

  /** The last few KiB the instance printed. */
  output(): string {
    return this.tail;
  }

  /**
   * Starts the instance and waits until it answers /health. A start that ends before it is ready
   * (on a loaded machine the service's start-up check may not reach the database within
   * MONGODB_SERVER_SELECTION_TIMEOUT_MS) is tried again after a second, as an orchestrator's
   * restart policy would, up to `attempts` times.
   */
  async start(timeoutMs = 120_000, attempts = 5): Promise<InstanceStart> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (error) {
        if (!(error instanceof ExitedBeforeReady) || attempt >= attempts) throw error;
        this.write(`--- instance ${this.slot} exited before it was ready: starting it again\n`);
        await sleep(1000);
      }
    }
  }

  private async startOnce(timeoutMs: number): Promise<InstanceStart> {
    if (this.running) throw new Error(`instance ${this.slot} is already running`);
    const spawnedAt = this.elapsed();
    const inspect =
      this.inspectPort === undefined ? [] : [`--inspect=127.0.0.1:${this.inspectPort}`];
    const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, ...inspect, this.mainJs], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const pid = child.pid ?? -1;
    this.write(
      `--- instance ${this.slot} started at +${(spawnedAt / 1000).toFixed(1)} s, pid ${pid}\n`,
    );
    const keep = (chunk: Buffer) => this.write(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new ExitedBeforeReady(
          `instance ${this.slot} exited before it was ready\n${this.tail}`,
        );
      }
      // With workers, /health answers once the first listens; the others start after it.
      if (
        (await this.health()) === 200 &&
        (this.workers <= 1 || (await this.workersServing(deadline - Date.now())))
      ) {
        this.readyPid = pid;
        return { pid, spawnedAt, readyAt: this.elapsed() };
      }
      await sleep(200);
    }
    await this.kill();
    throw new Error(`instance ${this.slot} was not ready within ${timeoutMs} ms\n${this.tail}`);
  }

  /**
   * SIGKILL of the instance's process: no shutdown hook runs, in-flight requests are cut. Its
   * workers, if any, end with it (each exits as its channel to the primary closes); one still
   * running ORPHAN_PATIENCE_MS later is killed too, and named. Resolves once all are gone.
   * `thaw`: workers the caller stopped (SIGSTOP) to hold requests in flight, continued once the
   * primary is gone, so that each meets its closed channel and ends as it would have.
   */
  async kill(thaw: readonly number[] = []): Promise<InstanceKill> {
    const pids = this.processes();
    if (this.running) {
      this.child?.kill('SIGKILL');
      await this.exited;
    }
    for (const pid of thaw) if (!processGone(pid)) process.kill(pid, 'SIGCONT');
    const at = this.elapsed();
    this.write(`--- instance ${this.slot} killed (SIGKILL) at +${(at / 1000).toFixed(1)} s\n`);
    const workers = pids.slice(1);
    const patience = at + ORPHAN_PATIENCE_MS;
    while (this.elapsed() < patience && !workers.every(processGone)) await sleep(20);
    const orphans = workers.filter((pid) => !processGone(pid));
    for (const pid of orphans) {
      this.write(`--- worker pid ${pid} still running after its primary died: SIGKILL\n`);
      process.kill(pid, 'SIGKILL');
    }
    return { at, pids, orphans };
  }

  /** SIGKILL of one worker (`pid`), not the primary. Resolves once it is gone. */
  async killWorker(pid: number): Promise<number> {
    // process.kill(-1) or (0) would signal every process of the user, or of the group.
    if (!this.workerPids().includes(pid)) {
      throw new Error(`instance ${this.slot} has no worker ${pid} to kill`);
    }
    process.kill(pid, 'SIGKILL');
    while (!processGone(pid)) await sleep(5);
    const at = this.elapsed();
    this.write(
      `--- instance ${this.slot}: worker pid ${pid} killed (SIGKILL) at +${(at / 1000).toFixed(1)} s\n`,
    );
    return at;
  }

  /**
   * SIGTERM, as an orchestrator stops a process: Nest's shutdown hooks run. Like an orchestrator,
   * it sends SIGKILL if the process has not exited after the grace period.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<InstanceStop> {
    const requestedAt = this.elapsed();
    let forced = false;
    if (this.running) {
      this.child?.kill('SIGTERM');
      const timer = setTimeout(() => {
        forced = true;
        this.write(
          `--- instance ${this.slot} still running ${graceMs / 1000} s after SIGTERM: SIGKILL\n`,
        );
        this.child?.kill('SIGKILL');
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    const exitedAt = this.elapsed();
    return { requestedAt, exitedAt, forced };
  }

  async close(): Promise<void> {
    const pids = this.processes();
    await this.stop(5000);
    // A primary killed after the grace leaves workers that exit on their own; none may outlive the run.
    for (const pid of pids.slice(1)) if (!processGone(pid)) process.kill(pid, 'SIGKILL');
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  private async health(): Promise<number> {
    try {
      const res = await request(`${this.origin}/health`, {
        headersTimeout: 3000,
        bodyTimeout: 3000,
      });
      await res.body.text();
      return res.statusCode;
    } catch {
      return 0;
    }
  }

  private write(text: string): void {
    this.log.write(text);
    this.tail = (this.tail + text).slice(-8000);
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const exit = WORKER_EXIT.exec(line);
      if (exit) this.loggedWorkerExits.add(Number(exit[1]));
    }
  }
}

/** The primary's line for a worker that died (src/platform/cluster/primary.ts). */
const WORKER_EXIT = /Worker \d+ \(pid (\d+)\) exited /;

/** The inspector port on a process's command line (a worker's `--inspect-port`, the last one given). */
export function inspectPortOf(pid: number): number | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const ports = args.flatMap((arg) => {
      const match = /^--inspect(?:-port)?=(?:[^:]*:)?(\d+)$/.exec(arg);
      return match ? [Number(match[1])] : [];
    });
    return ports.at(-1);
  } catch {
    return undefined;
  }
}

/**
 * A full collection in the process whose inspector is on `port`, checked to be `pid` (two
 * instances' workers could be given neighbouring ports); false if it was not done within 10 s.
 */
async function collectGarbage(port: number, pid: number): Promise<boolean> {
  let session: InspectorSession | undefined;
  try {
    session = await InspectorSession.connect(port, 3);
    // A process killed meanwhile never answers: give up on this sample after 10 s.
    const giveUp = new AbortController();
    const timeout = sleep(10_000, 'timeout' as const, { signal: giveUp.signal }).catch(
      () => 'cancelled' as const,
    );
    const collected = (async () => {
      const answer = await session.send<{ result: { value?: unknown } }>('Runtime.evaluate', {
        expression: 'process.pid',
        returnByValue: true,
      });
      if (answer.result.value !== pid) return false;
      await session.send('HeapProfiler.collectGarbage');
      return true;
    })();
    const answer = await Promise.race([collected, timeout]);
    giveUp.abort();
    return answer === true;
  } catch {
    // Killed or restarting meanwhile: no sample this time.
    return false;
  } finally {
    session?.close();
  }
}

/** RSS of each of `pids`; undefined if the first (the instance's own process) is gone. */
function residentEach(pids: readonly number[]): ProcessMemory[] | undefined {
  const each = pids.flatMap((pid) => {
    const rssMiB = residentMiB(pid);
    return rssMiB === undefined ? [] : [{ pid, rssMiB }];
  });
  return each[0]?.pid === pids[0] && pids.length > 0 ? each : undefined;
}

function sumOf(processes: readonly ProcessMemory[]): number {
  return processes.reduce((sum, p) => sum + p.rssMiB, 0);
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux); undefined if gone. */
/**
 * Whether process `pid` has ended: gone, or dead and not yet reaped (a zombie). A process killed
 * with SIGKILL closes its sockets as it dies, so one whose peer saw its connection close is
 * already at least a zombie.
 */
export function processGone(pid: number): boolean {
  return stateEnded(processState(pid));
}

/** Whether a `processState` is one of a process that has ended (gone, a zombie, dead). */
export function stateEnded(state: string): boolean {
  return state === 'gone' || state === 'Z' || state === 'X';
}

/** The state letter of process `pid` in /proc/<pid>/stat (R, S, T, Z, …), or 'gone'. */
export function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return 'gone';
  }
}

export function residentMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

class ExitedBeforeReady extends Error {}
