/** Command-line options of `npm run fleet` and `npm run soak`, and the fault schedule they imply. */
import { type Mutable, readOptions } from '../../bench/lib/command-line';

export type FaultKind = 'database-outage' | 'instance-kill' | 'fleet-restart';

export interface FleetOptions {
  readonly mode: 'fleet' | 'soak';
  /** Seconds of load; every fault happens while it runs. */
  readonly seconds: number;
  /** Seconds between the starts of two faults (the first comes one interval after the start). */
  readonly faultIntervalSeconds: number;
  /** A new process is left alone this long before its memory counts as its baseline. */
  readonly warmupSeconds: number;
  /** How long the database stays stopped (the 10 s). */
  readonly outageSeconds: number;
  /** How long a killed instance stays down before it is started again. */
  readonly killDownSeconds: number;
  /** Traffic loops running at once; each runs one scenario (login, refresh...) at a time. */
  readonly workers: number;
  /** Device authorizations (RFC 8628) under way at once, each polled at its interval. */
  readonly deviceLoops: number;
  /** Login sessions signed in, given tokens for two RPs and ended at once (back-channel logout). */
  readonly logoutLoops: number;
  /** At most this many HTTP requests in flight from the harness at any moment. */
  readonly inFlight: number;
  /**
   * Scenarios the traffic loops start per second, all together (0: each loop starts its next as
   * soon as the last is answered, as fast as the machine serves them).
   */
  readonly scenariosPerSecond: number;
  /** RSS sampling period. */
  readonly sampleMs: number;
  /**
   * Period of the RSS read just after a garbage collection forced through the inspector (0: none).
   * What survives a collection is what a leak grows; RSS between them saw-tooths with garbage.
   */
  readonly gcSampleMs: number;
  /** Report file (relative to the project root), or '-' for none. */
  readonly out: string;
  /** Reuse the service build in dist-fleet/ instead of compiling src/ again. */
  readonly skipBuild: boolean;
}

/** The CI profile: about 80 s of load with one fault of each kind. */
export const FLEET_DEFAULTS: FleetOptions = {
  mode: 'fleet',
  seconds: 80,
  faultIntervalSeconds: 20,
  warmupSeconds: 10,
  outageSeconds: 10,
  killDownSeconds: 2,
  workers: 6,
  deviceLoops: 2,
  logoutLoops: 3,
  inFlight: 12,
  // Paced: the run proves behaviour under faults, not throughput. Unpaced, three instances on a
  // 2-core CI machine took whatever CPU they got for the whole run (the test run's largest cost);
  // ~15 scenarios (~27 requests) a second still give each check hundreds of samples.
  scenariosPerSecond: 15,
  sampleMs: 1000,
  // The CI profile's processes live too briefly to judge memory; no forced collections in it.
  gcSampleMs: 0,
  out: '-',
  skipBuild: false,
};

export const SOAK_DEFAULTS: FleetOptions = {
  mode: 'soak',
  seconds: 600,
  faultIntervalSeconds: 60,
  // A restarted instance's heap grows to its working size over its first minute.
  warmupSeconds: 60,
  outageSeconds: 10,
  killDownSeconds: 5,
  workers: 8,
  deviceLoops: 3,
  logoutLoops: 3,
  inFlight: 16,
  scenariosPerSecond: 0,
  sampleMs: 2000,
  gcSampleMs: 5000,
  out: 'docs/RELIABILITY.md',
  skipBuild: false,
};

export const USAGE = `npm run fleet -- [options]      about 80 s, one fault of each kind; exits 1 if a check fails
npm run soak -- --minutes N [options]   N minutes, faults at intervals; writes docs/RELIABILITY.md
  --minutes N       minutes of load (soak; at least 2)
  --seconds N       seconds of load (fleet; at least 60)
  --workers N       traffic loops (fleet ${FLEET_DEFAULTS.workers}, soak ${SOAK_DEFAULTS.workers})
  --in-flight N     most requests in flight at once (fleet ${FLEET_DEFAULTS.inFlight}, soak ${SOAK_DEFAULTS.inFlight})
  --rate N          scenarios started per second, 0 for as fast as answered (fleet ${FLEET_DEFAULTS.scenariosPerSecond}, soak ${SOAK_DEFAULTS.scenariosPerSecond})
  --out FILE        report file (soak default ${SOAK_DEFAULTS.out}); - for none
  --skip-build      reuse dist-fleet/ instead of compiling src/`;

