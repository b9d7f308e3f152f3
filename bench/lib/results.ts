import type { LoadResult } from '../loadgen/protocol';
import type { BenchOptions } from './options';
import type { Machine, MemoryAfterRun } from './processes';
import { median, medianRatio } from './stats';
import type { RoundTrips } from './wire-counter';

export type Side = 'proofgate' | 'oidc';

export const PHASES = {
  'proofgate.authorize':
    'Proofgate GET /authorize (signed in, first-party client: 302 with a code)',
  'proofgate.authorize_browsers':
    'Proofgate GET /authorize (a browser a connection, each a person who allowed a partner; openid + nonce: 302 with a code)',
  'proofgate.exchange': 'Proofgate POST /token (authorization_code + PKCE)',
  'proofgate.refresh': 'Proofgate POST /token (refresh_token)',
  'proofgate.me': 'Proofgate GET /api/me',
  'proofgate.dpop_exchange': 'Proofgate POST /token (authorization_code + PKCE, DPoP proof)',
  'proofgate.dpop_me': 'Proofgate GET /api/me (DPoP-bound token, DPoP proof)',
  'proofgate.nonce': 'Proofgate POST /wallet/nonce',
  'proofgate.verify': 'Proofgate POST /wallet/verify',
  'proofgate.passkey': 'Proofgate POST /passkeys/authentication/verify',
  'proofgate.passkey-phrh':
    'Proofgate POST /passkeys/authentication/verify (a hardware-bound passkey: acr phrh)',
  'proofgate.siws-nonce': 'Proofgate POST /wallet/nonce (Solana)',
  'proofgate.siws-verify': 'Proofgate POST /wallet/verify (Solana, Ed25519)',
  'proofgate.siwb-nonce': 'Proofgate POST /wallet/nonce (Bitcoin, P2WPKH and P2TR addresses)',
  'proofgate.siwb-verify': 'Proofgate POST /wallet/verify (Bitcoin P2WPKH, BIP-322 ECDSA)',
  'proofgate.siwb-p2tr-verify': 'Proofgate POST /wallet/verify (Bitcoin P2TR, BIP-322 Schnorr)',
  'proofgate.oid4vp-verify':
    'Proofgate POST /oid4vp/response (identity wallet: an SD-JWT VC presented, direct_post)',
  'proofgate.client_credentials': 'Proofgate POST /token (client_credentials, private_key_jwt)',
  'proofgate.ciba-request': 'Proofgate POST /backchannel (CIBA: an agent asks for a person)',
  'proofgate.ciba-poll': 'Proofgate POST /token (CIBA poll, pending, in time)',
  'proofgate.ciba-poll-lone': 'Proofgate POST /token (CIBA poll, pending, in time, one connection)',
  'proofgate.ciba-approve': 'Proofgate POST /account/approvals/{id}/approve (the signed-in person)',
  'proofgate.ciba-token': 'Proofgate POST /token (CIBA poll, approved: the tokens)',
  'proofgate.admin-grants':
    "Proofgate GET /admin/v1/grants (admin:read, a page of 100 of a person's 1,000 grants)",
  'proofgate.admin-grants-lone':
    "Proofgate GET /admin/v1/grants (admin:read, a page of 100 of a person's 1,000 grants, one connection)",
  'proofgate.ssf-off-exchange': 'Proofgate POST /token (authorization_code + PKCE), no SSF stream',
  'proofgate.ssf-on-exchange':
    'Proofgate POST /token (authorization_code + PKCE), a push stream of every account',
  'proofgate.ssf-off-verify': 'Proofgate POST /wallet/verify, no SSF stream',
  'proofgate.ssf-on-verify': 'Proofgate POST /wallet/verify, a push stream of every account',
  'proofgate.ssf-off-disable':
    'Proofgate PATCH /admin/v1/users/{username} (lock-down), no SSF stream',
  'proofgate.ssf-on-disable':
    'Proofgate PATCH /admin/v1/users/{username} (lock-down), a push stream: one SET each, pushed',
  'proofgate.ssf-off-enable': 'Proofgate PATCH /admin/v1/users/{username} (lift), no SSF stream',
  'proofgate.ssf-on-enable':
    'Proofgate PATCH /admin/v1/users/{username} (lift), a push stream: one SET each, pushed',
  'oidc.authorize': 'oidc-provider GET /auth (signed in, grant stored: 303 with a code)',
  'oidc.authorize_browsers':
    'oidc-provider GET /auth (a browser a connection, each a person who allowed a partner; openid + nonce: 303 with a code)',
  'oidc.exchange': 'oidc-provider POST /token (authorization_code + PKCE)',
  'oidc.client_credentials': 'oidc-provider POST /token (client_credentials, private_key_jwt)',
  'floor.noop': 'Express POST, JSON in and out, nothing else',
  'floor.sign': 'Express POST + one jose ES256 JWT signature',
  'floor.find': 'Express POST + one MongoDB findOne by _id',
  'floor.nest': 'NestJS POST, DTO validated, JSON in and out, nothing else',
} as const;

