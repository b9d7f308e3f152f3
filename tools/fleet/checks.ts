/**
 * What a fleet run must show, computed from its records alone (no process, no network), so the
 * same rules judge `npm run fleet`, the soak and the e2e test, and can be unit-tested.
 */
import { REQUEST_TIMEOUT_MS, type Attempt, type Endpoint } from './client';
import type { DeviceFlow, DevicePoll } from './device';
import type { FaultRecord } from './faults';
import type { EndedSession, ReceivedLogoutToken } from './logout';
import type { MemorySample } from './fleet';
import type { RedemptionSummary, RefreshSummary, Unexpected } from './ledger';
import { STOP_GRACE_MS } from './processes';

/** The issue's bound: the first 200 after the database returns, on every instance. */
export const DATABASE_RECOVERY_LIMIT_MS = 5000;
/** RSS at the end of a process's life may be at most this many times its post-warm-up level. */
export const MEMORY_GROWTH_LIMIT = 1.5;
/**
 * A process is judged only with this much life after its warm-up: a restarted instance's heap
 * is still growing to its working size in its first minute, which is not a leak.
 */
export const MIN_JUDGED_SPAN_MS = 30_000;

export interface RateLimitObservation {
  /** RATE_LIMIT_LOGIN_PER_IP of every instance. */
  readonly limit: number;
  /** The IP the attempts came from (X-Forwarded-For). */
  readonly address: string;
  /** limit + 1 login attempts from one IP, sent round robin over the instances. */
  readonly sent: number;
  readonly perInstance: readonly number[];
  readonly refusedFleetWide: number;
  /** Then one instance alone: how many of the same IP's attempts it took before its first 429. */
  readonly controlInstance: number;
  readonly acceptedByControlBefore429: number | null;
}

export interface FleetFigures {
  /** Each instance's WORKERS, by slot. */
  readonly instanceWorkers: readonly number[];
  readonly faults: readonly FaultRecord[];
  readonly attempts: readonly Attempt[];
  readonly codes: RedemptionSummary;
  readonly nonces: RedemptionSummary;
  readonly refresh: RefreshSummary;
  readonly counts: Readonly<Record<string, number>>;
  readonly kids: ReadonlyMap<string, number>;
  readonly unexpected: readonly Unexpected[];
  readonly unexpectedCount: number;
  readonly harnessFailures: readonly string[];
  readonly endedFamilies: readonly {
    readonly id: number;
    readonly fate?: string;
    readonly history: readonly string[];
  }[];
  /** JWKS keys (`alg:kid`) per instance, at the start and the end of the load. */
  readonly jwksAtStart: readonly (readonly string[] | null)[];
  readonly jwksAtEnd: readonly (readonly string[] | null)[];
  readonly memory: readonly MemorySample[];
  /** RSS just after forced garbage collections (the soak); empty when none were forced. */
  readonly memoryAfterGc: readonly MemorySample[];
  readonly loadStartedAt: number;
  readonly warmupMs: number;
  readonly rateLimit: RateLimitObservation;
  /** Device authorizations (RFC 8628) the traffic started, with every poll. */
  readonly device: readonly DeviceFlow[];
  /** Login sessions ended, and the logout tokens their relying parties received. */
  readonly logout: {
    readonly sessions: readonly EndedSession[];
    readonly received: readonly ReceivedLogoutToken[];
  };
}

export interface Check {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly detail: string;
}

// -----------------------------------------------------------------------------------------------
// Memory

