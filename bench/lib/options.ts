/** Command-line options of `npm run bench -- ...`. */
import { type Mutable, readOptions } from './command-line';

export interface BenchOptions {
  /** Measured rounds; each runs every phase once. */
  readonly rounds: number;
  /** Concurrent keep-alive connections of the load generator. */
  readonly connections: number;
  /**
   * Concurrent connections of the authorization request phase: browsers, each waiting for its
   * redirect, fewer at once than the clients' back ends at /token.
   */
  readonly authorizeConnections: number;
  /** Code exchanges per server and round (the compared phase). */
  readonly requests: number;
  /** Requests per round of Proofgate's other phases (refresh, /api/me, nonce, verify). */
  readonly phaseRequests: number;
  /** Requests per phase in the unrecorded warm-up round (0: none). */
  readonly warmup: number;
  /** Run only one side of the comparison. */
  readonly only?: 'proofgate' | 'oidc';
  /** Also measure the floor (bare Express, ES256 signing, one findOne). */
  readonly floor: boolean;
  /** Reuse the service build in dist-bench/ instead of compiling src/ again. */
  readonly skipBuild: boolean;
  /**
   * Where the Markdown report goes (relative to the project root); '-' (the default) for nowhere:
   * docs/BENCHMARKS.md is tracked, so a run rewrites it only when asked (`--write`).
   */
  readonly out: string;
  /** Authorization code lifetime given to both servers, seconds. */
  readonly codeTtlSeconds: number;
  /** The whole run is stopped after this many minutes. */
  readonly timeoutMinutes: number;
  /**
   * Run Proofgate with OpenTelemetry tracing on (every request sampled, spans exported over
   * OTLP/HTTP protobuf to a sink in the bench process), to measure what tracing costs.
   */
  readonly tracing: boolean;
  /**
   * Proofgate's phase groups to run (`--phases`), in the order they run; all of them by default.
   * A run of some writes a section of its own into the report file, not the whole report.
   */
  readonly phases: readonly PhaseGroup[];
  /**
   * Processes per server (`--workers`): Proofgate's WORKERS, and node-oidc-provider in as many
   * `cluster` workers, so that the comparison is of two instances of the same shape. CPU and
   * memory count every process of an instance.
   */
  readonly workers: number;
}

/**
 * Proofgate's phases in the groups that run together (a group's later phases redeem what its
 * earlier ones issued): `oauth` the authorization request, the code exchange, refresh, /api/me
 * and client_credentials; `siwe` nonce issue and verify; `oid4vp` the identity-wallet
 * presentation (compared with SIWE verify, so it brings `siwe` along); `ciba` a backchannel
 * request, its pending poll, the person's approval and the poll that redeems it (compared with
 * the refresh and the code exchange, so it brings `oauth` along); `admin` a page of the admin API's
 * list of a person's 1,000 grants (compared with /api/me, so it brings `oauth` along); `ssf` the
 * code exchange, wallet verify and an operator's lock-down and lift, each with a Shared Signals
 * push stream and without (issue #80), compared with each other within the round.
 */
export const PHASE_GROUPS = [
  'oauth',
  'dpop',
  'siwe',
  'passkey',
  'siws',
  'siwb',
  'oid4vp',
  'ciba',
  'admin',
  'ssf',
] as const;
export type PhaseGroup = (typeof PHASE_GROUPS)[number];

/** The groups a group's targets compare it with: run with it. */
const COMPARED_WITH: Partial<Record<PhaseGroup, readonly PhaseGroup[]>> = {
  dpop: ['oauth'],
  passkey: ['siwe'],
  siws: ['siwe'],
  siwb: ['siwe'],
  oid4vp: ['siwe'],
  ciba: ['oauth'],
  admin: ['oauth'],
};

/** Whether the run is of some of Proofgate's phases only (`--phases`). */
export function somePhasesOnly(options: BenchOptions): boolean {
  return options.phases.length < PHASE_GROUPS.length;
}

/** The tracked report `--write` rewrites. */
export const BENCHMARKS_FILE = 'docs/BENCHMARKS.md';

/** Requests of the nonce phase, in multiples of the other phases' (`--phase-requests`). */
export const NONCE_PHASE_FACTOR = 2;

export const DEFAULTS: BenchOptions = {
  rounds: 5,
  connections: 50,
  authorizeConnections: 8,
  requests: 2000,
  phaseRequests: 2000,
  warmup: 1000,
  floor: true,
  skipBuild: false,
  out: '-',
  codeTtlSeconds: 300,
  timeoutMinutes: 45,
  tracing: false,
  phases: PHASE_GROUPS,
  workers: 1,
};