/** Parses argv (without node and the script); `--soak` first selects the soak profile. */
export function parseOptions(argv: readonly string[]): FleetOptions {
  const soak = argv[0] === '--soak';
  const options: Mutable<FleetOptions> = soak ? { ...SOAK_DEFAULTS } : { ...FLEET_DEFAULTS };
  readOptions(soak ? argv.slice(1) : argv, {
    '--minutes': (value) => {
      if (!soak) throw new Error('--minutes is for `npm run soak`; use --seconds here');
      options.seconds = value.integer(2, 24 * 60) * 60;
    },
    '--seconds': (value) => {
      if (soak) throw new Error('--seconds is for `npm run fleet`; use --minutes here');
      options.seconds = value.integer(60, 3600);
    },
    '--workers': (value) => (options.workers = value.integer(1, 64)),
    '--in-flight': (value) => (options.inFlight = value.integer(3, 256)),
    '--rate': (value) => (options.scenariosPerSecond = value.integer(0, 10_000)),
    '--out': (value) => (options.out = value.file()),
    '--skip-build': () => (options.skipBuild = true),
  });
  if (soak) options.faultIntervalSeconds = Math.min(60, options.seconds / 4);
  return options;
}

/** The command that reproduces these options, for the report. */
export function commandLine(options: FleetOptions): string {
  const defaults = options.mode === 'soak' ? SOAK_DEFAULTS : FLEET_DEFAULTS;
  const parts: string[] = [];
  if (options.mode === 'soak') parts.push(`--minutes ${options.seconds / 60}`);
  else if (options.seconds !== defaults.seconds) parts.push(`--seconds ${options.seconds}`);
  if (options.workers !== defaults.workers) parts.push(`--workers ${options.workers}`);
  if (options.inFlight !== defaults.inFlight) parts.push(`--in-flight ${options.inFlight}`);
  if (options.scenariosPerSecond !== defaults.scenariosPerSecond) {
    parts.push(`--rate ${options.scenariosPerSecond}`);
  }
  if (options.out !== defaults.out) parts.push(`--out ${options.out}`);
  if (options.skipBuild) parts.push('--skip-build');
  const command = `npm run ${options.mode}`;
  return parts.length > 0 ? `${command} -- ${parts.join(' ')}` : command;
}

export interface ScheduledFault {
  /** Seconds after the load starts; a fault starts then or when the previous one has ended. */
  readonly atSeconds: number;
  readonly kind: FaultKind;
  /** The instance killed (instance-kill only). Instance 0 is never killed: its memory trace spans the run. */
  readonly victim?: number;
}

/**
 * Faults every interval, leaving half an interval of quiet load at the end: database outages and
 * instance kills in turn (victims 1 and 2 alternately), and a restart of the whole fleet last, so
 * that instance 0 runs from the start to that last fault and its memory is seen over most of the
 * run. At least one fault of each kind.
 */
export function faultSchedule(options: FleetOptions): ScheduledFault[] {
  const interval = options.faultIntervalSeconds;
  const slots = Math.max(3, Math.floor((options.seconds - interval / 2) / interval));
  const faults: ScheduledFault[] = [];
  let kills = 0;
  for (let slot = 1; slot < slots; slot++) {
    const atSeconds = slot * interval;
    if (slot % 2 === 1) {
      faults.push({ atSeconds, kind: 'database-outage' });
    } else {
      faults.push({ atSeconds, kind: 'instance-kill', victim: 1 + (kills++ % 2) });
    }
  }
  faults.push({ atSeconds: slots * interval, kind: 'fleet-restart' });
  return faults;
}
