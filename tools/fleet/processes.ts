/**
 * The processes of a fleet: one database server (mongo-java-server, H2 backend on a file, so a
 * restart on the same port finds the data again) and Proofgate instances, each its own Node
 * process on its own port, started from one build. Every output line of an instance goes to its
 * log file in the run folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { stablePorts } from '../../bench/lib/processes';
import { PRODUCTION_NODE_FLAGS } from '../../bench/lib/proofgate';
import { InspectorSession } from '../../bench/profile/inspector-session';
import { startMongoServer, type MongoServerHandle } from '../mongo-server/launch';

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

export interface InstanceStart {
  readonly pid: number;
  /** When the process was spawned. */
  readonly spawnedAt: number;
  /** When it first answered /health with 200. */
  readonly readyAt: number;
}

/** One Proofgate process on a fixed port; started again on the same port after a stop or kill. */
export class FleetInstance {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** The pid whose start saw /health answer 200. */
  private readyPid?: number;
  private readonly log: WriteStream;
  private tail = '';

  constructor(
    readonly slot: number,
    readonly port: number,
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
   * Forces a full garbage collection through the inspector and reads RSS after it: what the
   * process keeps, without the garbage the collector had not reached yet. Undefined when the
   * instance is down, starting, or has no inspector.
   */
  async residentAfterGc(): Promise<{ pid: number; rssMiB: number } | undefined> {
    const pid = this.pid;
    if (this.inspectPort === undefined || pid === undefined) return undefined;
    let session: InspectorSession | undefined;
    try {
      session = await InspectorSession.connect(this.inspectPort, 3);
      // A process killed meanwhile never answers: give up on this sample after 10 s.
      const giveUp = new AbortController();
      const timeout = sleep(10_000, 'timeout' as const, { signal: giveUp.signal }).catch(
        () => 'cancelled' as const,
      );
      const answer = await Promise.race([session.send('HeapProfiler.collectGarbage'), timeout]);
      giveUp.abort();
      if (answer === 'timeout') return undefined;
      const rssMiB = this.pid === pid ? residentMiB(pid) : undefined;
      return rssMiB === undefined ? undefined : { pid, rssMiB };
    } catch {
      // Killed or restarting meanwhile: no sample this time.
      return undefined;
    } finally {
      session?.close();
    }
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
      if ((await this.health()) === 200) {
        this.readyPid = pid;
        return { pid, spawnedAt, readyAt: this.elapsed() };
      }
      await sleep(200);
    }
    await this.kill();
    throw new Error(`instance ${this.slot} was not ready within ${timeoutMs} ms\n${this.tail}`);
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests are cut. Resolves once it is gone. */
  async kill(): Promise<number> {
    if (this.running) {
      this.child?.kill('SIGKILL');
      await this.exited;
    }
    const at = this.elapsed();
    this.write(`--- instance ${this.slot} killed (SIGKILL) at +${(at / 1000).toFixed(1)} s\n`);
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
    await this.stop(5000);
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
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux); undefined if gone. */
/**
 * Whether process `pid` has ended: gone, or dead and not yet reaped (a zombie). A process killed
 * with SIGKILL closes its sockets as it dies, so one whose peer saw its connection close is
 * already at least a zombie.
 */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
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
