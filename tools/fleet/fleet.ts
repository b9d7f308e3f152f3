/**
 * A fleet: three Proofgate instances (each one process, or a primary and its workers), started
 * from one build, on one database server, with the
 * settings a fleet shares (issuer, key-encryption secret, database) and the harness's own: limits
 * out of the way except the login limit (see the rate-limit check), database outages answered
 * fast, and a code lifetime long enough to hold codes across a fault.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, stablePorts } from '../../bench/lib/processes';
import { INSTANCES } from './options';
import { FleetDatabase, FleetInstance, type Elapsed, type ProcessMemory } from './processes';

/** The one issuer every instance signs as, as behind a load balancer (a name, never contacted). */
export const ISSUER = 'http://proofgate.fleet.localhost';
export const DATABASE_NAME = 'proofgate_fleet';
/** Per-IP login attempts per minute: low, for the check of today's per-instance limiter. */
export const LOGIN_LIMIT = 10;
/** How long a request waits for the database before the service answers 503. */
export const SERVER_SELECTION_TIMEOUT_MS = 1000;
/** Held codes must outlive a fault (the default is 60 s). */
export const AUTH_CODE_TTL_SECONDS = 180;
/**
 * A refresh whose rotation committed just before a fault, its answer then lost or a 503, is
 * retried once the fleet is back: up to the outage (10 s) plus the recovery (≤ 5 s) later. The
 * grace window must outlast that for the retry to get its successor, as it does for a client
 * retrying at once (the default is 10 s; the check is of the server, not of this window).
 */
export const REFRESH_TOKEN_GRACE_SECONDS = 60;

export interface MemorySample {
  readonly slot: number;
  /** The instance's own process (the primary of workers): one pid is one life of the instance. */
  readonly pid: number;
  readonly at: number;
  /** Every process of the instance summed: what its host must have room for. */
  readonly rssMiB: number;
  /** Each process's share, the instance's own first (one entry without workers). */
  readonly processes: readonly ProcessMemory[];
}

export class Fleet {
  readonly instances: FleetInstance[] = [];
  readonly memory: MemorySample[] = [];
  /** RSS read just after a forced full garbage collection (startSampling's `gcEveryMs`). */
  readonly memoryAfterGc: MemorySample[] = [];
  /** Every process start: slot, pid, when spawned and when ready. */
  readonly starts: { slot: number; pid: number; spawnedAt: number; readyAt: number }[] = [];
  private sampler?: NodeJS.Timeout;
  private gcSampler?: NodeJS.Timeout;

  private constructor(
    readonly database: FleetDatabase,
    private readonly elapsed: Elapsed,
  ) {}