export type PhaseKey = keyof typeof PHASES;

export interface PhaseRecord {
  readonly key: PhaseKey;
  /** 1-based measured round; 0 for the warm-up round. */
  readonly round: number;
  readonly load: Omit<LoadResult, 'captured'>;
  readonly trips: RoundTrips;
  /**
   * The server process's CPU time (user + system, /proc/<pid>/stat) per request, µs, over the same
   * window as `trips`; absent where it could not be read. Steadier than req/s on a shared machine.
   */
  readonly cpuUsPerRequest?: number;
}

export interface Calibration {
  readonly n: number;
  readonly sign: { readonly perSecond: number; readonly microseconds: number };
  readonly findOne: { readonly perSecond: number; readonly microseconds: number };
}

export interface BenchReport {
  readonly options: BenchOptions;
  readonly command: string;
  readonly startedAt: Date;
  readonly seconds: number;
  readonly machine: Machine;
  readonly loadAverageAfter: string;
  readonly source: string;
  /** The service build in dist-bench/ was an earlier run's (--skip-build). */
  readonly buildReused: boolean;
  readonly database: string;
  /** The order the two code exchanges ran in, per measured round. */
  readonly orders: readonly (readonly Side[])[];
  readonly records: readonly PhaseRecord[];
  readonly memory: Partial<Record<Side, MemoryAfterRun>>;
  /** Database requests per second while nothing was sent to the server, per side. */
  readonly idleRate: Partial<Record<Side, number>>;
  readonly calibration?: Calibration;
  /** How long after a phase's last answer its database requests were still counted. */
  readonly settleMs: number;
  /** New wallet accounts per round, whose nonces the verify phase redeems. */
  readonly walletAccounts: number;
  readonly versions: Readonly<Record<string, string>>;
  /** The SETs the Shared Signals phases' receiver accepted, per phase and round (`ssf`). */
  readonly signals?: readonly SignalsCount[];
}

/** The SETs a receiver accepted over one phase of one round. */
export interface SignalsCount {
  readonly key: PhaseKey;
  readonly round: number;
  readonly sets: number;
}

/** The Shared Signals A/B phases: the same requests with a push stream (`on`) and without. */
export type SignalsState = 'on' | 'off';
export type SignalsWork = 'exchange' | 'verify' | 'disable' | 'enable';
export function signalsKey(state: SignalsState, work: SignalsWork): PhaseKey {
  return `proofgate.ssf-${state}-${work}`;
}

export interface PhaseSummary {
  readonly key: PhaseKey;
  readonly rounds: number;
  readonly requestsPerRound: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Database requests per HTTP request, over all measured rounds. */
  readonly tripsPerRequest: number;
  /** The same, by command. */
  readonly commands: Readonly<Record<string, number>>;
}