export interface MemorySegment {
  readonly slot: number;
  readonly pid: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly samples: number;
  readonly startMiB: number;
  /** Median RSS over the first window after warm-up. */
  readonly baselineMiB: number | null;
  /** Median RSS over the last window. */
  readonly endMiB: number;
  readonly peakMiB: number;
  /** The most processes the instance had at once (a primary and its workers). */
  readonly processes: number;
  /** The peak RSS of any one of its processes. */
  readonly peakProcessMiB: number;
  /** Least-squares slope after warm-up, MiB per minute (information, not judged). */
  readonly slopeMiBPerMinute: number | null;
  /** Long enough after warm-up to judge (MIN_JUDGED_SPAN_MS, and six samples, at least). */
  readonly judged: boolean;
  readonly ratio: number | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function slope(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

/**
 * One segment per life of an instance (an instance restarted is a new process; a worker replaced
 * is not a new life: samples are of every process of the instance, summed). The baseline is the median
 * RSS over a window starting `warmupMs` after the load (or the process, if later) started; the
 * end is the median over the last window of the same length (a quarter of the judged span, at least
 * 5 s). Medians of windows, not single samples: RSS saw-tooths with every garbage collection.
 */
export function memorySegments(
  samples: readonly MemorySample[],
  loadStartedAt: number,
  warmupMs: number,
): MemorySegment[] {
  const byPid = new Map<number, MemorySample[]>();
  for (const sample of samples) {
    const list = byPid.get(sample.pid) ?? [];
    list.push(sample);
    byPid.set(sample.pid, list);
  }
  return [...byPid.values()].map((list) => {
    const first = list[0];
    const last = list[list.length - 1];
    const judgedFrom = Math.max(first.at, loadStartedAt) + warmupMs;
    const after = list.filter((s) => s.at >= judgedFrom);
    const span = last.at - judgedFrom;
    const window = Math.max(5000, span * 0.25);
    const judged = span >= MIN_JUDGED_SPAN_MS && after.length >= 6;
    const baseline = after.filter((s) => s.at <= judgedFrom + window).map((s) => s.rssMiB);
    const end = list.filter((s) => s.at >= last.at - window).map((s) => s.rssMiB);
    const baselineMiB = baseline.length > 0 ? median(baseline) : null;
    const endMiB = median(end);
    const perMinute = slope(after.map((s) => ({ x: s.at / 60_000, y: s.rssMiB })));
    return {
      slot: first.slot,
      pid: first.pid,
      firstAt: first.at,
      lastAt: last.at,
      samples: list.length,
      startMiB: first.rssMiB,
      baselineMiB,
      endMiB,
      peakMiB: Math.max(...list.map((s) => s.rssMiB)),
      processes: Math.max(...list.map((s) => s.processes.length)),
      peakProcessMiB: Math.max(...list.flatMap((s) => s.processes.map((p) => p.rssMiB))),
      slopeMiBPerMinute: perMinute,
      judged: judged && baselineMiB !== null,
      ratio: baselineMiB ? endMiB / baselineMiB : null,
    };
  });
}

// -----------------------------------------------------------------------------------------------
// Answers in windows

/**
 * Requests the database plays no part in: the login form is rendered from signed cookies alone
 * (its CSRF token and pre-login session), so it is rightly answered 200 during an outage.
 */
const WITHOUT_DATABASE: ReadonlySet<Endpoint> = new Set(['login.page']);

/**
 * Answered attempts sent after the database had exited and answered before it was back, of
 * requests that need it.
 */
export function outageAnswers(attempts: readonly Attempt[], fault: FaultRecord): Attempt[] {
  if (!fault.outage) return [];
  const { stoppedAt, backAt } = fault.outage;
  return attempts.filter(
    (a) =>
      a.outcome === 'answered' &&
      !WITHOUT_DATABASE.has(a.endpoint) &&
      a.sentAt >= stoppedAt &&
      a.endedAt <= backAt,
  );
}

function isUnavailable(a: Attempt): boolean {
  return a.status === 503 && a.error === 'temporarily_unavailable';
}

/** "503 temporarily_unavailable", "400 invalid_grant", "302"... */
export function answerClass(a: Attempt): string {
  if (a.outcome !== 'answered') return a.outcome;
  return a.error ? `${a.status} ${a.error}` : String(a.status);
}

// -----------------------------------------------------------------------------------------------
// Device codes (RFC 8628)

/**
 * A poll the service must count as in time: a single copy, none of its tries lost (a lost try
 * may have counted as a poll), sent at least `interval` after the previous poll's answer (the
 * service records a poll before it answers), or the first.
 */
export function pollInTime(p: DevicePoll): boolean {
  return (
    !p.early &&
    !p.duplicate &&
    p.lost === 0 &&
    (p.sinceLastAnswerMs === null || p.sinceLastAnswerMs >= p.intervalMs)
  );
}

export interface DeviceSummary {
  readonly flows: number;
  /** Approved and finished: each must have yielded tokens once (or been redeemed unseen). */
  readonly approved: number;
  readonly withTokens: number;
  readonly redeemedUnseen: number;
  /** Flows whose polls got more than one 200. */
  readonly redeemedTwice: number;
  /** Approved, finished flows with neither a 200 nor a redemption lost to a fault. */
  readonly withoutTokens: number;
  readonly polls: number;
  readonly duplicatePairs: number;
  /** slow_down answers to polls that were in time (pollInTime). */
  readonly slowDownInTime: number;
  /**
   * Deliberately early polls the service saw as early (earlyJudged), and those answered otherwise
   * than slow_down.
   */
  readonly earlyPolls: number;
  readonly earlyNotSlowedDown: number;
  /** Deliberately early polls not judged, by why (earlyJudged), with what each was answered. */
  readonly earlyNotJudged: readonly string[];
  readonly slowDowns: number;
}

/**
 * Why a deliberately early poll cannot be judged, or undefined when the service must answer it
 * slow_down: it was answered 503 or lost a try (it may not have been counted), it was refused by
 * an instance that was down and reached the service only later (no longer early), the poll
 * before it was answered 503 or lost a try (the service may have no previous poll to call it
 * early against), or `interval` or more passed from the poll before it was sent to this one's
 * answer (a loaded machine's queues: the service may have seen the two that far apart, in time).
 */
export function earlyNotJudgedBecause(p: DevicePoll): string | undefined {
  if (!p.early || p.duplicate) return 'not a lone early poll';
  if (p.status === 503) return 'answered 503';
  if (p.lost > 0) return 'a try lost';
  if ((p.refused ?? 0) > 0) return `refused ${p.refused}× by instances down, sent again later`;
  if (p.afterUncertain) return 'the poll before it was answered 503 or lost';
  if (p.spanMs != null && p.spanMs >= p.intervalMs) {
    return `${(p.spanMs / 1000).toFixed(1)} s from the poll before it to its answer, interval ${p.intervalMs / 1000} s`;
  }
  return undefined;
}

export function deviceSummary(flows: readonly DeviceFlow[]): DeviceSummary {
  const polls = flows.flatMap((flow) => flow.polls);
  const approved = flows.filter((flow) => flow.approved && flow.finished);
  const early = polls.filter((p) => p.early && earlyNotJudgedBecause(p) === undefined);
  const notJudged = polls
    .filter((p) => p.early && !p.duplicate && earlyNotJudgedBecause(p) !== undefined)
    .map((p) => `${earlyNotJudgedBecause(p)}: answered ${p.status}${p.error ? ` ${p.error}` : ''}`);
  return {
    flows: flows.length,
    approved: approved.length,
    withTokens: flows.filter((flow) => flow.tokens === 1).length,
    redeemedUnseen: flows.filter((flow) => flow.redeemedUnseen && flow.tokens === 0).length,
    redeemedTwice: flows.filter((flow) => flow.tokens > 1).length,
    withoutTokens: approved.filter((flow) => flow.tokens === 0 && !flow.redeemedUnseen).length,
    polls: polls.length,
    duplicatePairs: polls.filter((p) => p.duplicate).length / 2,
    slowDownInTime: polls.filter((p) => p.error === 'slow_down' && pollInTime(p)).length,
    earlyPolls: early.length,
    earlyNotSlowedDown: early.filter((p) => p.error !== 'slow_down').length,
    earlyNotJudged: notJudged,
    slowDowns: polls.filter((p) => p.error === 'slow_down').length,
  };
}

// -----------------------------------------------------------------------------------------------
// The checks

// -----------------------------------------------------------------------------------------------
// Back-Channel Logout

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Why a received logout token is not one Back-Channel Logout 1.0 §2.4 allows for `rp`, or
 * undefined (the claims only: the signature is checked by the e2e specs, not here).
 */
export function logoutTokenProblem(r: ReceivedLogoutToken): string | undefined {
  const c = r.claims;
  if (!c) return 'not a JWT';
  if (r.typ !== 'logout+jwt') return `typ ${String(r.typ)}`;
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!aud.includes(r.rp)) return 'aud is not the RP';
  if (typeof c.iss !== 'string') return 'no iss';
  if (typeof c.sid !== 'string' || typeof c.sub !== 'string') return 'no sid or sub';
  if (typeof c.iat !== 'number' || typeof c.exp !== 'number' || typeof c.jti !== 'string') {
    return 'no iat, exp or jti';
  }
  const events = c.events;
  if (!events || typeof events !== 'object' || !(BACKCHANNEL_LOGOUT_EVENT in events)) {
    return 'no back-channel logout event';
  }
  if ('nonce' in c) return 'a nonce';
  return undefined;
}

export interface LogoutSummary {
  readonly sessions: number;
  /** (session, RP) pairs: each must get the session's logout token. */
  readonly pairs: number;
  readonly received: number;
  readonly invalid: readonly string[];
  /** Pairs no answered, valid token reached. */
  readonly missing: readonly string[];
  /** Pairs that got more than one token (a retry after a cut or a failed attempt). */
  readonly duplicates: number;
  /** Deliveries whose connection closed before the RP answered: the sender was killed. */
  readonly cut: number;
  /** Pairs with a cut delivery that a later, answered delivery reached. */
  readonly cutThenDelivered: number;
  readonly cutPairs: number;
  /** Sessions whose logout request was cut by a kill and answered on a retry elsewhere. */
  readonly endedAfterCut: number;
  /** Of those, the ones whose every RP got the logout token. */
  readonly endedAfterCutDelivered: number;
  /** Two ended sessions with one sid. */
  readonly sharedSids: number;
  readonly refreshTried: number;
  readonly refreshRefused: number;
  /** Refresh tokens of ended sessions answered otherwise than 400 invalid_grant (200: usable). */
  readonly refreshOther: readonly string[];
  /** Refresh tokens not tried after the run. */
  readonly refreshUntried: number;
}

export function logoutSummary(f: FleetFigures['logout']): LogoutSummary {
  const key = (rp: string, sid: unknown) => `${rp} ${String(sid)}`;
  const invalid: string[] = [];
  const delivered = new Map<string, number[]>();
  const copies = new Map<string, number>();
  const cutAt = new Map<string, number>();
  for (const r of f.received) {
    const problem = logoutTokenProblem(r);
    if (problem) {
      invalid.push(`${r.rp}: ${problem}`);
      continue;
    }
    const k = key(r.rp, r.claims?.sid);
    copies.set(k, (copies.get(k) ?? 0) + 1);
    if (r.cut) {
      if (!cutAt.has(k)) cutAt.set(k, r.at);
    } else if (!r.abandoned) {
      delivered.set(k, [...(delivered.get(k) ?? []), r.at]);
    }
  }
  const pairs = f.sessions.flatMap((s) => s.rps.map((rp) => key(rp, s.sid)));
  const sids = new Set(f.sessions.map((s) => s.sid));
  const tried = f.sessions.flatMap((s) => s.refreshAfter);
  const refused = tried.filter((t) => t.status === 400 && t.error === 'invalid_grant');
  const afterCut = f.sessions.filter((s) => s.cutTries > 0);
  return {
    sessions: f.sessions.length,
    pairs: pairs.length,
    received: f.received.length,
    invalid,
    missing: pairs.filter((k) => !delivered.has(k)),
    duplicates: [...copies.values()].filter((n) => n > 1).length,
    cut: f.received.filter((r) => r.cut).length,
    cutPairs: cutAt.size,
    cutThenDelivered: [...cutAt].filter(([k, at]) => (delivered.get(k) ?? []).some((t) => t >= at))
      .length,
    endedAfterCut: afterCut.length,
    endedAfterCutDelivered: afterCut.filter((s) =>
      s.rps.every((rp) => delivered.has(key(rp, s.sid))),
    ).length,
    sharedSids: f.sessions.length - sids.size,
    refreshTried: tried.length,
    refreshRefused: refused.length,
    refreshOther: tried
      .filter((t) => !(t.status === 400 && t.error === 'invalid_grant'))
      .map((t) => `${t.rp}: ${t.status} ${t.error ?? ''}`.trim()),
    refreshUntried: f.sessions.reduce(
      (n, s) => n + s.refreshTokens.length - s.refreshAfter.length,
      0,
    ),
  };
}

export function fleetChecks(f: FleetFigures): Check[] {
  const checks: Check[] = [];
  const add = (id: string, title: string, ok: boolean, detail: string) =>
    checks.push({ id, title, ok, detail });

  add(
    'single-redemption',
    'No code, nonce or refresh token redeemed twice',
    f.codes.redeemedTwice === 0 && f.nonces.redeemedTwice === 0 && f.refresh.forked === 0,
    `${f.codes.secrets} codes, most 200s for one: ${f.codes.maxOk}; ` +
      `${f.nonces.secrets} nonces, most 200s for one: ${f.nonces.maxOk}; ` +
      `${f.refresh.presented} refresh tokens presented, most distinct successors for one: ${f.refresh.maxSuccessors} ` +
      `(${f.refresh.answeredTwice} answered 200 twice with the same successor: grace retries)`,
  );

  const outages = f.faults.filter((fault) => fault.kind === 'database-outage');
  const outageDetail = outages.map((fault) => {
    const answers = outageAnswers(f.attempts, fault);
    const other = answers.filter((a) => !isUnavailable(a));
    return { answers: answers.length, other };
  });
  add(
    'outage-503',
    'Every answer while the database is down is 503 temporarily_unavailable',
    outages.length > 0 && outageDetail.every((o) => o.answers > 0 && o.other.length === 0),
    outageDetail
      .map(
        (o, i) =>
          `outage ${i + 1}: ${o.answers} answers, ${o.other.length} other` +
          (o.other.length > 0
            ? ` (${[...new Set(o.other.map((a) => `${a.endpoint} ${answerClass(a)}`))].join(', ')})`
            : ''),
      )
      .join('; ') || 'no database outage in this run',
  );

  const fiveHundreds = f.attempts.filter(
    (a) => a.outcome === 'answered' && (a.status ?? 0) >= 500 && !isUnavailable(a),
  );
  add(
    'no-other-5xx',
    'No 5xx other than 503 temporarily_unavailable, at any time',
    fiveHundreds.length === 0,
    fiveHundreds.length === 0
      ? `${f.attempts.filter(isUnavailable).length} answers were 503 temporarily_unavailable, none another 5xx`
      : `${fiveHundreds.length} other 5xx: ${[...new Set(fiveHundreds.map((a) => `${a.endpoint} ${answerClass(a)}`))].join(', ')}`,
  );

  // A try the client gave up on (REQUEST_TIMEOUT_MS) was retried, so the run went on; a hang is
  // a failure all the same, whatever the fault: a killed instance cuts or refuses, an outage
  // is answered 503 at once.
  const timedOut = f.attempts.filter((a) => a.outcome === 'timed-out');
  add(
    'no-timeouts',
    `Every try answered, refused or cut within the client's ${REQUEST_TIMEOUT_MS / 1000} s limit`,
    timedOut.length === 0,
    timedOut.length === 0
      ? `${f.attempts.length} tries, none timed out`
      : `${timedOut.length} of ${f.attempts.length} tries timed out: ` +
          [...new Set(timedOut.map((a) => `${a.endpoint} at instance ${a.instance}`))].join(', '),
  );

  const recoveries = outages.map((fault) => fault.recoveryMs);
  add(
    'database-recovery',
    `Every instance answers 200 within ${DATABASE_RECOVERY_LIMIT_MS / 1000} s of the database's return`,
    outages.length > 0 &&
      recoveries.every((per) => per.every((ms) => ms !== null && ms <= DATABASE_RECOVERY_LIMIT_MS)),
    recoveries
      .map(
        (per, i) =>
          `outage ${i + 1}: ${per.map((ms) => (ms === null ? 'none' : `${(ms / 1000).toFixed(2)} s`)).join(', ')}`,
      )
      .join('; '),
  );

  const kids = [...f.kids.keys()];
  const snapshots = [f.jwksAtStart, ...f.faults.map((fault) => fault.jwks), f.jwksAtEnd];
  const published = snapshots.flat();
  // An instance that served no JWKS (stuck, see the recovery check) publishes no other key.
  const served = published.filter((keyList) => keyList !== null);
  // One key per alg (`alg:kid`): TOKEN_SIGNING_ALG's signs the access tokens, another alg's the
  // ID tokens of the clients that registered it; every JWKS the same list.
  const [reference] = served;
  const algs = reference?.map((entry) => entry.slice(0, entry.indexOf(':'))) ?? [];
  const oneKeyPerAlg =
    kids.length === 1 &&
    reference !== undefined &&
    new Set(algs).size === algs.length &&
    reference.some((entry) => entry.endsWith(`:${kids[0]}`)) &&
    served.every((keyList) => keyList.join(' ') === reference.join(' '));
  const unserved = published.length - served.length;
  add(
    'signing-key',
    'One signing key per alg: the same kid in every access token, and per alg in every JWKS, across instances and restarts',
    oneKeyPerAlg,
    `kids in ${[...f.kids.values()].reduce((a, b) => a + b, 0)} access tokens: ${kids.length}; ` +
      `${snapshots.length} JWKS snapshots × ${f.jwksAtStart.length} instances` +
      (unserved > 0 ? ` (${unserved} not served: the instance answered no JWKS)` : '') +
      (oneKeyPerAlg
        ? `, all publishing ${reference.join(', ')}`
        : `: ${JSON.stringify(snapshots)}`),
  );

  const ended = f.endedFamilies;
  add(
    'families-survive',
    'Every followed refresh family still rotates after every fault',
    ended.length === 0 &&
      f.faults.every((fault) => fault.families.alive === fault.families.checked),
    f.faults.map((fault) => `${fault.families.alive}/${fault.families.checked}`).join(', ') +
      ' families alive after each fault' +
      (ended.length > 0
        ? `; ended: ${ended.map((family) => `#${family.id} ${family.fate ?? ''}`).join('; ')}`
        : ''),
  );

  const held = f.faults.map((fault) => fault.held);
  add(
    'challenges-survive',
    'Codes and nonces issued before a fault are redeemed once after it',
    held.every((h) => h.codesRedeemed === h.codes && h.noncesRedeemed === h.nonces),
    held
      .map((h) => `${h.codesRedeemed}/${h.codes} codes, ${h.noncesRedeemed}/${h.nonces} nonces`)
      .join('; '),
  );

  add(
    'expected-answers',
    'Every answer is one the protocol allows for that request',
    f.unexpectedCount === 0 && f.harnessFailures.length === 0,
    f.unexpectedCount === 0 && f.harnessFailures.length === 0
      ? 'none unexpected'
      : `${f.unexpectedCount} unexpected: ` +
          f.unexpected
            .slice(0, 5)
            .map(
              (u) =>
                `+${(u.at / 1000).toFixed(1)} s ${u.endpoint} at instance ${u.instance}: ${u.status} ${u.error ?? ''} "${u.description ?? ''}" (${u.note})`,
            )
            .join('; ') +
          (f.harnessFailures.length > 0 ? `; harness: ${f.harnessFailures[0]}` : ''),
  );

  const kills = f.faults.filter((fault) => fault.kill);
  const killed = (fault: FaultRecord) =>
    fault.worker ? `a worker of instance ${fault.victim}` : `instance ${fault.victim}`;
  add(
    'kill-mid-redemption',
    'Each SIGKILL (of an instance, of one worker) cut redemptions in flight (and none was redeemed twice)',
    kills.length > 0 && kills.every((fault) => (fault.kill?.cut ?? 0) > 0),
    kills
      .map(
        (fault) =>
          `${killed(fault)}: ${fault.kill?.cut}/${fault.kill?.burst} cut, ` +
          `${fault.kill?.redeemedUnseen} of them already redeemed by the victim, ${fault.kill?.redeemedOnRetry} redeemed on retry`,
      )
      .join('; ') || 'no kill in this run',
  );

  // With WORKERS, a worker killed alone is the primary's to replace, and a primary killed takes
  // its workers with it: an orphan would keep serving, polling and holding leases unseen.
  const withWorkers = f.instanceWorkers.some((workers) => workers > 1);
  const workerKills = f.faults.filter((fault) => fault.worker);
  const workerKillOk = (fault: FaultRecord) =>
    !!fault.worker?.logged &&
    fault.worker.replacement !== undefined &&
    fault.worker.workersAfter === f.instanceWorkers[fault.victim ?? -1] &&
    fault.recoveryMs.some((ms) => ms !== null);
  const primaryKills = kills.filter((fault) => fault.kill?.workers);
  add(
    'workers-replaced',
    'A worker killed alone is logged and replaced by its primary, the replacement serving and the instance answering meanwhile; a primary killed takes its workers with it',
    withWorkers
      ? workerKills.length > 0 &&
          workerKills.every(workerKillOk) &&
          primaryKills.every((fault) => fault.kill?.orphans?.length === 0)
      : workerKills.length === 0,
    withWorkers
      ? [
          ...workerKills.map((fault) => {
            const w = fault.worker!;
            const first = fault.recoveryMs.find((ms) => ms !== null);
            return (
              `instance ${fault.victim}: worker pid ${w.pid} (${w.connections} connections) ` +
              `${w.logged ? 'logged' : 'NOT logged'} as exited, ` +
              (w.replacement
                ? `replacement pid ${w.replacement.pid} serving ${((w.replacement.servingAt - (fault.kill?.killedAt ?? 0)) / 1000).toFixed(1)} s after the kill`
                : 'no replacement serving') +
              `, ${w.workersAfter}/${f.instanceWorkers[fault.victim ?? -1]} workers after; ` +
              `the instance's first 200 ${first === undefined ? 'never came' : `${(first / 1000).toFixed(2)} s after the kill`}`
            );
          }),
          ...primaryKills.map(
            (fault) =>
              `instance ${fault.victim} killed: its ${fault.kill?.workers?.length} workers ` +
              (fault.kill?.orphans?.length
                ? `outlived it (${fault.kill.orphans.join(', ')})`
                : 'ended with it'),
          ),
        ].join('; ') || 'no worker killed in this run'
      : 'no instance runs several workers (--workers 1): nothing to kill',
  );

  const restarts = f.faults.filter((fault) => fault.stops);
  const stops = restarts.flatMap((fault) => fault.stops ?? []);
  add(
    'graceful-stop',
    `A SIGTERM'd instance finishes its requests and exits within ${STOP_GRACE_MS / 1000} s, under load`,
    stops.length > 0 && stops.every((stop) => !stop.forced),
    restarts
      .map(
        (fault) =>
          (fault.stops ?? [])
            .map((stop, slot) =>
              stop.forced
                ? `instance ${slot} still running after ${(stop.ms / 1000).toFixed(1)} s: SIGKILL`
                : `instance ${slot} exited in ${(stop.ms / 1000).toFixed(1)} s`,
            )
            .join(', ') +
          `; ${fault.redeemedUnseen} codes or nonces redeemed during the restart without their answer reaching the client`,
      )
      .join('; ') || 'no fleet restart in this run',
  );

  // Judged on what survives a collection when the run forced them (the soak): RSS between
  // collections also holds garbage the collector has not reached, which is not a leak.
  const afterGc = f.memoryAfterGc.length > 0;
  const segments = memorySegments(
    afterGc ? f.memoryAfterGc : f.memory,
    f.loadStartedAt,
    f.warmupMs,
  );
  const judged = segments.filter((s) => s.judged);
  add(
    'memory-flat',
    `RSS${afterGc ? ' after a forced garbage collection' : ''} at the end of each process's life ≤ ${MEMORY_GROWTH_LIMIT} × its level after warm-up`,
    judged.length > 0 && judged.every((s) => (s.ratio ?? Infinity) <= MEMORY_GROWTH_LIMIT),
    judged
      .map(
        (s) =>
          `instance ${s.slot} pid ${s.pid}${s.processes > 1 ? ` (${s.processes} processes)` : ''}: ${s.baselineMiB?.toFixed(0)} → ${s.endMiB.toFixed(0)} MiB (×${s.ratio?.toFixed(2)})`,
      )
      .join('; ') || 'no process lived long enough to judge',
  );

  const r = f.rateLimit;
  add(
    'rate-limit-fleet-wide',
    'The login limit holds fleet-wide: of limit + 1 attempts over 3 instances exactly one is refused, and one instance alone refuses at once',
    r.refusedFleetWide === 1 && r.acceptedByControlBefore429 === r.perInstance[r.controlInstance],
    `limit ${r.limit}/min per IP; ${r.sent} attempts round robin (${r.perInstance.join('+')}): ` +
      `${r.refusedFleetWide} refused with 429; instance ${r.controlInstance} alone took ` +
      `${r.acceptedByControlBefore429 ?? 'more than the limit'} before its first 429`,
  );

  const d = deviceSummary(f.device);
  add(
    'device-code-once',
    'Each approved device code yields tokens exactly once, concurrent polls on two instances included',
    d.approved > 0 && d.redeemedTwice === 0 && d.withoutTokens === 0,
    `${d.flows} device authorizations, ${d.approved} approved and polled to the end: ` +
      `${d.withTokens} got tokens once, ${d.redeemedTwice} more than once, ` +
      `${d.redeemedUnseen} redeemed by a try whose answer was lost, ${d.withoutTokens} without tokens; ` +
      `${d.polls} polls, ${d.duplicatePairs} of them concurrent pairs on two instances`,
  );
  add(
    'device-slow-down',
    'slow_down only when polled early: never for a poll sent `interval` after the last answer, always for one sent at once',
    d.slowDownInTime === 0 && d.earlyPolls > 0 && d.earlyNotSlowedDown === 0,
    `${d.slowDowns} slow_down answers; ${d.slowDownInTime} to polls in time; ` +
      `${d.earlyPolls} deliberately early polls, ${d.earlyNotSlowedDown} of them not told to slow down` +
      (d.earlyNotJudged.length > 0
        ? `; ${d.earlyNotJudged.length} more not judged (${d.earlyNotJudged.join('; ')})`
        : ''),
  );

  const l = logoutSummary(f.logout);
  add(
    'logout-delivered',
    "Every ended session's logout token reaches each of its relying parties at least once (typ logout+jwt, the RP as aud, its sid and sub, the event, no nonce)",
    l.sessions > 0 && l.missing.length === 0 && l.invalid.length === 0 && l.sharedSids === 0,
    `${l.sessions} sessions ended × their RPs: ${l.pairs - l.missing.length}/${l.pairs} delivered ` +
      `(${l.received} POSTs received, ${l.duplicates} pairs more than once; ` +
      `${l.endedAfterCutDelivered}/${l.endedAfterCut} sessions whose logout request a kill cut, answered on a retry elsewhere, delivered)` +
      (l.missing.length > 0 ? `; missing: ${l.missing.slice(0, 5).join(', ')}` : '') +
      (l.invalid.length > 0 ? `; invalid: ${l.invalid.slice(0, 5).join(', ')}` : '') +
      (l.sharedSids > 0 ? `; ${l.sharedSids} sessions share a sid` : ''),
  );
  add(
    'logout-after-kill',
    'A SIGKILL cut logout deliveries in flight, and another instance delivered each of them once its lease ran out',
    l.cut > 0 && l.cutThenDelivered === l.cutPairs,
    `${l.cut} deliveries cut before the RP answered (${l.cutPairs} session × RP pairs), ` +
      `${l.cutThenDelivered} of those pairs delivered again afterwards`,
  );
  add(
    'logout-revokes',
    'No refresh token of a logged-out session works afterwards: each is refused with invalid_grant',
    l.refreshTried > 0 &&
      l.refreshOther.length === 0 &&
      l.refreshUntried === 0 &&
      l.refreshRefused === l.refreshTried,
    `${l.refreshRefused}/${l.refreshTried} refresh tokens refused with invalid_grant` +
      (l.refreshUntried > 0 ? `; ${l.refreshUntried} not tried` : '') +
      (l.refreshOther.length > 0 ? `; otherwise: ${l.refreshOther.slice(0, 5).join(', ')}` : ''),
  );

  return checks;
}