  /**
   * Starts the database (H2 file in `runDir`), then the first instance from `distDir`, then the
   * others at once, each with its WORKERS from `instanceWorkers` (by slot). `inspect`: each
   * instance listens for the inspector on a loopback port of its own (its workers on the ports
   * after it), so that `startSampling` can force garbage collections (the soak).
   */
  static async start(
    distDir: string,
    runDir: string,
    elapsed: Elapsed,
    instanceWorkers: readonly number[],
    inspect = false,
    /** Settings of the run's own (OAUTH_CLIENTS naming the harness's relying parties). */
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<Fleet> {
    const database = new FleetDatabase(join(runDir, 'fleet.mv'), elapsed);
    await database.start();
    const fleet = new Fleet(database, elapsed);
    try {
      const secret = randomBytes(36).toString('base64url');
      // Restarted on their ports under the faults: ports no other process is handed meanwhile.
      const ports = await stablePorts(INSTANCES);
      for (let slot = 0; slot < INSTANCES; slot++) {
        const port = ports[slot];
        const workers = instanceWorkers[slot] ?? 1;
        const env = {
          ...serviceEnv(port, database.uri(DATABASE_NAME), secret),
          WORKERS: String(workers),
          ...extraEnv,
        };
        const log = join(runDir, `instance-${slot}.log`);
        const inspectPort = inspect ? await freePort() : undefined;
        fleet.instances.push(
          new FleetInstance(
            slot,
            port,
            workers,
            join(distDir, 'main.js'),
            env,
            log,
            elapsed,
            inspectPort,
          ),
        );
      }
      // The first instance alone creates the collections and indexes; then the others, at once.
      // mongo-java-server's collection creation is not atomic: two instances creating the same
      // collection at the same moment can leave the server holding a collection object without
      // its _id index, after which every update of that collection fails ("Expected one element
      // but got zero") until the server restarts. Seen once in a CI dry run (all challenge
      // redemptions of the run's first 20 s); real MongoDB creates collections atomically.
      const [first, ...others] = fleet.instances;
      await fleet.startInstance(first);
      await Promise.all(others.map((instance) => fleet.startInstance(instance)));
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  get origins(): string[] {
    return this.instances.map((instance) => instance.origin);
  }

  async startInstance(instance: FleetInstance): Promise<{ spawnedAt: number; readyAt: number }> {
    const started = await instance.start();
    this.starts.push({ slot: instance.slot, ...started });
    return started;
  }

  /**
   * RSS every `everyMs`; with `gcEveryMs` > 0, also RSS after a forced GC that often. Each is of
   * an instance's every process (a primary and its workers), summed.
   */
  startSampling(everyMs: number, gcEveryMs = 0): void {
    if (gcEveryMs > 0) {
      let busy = false;
      this.gcSampler = setInterval(() => {
        if (busy) return;
        busy = true;
        void this.sampleAfterGc().finally(() => (busy = false));
      }, gcEveryMs);
    }
    // A process is sampled once it serves: on a loaded machine a start can take longer than the
    // warm-up, and RSS before the app is up is no baseline for its working size.
    const sample = () => {
      const at = this.elapsed();
      for (const instance of this.instances) {
        const resident = instance.ready ? instance.resident() : undefined;
        if (resident) this.memory.push({ slot: instance.slot, at, ...resident });
      }
    };
    sample();
    this.sampler = setInterval(sample, everyMs);
  }

  stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    if (this.gcSampler) clearInterval(this.gcSampler);
    this.sampler = undefined;
    this.gcSampler = undefined;
  }

  /** Forced collections in each running instance, one after the other, then its RSS. */
  private async sampleAfterGc(): Promise<void> {
    for (const instance of this.instances) {
      const sample = await instance.residentAfterGc();
      if (sample) {
        this.memoryAfterGc.push({ slot: instance.slot, at: this.elapsed(), ...sample });
      }
    }
  }

  async close(): Promise<void> {
    this.stopSampling();
    await Promise.all(this.instances.map((instance) => instance.close()));
    await this.database.stop();
  }
}

/**
 * Production settings, the demo users and clients seeded, one issuer and one key-encryption
 * secret for the whole fleet (so every instance opens the same signing key and derives the same
 * refresh-token successors).
 */
/** `interval` of the fleet's device codes, in seconds. */
export const DEVICE_CODE_INTERVAL_SECONDS = 2;
/**
 * One logout delivery attempt's time limit. The slow RP holds a token the kill's victim sends
 * until the kill (logout.ts): the attempt must outlast the kill's burst of exchanges on a loaded
 * machine, or the victim gives it up first. A delivery leased by a killed instance is claimed
 * again this + 30 s after its claim, inside the run.
 */
export const BACKCHANNEL_LOGOUT_TIMEOUT_MS = 20_000;

function serviceEnv(port: number, mongoUri: string, secret: string): NodeJS.ProcessEnv {
  const unlimited = '100000000';
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    SEED_DEMO_DATA: 'true',
    KEY_ENCRYPTION_SECRET: secret,
    MONGODB_URI: mongoUri,
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: String(SERVER_SELECTION_TIMEOUT_MS),
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER,
    // Production refuses an http issuer unless told: the fleet runs on loopback only.
    ALLOW_INSECURE_ISSUER: 'true',
    LOG_LEVEL: 'warn',
    AUTH_CODE_TTL_SECONDS: String(AUTH_CODE_TTL_SECONDS),
    REFRESH_TOKEN_GRACE_SECONDS: String(REFRESH_TOKEN_GRACE_SECONDS),
    RATE_LIMIT_TOKEN_PER_IP: unlimited,
    RATE_LIMIT_TOKEN_PER_CLIENT: unlimited,
    RATE_LIMIT_WALLET_PER_IP: unlimited,
    RATE_LIMIT_WALLET_PER_ADDRESS: unlimited,
    RATE_LIMIT_AUTHORIZE_PER_IP: unlimited,
    RATE_LIMIT_METADATA_PER_IP: unlimited,
    // Every device approval is user0's, from addresses of a few /24s.
    RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT: unlimited,
    RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK: unlimited,
    RATE_LIMIT_LOGIN_PER_IP: String(LOGIN_LIMIT),
    // Device codes polled every 2 s (RFC 8628 §3.5; the default 5 s leaves few polls in a run).
    DEVICE_CODE_INTERVAL_SECONDS: String(DEVICE_CODE_INTERVAL_SECONDS),
    // The relying parties' logout endpoints are the harness's, on loopback (tools/fleet/logout.ts).
    BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true',
    BACKCHANNEL_LOGOUT_TIMEOUT_MS: String(BACKCHANNEL_LOGOUT_TIMEOUT_MS),
    BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '500',
    BACKCHANNEL_LOGOUT_FIRST_RETRY_MS: '500',
    // The rate-limit check speaks for a client address of its own (X-Forwarded-For from the
    // loopback proxy), so exhausting its limit leaves the load's logins alone.
    TRUST_PROXY: 'loopback',
  };
}