/** Medians over the measured rounds of one phase; undefined when it never ran. */
export function summarizePhase(
  records: readonly PhaseRecord[],
  key: PhaseKey,
): PhaseSummary | undefined {
  const runs = records.filter((r) => r.key === key && r.round > 0);
  if (runs.length === 0) return undefined;
  const requests = runs.reduce((sum, r) => sum + r.load.requests, 0);
  const commands: Record<string, number> = {};
  for (const run of runs) {
    for (const [command, count] of Object.entries(run.trips.byCommand)) {
      commands[command] = (commands[command] ?? 0) + count;
    }
  }
  for (const command of Object.keys(commands)) commands[command] /= requests;
  return {
    key,
    rounds: runs.length,
    requestsPerRound: runs[0].load.requests,
    rps: median(runs.map((r) => r.load.rps)),
    p50: median(runs.map((r) => r.load.latency.p50)),
    p99: median(runs.map((r) => r.load.latency.p99)),
    tripsPerRequest: runs.reduce((sum, r) => sum + r.trips.total, 0) / requests,
    commands,
  };
}

/**
 * Per-round throughput ratios of phase `a` to phase `b`, paired by round, and their median. Both
 * ran within one round, close in time, so a drift of the shared machine between rounds moves
 * both and cancels out of each ratio; a ratio of the phases' medians would not pair them.
 */
export function roundRatio(
  records: readonly PhaseRecord[],
  a: PhaseKey,
  b: PhaseKey,
): { ratios: number[]; median: number } {
  const byRound = (key: PhaseKey) =>
    new Map(records.filter((r) => r.key === key && r.round > 0).map((r) => [r.round, r.load.rps]));
  const as = byRound(a);
  const bs = byRound(b);
  const rounds = [...as.keys()].filter((r) => bs.has(r)).sort((x, y) => x - y);
  return medianRatio(
    rounds.map((r) => as.get(r)!),
    rounds.map((r) => bs.get(r)!),
  );
}

/** Per-round Proofgate/oidc-provider throughput ratios of the code exchange, and their median. */
export function exchangeRatio(records: readonly PhaseRecord[]): {
  ratios: number[];
  median: number;
} {
  return roundRatio(records, 'proofgate.exchange', 'oidc.exchange');
}

/**
 * Per-round Proofgate/oidc-provider throughput ratios of the authorization request as browsers
 * send it (signed-in browsers, each a person who allowed a client that is not first-party, an
 * OpenID Connect sign-in with a nonce, answered with a code), and their median. Both servers
 * read the person's consent (Proofgate's remembered consent, oidc-provider's stored grant).
 */
export function authorizeRatio(records: readonly PhaseRecord[]): {
  ratios: number[];
  median: number;
} {
  return roundRatio(records, 'proofgate.authorize_browsers', 'oidc.authorize_browsers');
}

/**
 * The machine-client phase's CPU per request, oidc-provider's over Proofgate's, per round (how
 * many times the CPU Proofgate spends on one request oidc-provider spends), and the median.
 */
export function machineClientCpuRatio(records: readonly PhaseRecord[]): {
  ratios: number[];
  median: number;
} {
  return cpuRatio(records, 'oidc.client_credentials', 'proofgate.client_credentials');
}

/** Per-round ratios of the CPU per request of phase `a` to that of `b`, and their median. */
export function cpuRatio(
  records: readonly PhaseRecord[],
  a: PhaseKey,
  b: PhaseKey,
): { ratios: number[]; median: number } {
  const cpu = (key: PhaseKey) =>
    new Map(
      records
        .filter((r) => r.key === key && r.round > 0 && r.cpuUsPerRequest !== undefined)
        .map((r) => [r.round, r.cpuUsPerRequest!]),
    );
  const as = cpu(a);
  const bs = cpu(b);
  const rounds = [...as.keys()].filter((r) => bs.has(r)).sort((x, y) => x - y);
  return medianRatio(
    rounds.map((r) => as.get(r)!),
    rounds.map((r) => bs.get(r)!),
  );
}

/**
 * Per-round throughput ratios Proofgate/oidc-provider of the machine-client phase
 * (client_credentials with private_key_jwt), and their median.
 */
export function machineClientRatio(records: readonly PhaseRecord[]): {
  ratios: number[];
  median: number;
} {
  return roundRatio(records, 'proofgate.client_credentials', 'oidc.client_credentials');
}