export const USAGE = `npm run bench -- [options]
Proofgate against node-oidc-provider and the floor, phase by phase, on one embedded database.

  --rounds N        measured rounds (default ${DEFAULTS.rounds})
  --connections N   concurrent connections of the load generator (default ${DEFAULTS.connections})
  --authorize-connections N  connections of the authorization request phase (default ${DEFAULTS.authorizeConnections})
  --requests N      authorization requests and code exchanges per server and round (default ${DEFAULTS.requests})
  --phase-requests N  requests per round of Proofgate's other phases (twice that for nonce issue), at most --requests
                    (default ${DEFAULTS.phaseRequests})
  --warmup N        requests per phase in the unrecorded warm-up round, 0 for none (default ${DEFAULTS.warmup})
  --only proofgate|oidc   one side only (no ratio)
  --no-floor        skip the floor measurements
  --skip-build      reuse dist-bench/ instead of compiling src/
  --write           write the report into ${BENCHMARKS_FILE} (default: print the summary only)
  --out FILE        write the report into FILE instead
  --help            this text
  --code-ttl S      authorization code lifetime on both servers (default ${DEFAULTS.codeTtlSeconds})
  --timeout MIN     stop everything after MIN minutes (default ${DEFAULTS.timeoutMinutes})
  --tracing         Proofgate with OpenTelemetry traces on, exported to a local OTLP sink (its cost)
  --phases LIST     only these of Proofgate's phase groups, comma-separated (with those their targets
                    compare them with): ${PHASE_GROUPS.join(', ')}; --write then writes their own
                    section of ${BENCHMARKS_FILE}, not the whole report (with --only proofgate --no-floor)
  --workers N       processes per server: Proofgate's WORKERS, node-oidc-provider's cluster workers
                    (default ${DEFAULTS.workers})`;

/** Parses argv (without node and the script); throws with a message naming the bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: Mutable<BenchOptions> = { ...DEFAULTS };
  readOptions(argv, {
    '--rounds': (value) => (options.rounds = value.integer(1, 50)),
    '--connections': (value) => (options.connections = value.integer(1, 1000)),
    '--authorize-connections': (value) => (options.authorizeConnections = value.integer(1, 1000)),
    '--requests': (value) => (options.requests = value.integer(1, 100_000)),
    '--phase-requests': (value) => (options.phaseRequests = value.integer(1, 100_000)),
    '--warmup': (value) => (options.warmup = value.integer(0, 100_000)),
    '--only': (value) => (options.only = value.oneOf(['proofgate', 'oidc'])),
    '--no-floor': () => (options.floor = false),
    '--skip-build': () => (options.skipBuild = true),
    '--write': () => (options.out = BENCHMARKS_FILE),
    '--out': (value) => (options.out = value.file()),
    '--code-ttl': (value) => (options.codeTtlSeconds = value.integer(10, 600)),
    '--timeout': (value) => (options.timeoutMinutes = value.integer(1, 240)),
    '--tracing': () => (options.tracing = true),
    '--phases': (value) => (options.phases = phaseGroups(value.list(PHASE_GROUPS))),
    '--workers': (value) => (options.workers = value.integer(1, 64)),
  });
  // Refresh tokens and access tokens come from the exchange phase: there are --requests of them.
  options.phaseRequests = Math.min(options.phaseRequests, options.requests);
  return options;
}

/** The options as they would be typed, for the report: only those that differ from the defaults. */
export function commandLine(options: BenchOptions): string {
  const parts: string[] = [];
  const add = (flag: string, value: unknown, fallback: unknown) => {
    if (value !== fallback) parts.push(value === true ? flag : `${flag} ${String(value)}`);
  };
  add('--rounds', options.rounds, DEFAULTS.rounds);
  add('--connections', options.connections, DEFAULTS.connections);
  add('--authorize-connections', options.authorizeConnections, DEFAULTS.authorizeConnections);
  add('--requests', options.requests, DEFAULTS.requests);
  add(
    '--phase-requests',
    options.phaseRequests,
    Math.min(DEFAULTS.phaseRequests, options.requests),
  );
  add('--warmup', options.warmup, DEFAULTS.warmup);
  if (options.only) parts.push(`--only ${options.only}`);
  if (!options.floor) parts.push('--no-floor');
  add('--skip-build', options.skipBuild, false);
  if (options.out === BENCHMARKS_FILE) parts.push('--write');
  else add('--out', options.out, DEFAULTS.out);
  add('--code-ttl', options.codeTtlSeconds, DEFAULTS.codeTtlSeconds);
  add('--timeout', options.timeoutMinutes, DEFAULTS.timeoutMinutes);
  add('--tracing', options.tracing, false);
  if (somePhasesOnly(options)) parts.push(`--phases ${options.phases.join(',')}`);
  add('--workers', options.workers, DEFAULTS.workers);
  return parts.length ? `npm run bench -- ${parts.join(' ')}` : 'npm run bench';
}

/** `asked` with the groups their targets compare them with, in the order the groups run. */
function phaseGroups(asked: readonly PhaseGroup[]): PhaseGroup[] {
  const wanted = new Set(asked.flatMap((group) => [group, ...(COMPARED_WITH[group] ?? [])]));
  return PHASE_GROUPS.filter((group) => wanted.has(group));
}
