/** docs/RELIABILITY.md and the console summary of a fleet run. */
import { answerClass, deviceSummary, logoutSummary, memorySegments, type Check } from './checks';
import { REQUEST_TIMEOUT_MS, type Attempt, type Endpoint } from './client';
import { KILL_LOOPS, type FaultRecord } from './faults';
import {
  AUTH_CODE_TTL_SECONDS,
  REFRESH_TOKEN_GRACE_SECONDS,
  DATABASE_NAME,
  DEVICE_CODE_INTERVAL_SECONDS,
  LOGIN_LIMIT,
  SERVER_SELECTION_TIMEOUT_MS,
  BACKCHANNEL_LOGOUT_TIMEOUT_MS,
} from './fleet';
import {
  LOGOUT_AFTER_KILL_MS,
  LOGOUT_LEAD_MS,
  LOGOUT_READY_WITHIN_MS,
  HELD_MS,
  PASSWORD_EVERY,
  SLOW_RP_MS,
} from './logout';
import type { FleetRun } from './harness';
import { ORPHAN_PATIENCE_MS } from './processes';
import { INSTANCES, commandLine } from './options';

export interface Environment {
  readonly cpus: string;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly loadAverageBefore: string;
  readonly loadAverageAfter: string;
  readonly source: string;
  readonly database: string;
}

const s1 = (ms: number) => (ms / 1000).toFixed(1);
const s2 = (ms: number) => (ms / 1000).toFixed(2);
/** Seconds relative to the start of the load, signed: "+12.3", "−4.0". */
const at = (ms: number) => {
  const tenths = Math.round(ms / 100);
  return tenths < 0 ? `−${(-tenths / 10).toFixed(1)}` : `+${(tenths / 10).toFixed(1)}`;
};

const FAULT_NAMES: Record<FaultRecord['kind'], string> = {
  'database-outage': 'database stopped, restarted on the same port and file',
  'instance-kill': 'instance killed (SIGKILL) mid-redemption, restarted',
  'worker-kill': 'one worker killed (SIGKILL) mid-redemption, replaced by its primary',
  'fleet-restart': 'all instances stopped (SIGTERM) and started again',
};

const ENDPOINTS: Record<Endpoint, string> = {
  authorize: 'GET /authorize',
  'token.code': 'POST /token (code)',
  'token.refresh': 'POST /token (refresh)',
  'wallet.nonce': 'POST /wallet/nonce',
  'wallet.verify': 'POST /wallet/verify',
  'api.me': 'GET /api/me',
  jwks: 'GET /jwks.json',
  'login.page': 'GET /login (the form)',
  login: 'POST /login',
  'login.siwe': 'POST /login/siwe (a wallet on the login page)',
  register: 'POST /register',
  'device.authorize': 'POST /device_authorization',
  'device.verify': 'POST /device (browser)',
  'token.device': 'POST /token (device code)',
  end_session: 'GET /end_session (RP-initiated logout)',
};

type Phase = 'steady' | FaultRecord['kind'];
const PHASES: Phase[] = [
  'steady',
  'database-outage',
  'worker-kill',
  'instance-kill',
  'fleet-restart',
];
const PHASE_NAMES: Record<Phase, string> = {
  steady: 'steady',
  'database-outage': 'database outage',
  'worker-kill': 'worker kill',
  'instance-kill': 'instance kill',
  'fleet-restart': 'fleet restart',
};

/** A fault's window: from its start until every instance it touched answered 200 again. */
function faultWindows(faults: readonly FaultRecord[]) {
  return faults.map((fault) => {
    const recovered = fault.recoveryMs.filter((ms): ms is number => ms !== null);
    const until = fault.recoveryFrom + (recovered.length > 0 ? Math.max(...recovered) : 0);
    return { kind: fault.kind, from: fault.startedAt, until };
  });
}

function phaseOf(a: Attempt, windows: ReturnType<typeof faultWindows>): Phase {
  return windows.find((w) => a.endedAt >= w.from && a.sentAt <= w.until)?.kind ?? 'steady';
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function loadAttempts(run: FleetRun): Attempt[] {
  // The rate-limit check's login attempts are reported on their own.
  return run.figures.attempts.filter((a) => a.endpoint !== 'login');
}

function answersTable(run: FleetRun): string {
  const windows = faultWindows(run.figures.faults);
  const counts = new Map<string, Record<Phase | 'total', number>>();
  for (const a of loadAttempts(run)) {
    const key = answerClass(a);
    const row =
      counts.get(key) ??
      (Object.fromEntries([...PHASES, 'total'].map((p) => [p, 0])) as Record<
        Phase | 'total',
        number
      >);
    row[phaseOf(a, windows)]++;
    row.total++;
    counts.set(key, row);
  }
  const order = (key: string) => (/^\d/.test(key) ? Number(key.slice(0, 3)) : 1000);
  const rows = [...counts.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([key, row]) => {
      const label = /^\d/.test(key) ? `\`${key}\`` : `no answer: connection ${key}`;
      return `| ${label} | ${PHASES.map((p) => row[p]).join(' | ')} | ${row.total} |`;
    });
  return [
    `| Answer (status and \`error\`) | ${PHASES.map((p) => PHASE_NAMES[p]).join(' | ')} | total |`,
    `|---|${PHASES.map(() => '---:').join('|')}|---:|`,
    ...rows,
  ].join('\n');
}

function endpointTable(run: FleetRun): string {
  const rows = new Map<
    Endpoint,
    { answered: number; refused: number; lost: number; 'timed-out': number; ms: number[] }
  >();
  const windows = faultWindows(run.figures.faults);
  for (const a of loadAttempts(run)) {
    const row = rows.get(a.endpoint) ?? {
      answered: 0,
      refused: 0,
      lost: 0,
      'timed-out': 0,
      ms: [],
    };
    row[a.outcome]++;
    if (a.outcome === 'answered' && (a.status ?? 0) < 400 && phaseOf(a, windows) === 'steady') {
      row.ms.push(a.endedAt - a.sentAt);
    }
    rows.set(a.endpoint, row);
  }
  return [
    `| Endpoint | attempts | answered | refused (instance down) | lost (cut mid-request) | timed out (no answer in ${REQUEST_TIMEOUT_MS / 1000} s) | p50 / p99 of steady successes (ms) |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...[...rows.entries()].map(([endpoint, row]) => {
      const sorted = row.ms.sort((x, y) => x - y);
      const attempts = row.answered + row.refused + row.lost + row['timed-out'];
      return `| ${ENDPOINTS[endpoint]} | ${attempts} | ${row.answered} | ${row.refused} | ${row.lost} | ${row['timed-out']} | ${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 99).toFixed(0)} |`;
    }),
  ].join('\n');
}

function faultTable(run: FleetRun): string {
  const rows = run.figures.faults.map((fault, i) => {
    const at = s1(fault.startedAt - run.loadStartedAt);
    const what =
      FAULT_NAMES[fault.kind] + (fault.victim === undefined ? '' : ` (instance ${fault.victim})`);
    const replacement = fault.worker?.replacement;
    const downtime = fault.outage
      ? `database away ${s1(fault.outage.backAt - fault.outage.stoppedAt)} s (stopped ${s1(fault.outage.restartedAt - fault.outage.stoppedAt)} s, then ${s1(fault.outage.backAt - fault.outage.restartedAt)} s to start)`
      : fault.worker
        ? `none (its other workers answered); worker pid ${fault.worker.pid} replaced by ` +
          (replacement
            ? `pid ${replacement.pid}, serving ${s1(replacement.servingAt - (fault.kill?.killedAt ?? 0))} s after the kill`
            : '**none in time**')
        : fault.kill
          ? `down ${s1(fault.recoveryFrom - fault.kill.killedAt)} s, boot ${fault.bootMs.map(s1).join(', ')} s`
          : `${(fault.stops ?? [])
              .map((stop) =>
                stop.forced ? `SIGKILL after ${s1(stop.ms)} s` : `exited in ${s1(stop.ms)} s`,
              )
              .join(', ')}; boot ${fault.bootMs.map(s1).join(', ')} s`;
    // A kill touches its victim only; the other faults, every instance.
    const recovery = fault.recoveryMs
      .map((ms, slot) =>
        (fault.kind === 'instance-kill' || fault.kind === 'worker-kill') && slot !== fault.victim
          ? null
          : `${slot}: ${ms === null ? '**none**' : `${s2(ms)} s`}`,
      )
      .filter(Boolean)
      .join(', ');
    const held = `${fault.held.codesRedeemed}/${fault.held.codes} codes, ${fault.held.noncesRedeemed}/${fault.held.nonces} nonces`;
    return `| ${i + 1} | +${at} s | ${what} | ${downtime} | ${recovery} (after ${fault.recoveryFromLabel}) | ${fault.redeemedUnseen} | ${held} | ${fault.families.alive}/${fault.families.checked} |`;
  });
  return [
    '| # | at | fault | downtime | first 200 per instance | logins redeemed, answer lost | challenges held across it, redeemed after | families still rotating |',
    '|---|---|---|---|---|---:|---|---|',
    ...rows,
  ].join('\n');
}

function killLines(run: FleetRun): string {
  const kills = run.figures.faults.filter((f) => f.kill);
  if (kills.length === 0) return '';
  return kills
    .map(
      (f) =>
        (f.worker
          ? `- A worker of instance ${f.victim} (pid ${f.worker.pid}, holding ${f.worker.connections} of the harness's connections), killed`
          : `- Instance ${f.victim}, killed`) +
        ` at +${s1((f.kill?.killedAt ?? 0) - run.loadStartedAt)} s with ` +
        `${f.kill?.burst} code exchanges sent to the instance, ${KILL_LOOPS} at a time: ${f.kill?.answeredBeforeKill} answered before it died, ` +
        `${f.kill?.cut} cut mid-request and retried on another instance; of those, ` +
        `${f.kill?.redeemedUnseen} were refused as already used (the victim had redeemed them and died before answering) ` +
        `and ${f.kill?.redeemedOnRetry} were redeemed by the retry.` +
        (f.worker
          ? ` The primary ${f.worker.logged ? 'logged its exit' : '**did not log its exit**'}; ` +
            `${f.worker.replacement ? `its replacement, pid ${f.worker.replacement.pid}, served ${s1(f.worker.replacement.servingAt - (f.kill?.killedAt ?? 0))} s after the kill` : '**no replacement served in time**'}` +
            ` (${f.worker.workersAfter} workers after).`
          : '') +
        (f.kill?.workers
          ? ` Its ${f.kill.workers.length} workers ${f.kill.orphans?.length ? `outlived it: ${f.kill.orphans.join(', ')} still running ${ORPHAN_PATIENCE_MS / 1000} s later` : 'ended with it'}.`
          : ''),
    )
    .join('\n');
}

function memoryTable(run: FleetRun, samples = run.figures.memory): string {
  const segments = memorySegments(samples, run.figures.loadStartedAt, run.figures.warmupMs).sort(
    (a, b) => a.slot - b.slot || a.firstAt - b.firstAt,
  );
  const f0 = (n: number | null) => (n === null ? '–' : n.toFixed(0));
  return [
    '| Instance | pid | processes | sampled from → to | first sample (MiB) | after warm-up (median) | end (median) | peak | largest one process | end / after warm-up | slope after warm-up (MiB/min) |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...segments.map(
      (seg) =>
        `| ${seg.slot} | ${seg.pid} | ${seg.processes} | ${at(seg.firstAt - run.loadStartedAt)} → ${at(seg.lastAt - run.loadStartedAt)} s | ${f0(seg.startMiB)} | ${f0(seg.baselineMiB)} | ${f0(seg.endMiB)} | ${f0(seg.peakMiB)} | ${f0(seg.peakProcessMiB)} | ${seg.judged && seg.ratio !== null ? `×${seg.ratio.toFixed(2)}` : 'too short to judge'} | ${seg.slopeMiBPerMinute === null ? '–' : seg.slopeMiBPerMinute.toFixed(1)} |`,
    ),
  ].join('\n');
}

/** The same table from the reads after forced collections, which the check judges when present. */
function memoryAfterGc(run: FleetRun): string {
  if (run.figures.memoryAfterGc.length === 0) return '';
  return `
RSS just after a full garbage collection, forced through the inspector every ${run.options.gcSampleMs / 1000} s in each
instance: what a process keeps, without the garbage the collector has not reached yet. **The check
judges these**, by the same rule; the table above shows what a host must have room for.

${memoryTable(run, run.figures.memoryAfterGc)}
`;
}

function checksTable(checks: readonly Check[]): string {
  return [
    '| Check | Result | Measured |',
    '|---|---|---|',
    ...checks.map(
      (c) => `| ${c.title} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
}

/**
 * What a failed check has meant when it failed before: each diagnosed outside the harness (see
 * the notes), and printed only when that check fails in the run being reported.
 */
const CHECK_NOTES: Record<string, string> = {
  'graceful-stop': `A stopping instance drains (src/platform/http/http-drain.ts): it stops
listening, answers each open connection once more with \`Connection: close\`, reports not ready, and
cuts what is left after \`SHUTDOWN_GRACE_SECONDS\` (10 s, below the harness's 15 s). An instance
still running after 15 s therefore hung in its shutdown hooks (figures flush, database close), not in
HTTP: its log ends with the line "Connections drained in …". Before the drain existed, busy
keep-alive connections kept every instance answering until the SIGKILL, and the requests cut then
included redemptions already written whose answers never left.`,
  'database-recovery': `An instance that never answered 200 again after the database came back:
its log shows every request failing server selection with the error of the connection that closed
when the database stopped, for as long as the process lived (it recovers only when restarted). The
MongoDB driver (mongodb 7.8.0; it polls mongo-java-server, which reports no \`topologyVersion\`)
started a heartbeat on its monitoring connection just as the database went away, and that heartbeat
never settled: traced outside the harness, the connection is closed and its socket destroyed, yet
the monitor stays "monitoring" and never checks the server again. This is consistent with a write
on a socket destroyed before its \`close\` event, which returns false and emits neither \`drain\`
nor \`error\`, the two events the driver's \`writeCommand\` waits for. A driver bug; in the trials
made while building this harness, 3 of 25 database restarts left one or two instances stuck (5 of
75 instance recoveries). Proofgate has no way out of it short of a process restart.

Since then the service has a way out (src/platform/database/database-watchdog.ts): heartbeats
every 2 s, and when three are missed while a fresh client reaches the database, the connection is
closed and opened again. An instance that still fails this check either did not log "The database
driver has not checked the server … reconnecting" (then the silence was not the sign, and the cause
is new) or logged it and still failed (then the reconnect did not help).`,
  'no-other-5xx': `The 5xx other than 503 diagnosed while building this harness were answered
just as the database went away: the instance log has \`POST /token failed\` with \`Error: This
socket has been ended by the other party\` (EPIPE) thrown from the MongoDB driver's
\`Connection.writeCommand\`, a command written on a pooled connection whose peer had just closed
it. The driver passes that plain Node error up instead of a \`MongoNetworkError\`, and
\`ProtocolErrorFilter\` maps only the driver's network, server-selection, not-connected and
topology-closed errors to 503, so it became \`500 server_error\`. The fix belongs in
\`src/platform/errors/protocol-error.filter.ts\`: socket errors from the database layer (EPIPE,
ECONNRESET) mean "unavailable" too.

Seen once since, in one 10-minute soak of about a dozen runs (2026-11-22): 1,527 \`500 server_error\`
on \`/token\` (refresh and code) for 58 s from the start of the load, on all three instances, until
the first database restart; the log has \`MongoServerError: Unknown error: Expected one element but
got zero\` from \`updateOne\` on \`grants\`. That is mongo-java-server's \`getSinglePosition\`: the
document matched, but none of its indexes held its position, so its \`_id\` index had lost an
entry, and rebuilt it when the server restarted. Not reproduced outside the harness (concurrent
upserts, concurrent index creation on a new collection); real MongoDB has no such path. An unknown
server error is a 500 by design: it is not the client's doing and not an outage.`,
  'families-survive': `A family ends when a refresh is refused. "Refused after an answer that was
lost or 5xx" means an earlier try of the same token got no answer (cut by a kill) or a 5xx, and
the retry came more than \`REFRESH_TOKEN_GRACE_SECONDS\` (${REFRESH_TOKEN_GRACE_SECONDS} s) after a rotation that had happened
unseen: the retry is then reuse, and the grant is revoked (RFC 9700 §4.14.2). Each family's last
tries are listed.`,
};

function findings(run: FleetRun): string {
  const f = run.figures;
  const lines: string[] = [];
  for (const check of run.checks) {
    if (!check.ok && CHECK_NOTES[check.id]) {
      lines.push(
        `- **${check.title}** failed: ${check.detail}.\n\n  What it was when diagnosed: ${CHECK_NOTES[check.id].replace(/\n/g, '\n  ')}\n`,
      );
    }
  }
  for (const u of f.unexpected) {
    lines.push(
      `- +${s1(u.at - run.loadStartedAt)} s, ${ENDPOINTS[u.endpoint]} at instance ${u.instance}: ` +
        `\`${u.status} ${u.error ?? ''}\` "${u.description ?? ''}" (${u.note})`,
    );
  }
  if (f.unexpectedCount > f.unexpected.length) {
    lines.push(`- … ${f.unexpectedCount - f.unexpected.length} more`);
  }
  for (const family of f.endedFamilies) {
    lines.push(`- Refresh family #${family.id} ended: ${family.fate}. Its last tries:`);
    for (const entry of family.history) lines.push(`  - ${entry}`);
  }
  for (const failure of f.harnessFailures) lines.push(`- Harness error: ${failure.split('\n')[0]}`);
  return lines.length > 0 ? lines.join('\n') : 'None: every answer was one the protocol allows.';
}

export function renderReport(run: FleetRun, env: Environment): string {
  const f = run.figures;
  const o = run.options;
  const loadSeconds = (run.loadEndedAt - run.loadStartedAt) / 1000;
  const attempts = loadAttempts(run);
  const answered = attempts.filter((a) => a.outcome === 'answered').length;
  const passed = run.checks.filter((c) => c.ok).length;
  const r = f.rateLimit;
  const c = f.counts;
  const d = deviceSummary(f.device);
  const l = logoutSummary(f.logout);
  return `# Reliability: a Proofgate fleet under faults

Written by \`${commandLine(o)}\` (\`tools/fleet/\`); \`npm run fleet\` runs the same harness for
about 80 s, and \`test/e2e/platform/fleet.e2e-spec.ts\` runs that in the test suite. Three Proofgate instances
share one database server while mixed traffic runs through them, and the database, one instance,
then the whole fleet are taken away under that traffic. The harness counts every answer per
secret and checks what must hold: no secret redeemed twice, only \`503 temporarily_unavailable\`
while the database is away, quick recovery, state that survives every restart, flat memory.

**Result: ${passed} of ${run.checks.length} checks passed.**

## The run

- Command: \`${commandLine(o)}\`, started ${run.startedAt.toISOString()}.
- Load: ${loadSeconds.toFixed(0)} s (${(loadSeconds / 60).toFixed(1)} min), ${attempts.length} requests sent (${answered} answered), about ${(attempts.length / loadSeconds).toFixed(0)} per second.
- Machine: ${env.cpus} CPUs (${env.cpuModel}), ${env.memory}, Node ${env.node}. Load average ${env.loadAverageBefore} before the run and ${env.loadAverageAfter} after: the machine is shared with other work, so latencies here say little about Proofgate itself.
- Source: ${env.source}, built once into its own folder and started as ${INSTANCES} instances (\`NODE_ENV=production\`), with \`WORKERS\` ${o.instanceWorkers.join(', ')} (instance by instance): an instance of one worker is one Node process, one of several a primary that forks them on its port (node:cluster).
- Database: ${env.database}, on a file in a temporary folder (database \`${DATABASE_NAME}\`), so a restart on the same port finds the data again.
- Settings every instance shares: one \`ISSUER\` and one \`KEY_ENCRYPTION_SECRET\`, \`MONGODB_SERVER_SELECTION_TIMEOUT_MS=${SERVER_SELECTION_TIMEOUT_MS}\` (outage answers come after 1 s, not 3), \`AUTH_CODE_TTL_SECONDS=${AUTH_CODE_TTL_SECONDS}\` (codes held across a fault stay valid), \`REFRESH_TOKEN_GRACE_SECONDS=${REFRESH_TOKEN_GRACE_SECONDS}\` (a refresh retried after a fault, its first answer lost, still gets its successor), \`RATE_LIMIT_*\` raised out of the way except \`RATE_LIMIT_LOGIN_PER_IP=${LOGIN_LIMIT}\` (see [Rate limits](#rate-limits)).
- Traffic: ${o.loops} loops, at most ${o.inFlight} requests in flight${o.scenariosPerSecond > 0 ? `, ${o.scenariosPerSecond} scenarios started a second in all` : ''}, sent to the instances in turn (round robin) by the client; a refused connection (an instance down) goes to the next instance, a request cut mid-flight is retried on another, a 5xx is retried after 300 ms. Each loop picks: a code login (\`/authorize\` with the real login session, then \`/token\`; every 10th code sent three times at once; every 4th with a DPoP proof, a fresh one per try, its family then refreshing and calling \`/api/me\` with proofs of the same key), a refresh (every 3rd with a concurrent duplicate), a SIWE login (nonce, signed by a viem wallet, verify; every 10th sent three times at once), or \`/api/me\`. It did ${c.codes} code exchanges (${c.codeReplayGroups} replay groups), ${c.logins} SIWE logins (${c.siweReplayGroups} replay groups), ${c.refreshes} refreshes (${c.refreshDuplicates} with a duplicate) and ${c.meCalls} \`/api/me\` calls; of these, ${c.dpopExchanges} code exchanges, ${c.dpopRefreshes} refreshes and ${c.dpopMeCalls} \`/api/me\` calls with DPoP proofs.
- Device authorization (RFC 8628): ${o.deviceLoops} more loops, each a CLI starting a device authorization (\`DEVICE_CODE_INTERVAL_SECONDS=${DEVICE_CODE_INTERVAL_SECONDS}\`), polling \`/token\` at once and then every \`interval\` after the last answer (5 s more after each \`slow_down\`), while its user's browser, signed in as user0, looks the code up and approves it at \`/device\` from an \`X-Forwarded-For\` address of its own (the verification page's throttle, \`RATE_LIMIT_DEVICE_USER_CODES_*\`, raised out of the way: every approval is user0's). Every 4th flow also polls once at once, on purpose, and must get \`slow_down\` (unless the service could not see it as early: refused by an instance that was down and sent again later, or right after a poll answered 503 or cut; these are listed, not judged); every 2nd sends its first poll after the approval as two concurrent copies to two instances. It did ${d.flows} device authorizations (${d.approved} approved and polled to the end), ${d.polls} polls, ${d.duplicatePairs} concurrent pairs, ${d.slowDowns} \`slow_down\` answers.
- Back-Channel Logout: ${o.logoutLoops} more loops, each signing in on the login page (from an \`X-Forwarded-For\` address of its own: the loop's wallet with a SIWE message, and every ${PASSWORD_EVERY}th session user1 with the password form), getting tokens in that session for two relying parties, then ending it with \`GET /end_session\` and the first RP's ID token as \`id_token_hint\`, on the instances in turn, then for ${LOGOUT_LEAD_MS / 1000} s at the first kill's victim before it dies (the kill waits up to ${LOGOUT_READY_WITHIN_MS / 1000} s for a logout token on its way from the victim to the slow RP, which holds each token the victim sends for ${HELD_MS / 1000} s, and every one from the kill's start until the victim is gone, telling the sender by the process holding the connection), and until ${LOGOUT_AFTER_KILL_MS / 1000} s after that kill. The RPs are HTTP servers of the harness on loopback, in every instance's \`OAUTH_CLIENTS\` with a \`backchannel_logout_uri\` (\`BACKCHANNEL_LOGOUT_ALLOW_PRIVATE=true\`); one answers at once, the other after ${SLOW_RP_MS / 1000} s, so deliveries are in flight when the instance is killed. \`BACKCHANNEL_LOGOUT_TIMEOUT_MS=${BACKCHANNEL_LOGOUT_TIMEOUT_MS}\`: a delivery leased by the killed instance is claimed again ${(BACKCHANNEL_LOGOUT_TIMEOUT_MS + 30_000) / 1000} s after its claim, before the end of the run. It ended ${l.sessions} sessions; the RPs received ${l.received} logout tokens (${l.cut} cut before the RP answered, ${l.duplicates} session × RP pairs more than once); afterwards ${l.refreshRefused} of ${l.refreshTried} refresh tokens of those sessions were refused.
- Faults: one every ${o.faultIntervalSeconds} s from the start of the load (or as soon as the previous one has ended and been checked), the database outage lasting ${o.outageSeconds} s, a killed instance down ${o.killDownSeconds} s${o.instanceWorkers.some((w) => w > 1) ? ', a worker of an instance of several killed alone (its primary replaces it)' : ''}, the whole fleet restarted last. Before each, ${f.faults[0]?.held.codes ?? 0} codes and ${f.faults[0]?.held.nonces ?? 0} signed SIWE messages are issued and kept; after it they are redeemed, every followed refresh family is rotated once, and every instance's JWKS is read.

## Checks

${checksTable(run.checks)}

## Requests and answers

${endpointTable(run)}

Answers by class and by what was happening (a fault's window runs from its start until every
instance it touched answered 200 again). No answer is not an answer: a connection refused by an
instance that is down is retried on the next instance, and a connection cut mid-request is
retried on another; both are counted here, separately. The \`400 invalid_grant\` and
\`401 nonce_already_used\` answers are the replays' (and retries' of redemptions whose first
answer was lost), as the protocol requires.

${answersTable(run)}

## Redemptions per secret

Every 200 counted per secret: per authorization code, per SIWE nonce, and per refresh token
presented. Concurrent duplicates of a refresh, and retries within the grace window, are answered
with the SAME successor by design (\`REFRESH_TOKEN_GRACE_SECONDS\`): that is one redemption, so
refresh tokens are counted by distinct successors.

| Secret | count | most 200s (or successors) for one | redeemed twice | never answered 200 |
|---|---:|---:|---:|---:|
| Authorization code | ${f.codes.secrets} | ${f.codes.maxOk} | ${f.codes.redeemedTwice} | ${f.codes.neverOk} |
| SIWE nonce | ${f.nonces.secrets} | ${f.nonces.maxOk} | ${f.nonces.redeemedTwice} | ${f.nonces.neverOk} |
| Refresh token presented | ${f.refresh.presented} | ${f.refresh.maxSuccessors} | ${f.refresh.forked} | – |

"Never answered 200" is not a failure of single use: every replay group has its one winner, so
these are logins lost to a fault. The instance redeemed the secret and then died, or was cut,
before its answer left (or a 5xx answered a redemption recorded just as the database went away);
the client's retry was refused as already used (${c.codesRedeemedUnseen} codes, ${c.noncesRedeemedUnseen} nonces). The kill burst and
the held challenges count here too.
${f.refresh.answeredTwice} presented refresh tokens were answered 200 more than once, always with one successor.

## Faults and recovery

${faultTable(run)}

Recovery is the time from the moment named to that instance's first \`200\`. For the database
outage the issue's bound applies: every instance within 5 s of the database listening again.

${killLines(run)}

## Memory

RSS from \`/proc/<pid>/status\` every ${o.sampleMs / 1000} s, one row per life of an instance (a
restarted instance is a new process), each sample the sum of the instance's processes (a primary
and its workers, a replaced worker's successor included); "largest one process" is the peak of any
one of them. "After warm-up" is the median over the first quarter of a process's
life after its warm-up (${o.warmupSeconds} s after the load, or the process, started); "end" the median over
its last quarter (windows of at least 5 s). The check: end ≤ 1.5 × after warm-up, for every
process with at least 30 s of life after its warm-up (shorter ones are shown, not judged). Why this
rule: RSS saw-tooths by up to a hundred MiB as the garbage collector grows and trims the heap, so
single samples, or a slope fitted over a short life, swing with the collector's phase, while
medians over quarters of a life span several of its cycles. A leak that grows with traffic still
shows: a soak serves many times the warm-up's requests, and instance 0, never killed, gives one
trace across the run up to the fleet restart. The slope is printed for information.

${memoryTable(run)}
${memoryAfterGc(run)}
## Rate limits

Measured at the start of the run, before the load, from an address of its own (X-Forwarded-For, \`TRUST_PROXY=loopback\`): every instance had \`RATE_LIMIT_LOGIN_PER_IP=${r.limit}\`
(per minute). ${r.sent} login attempts from one IP (${r.address}), sent round robin over the ${INSTANCES}
instances (${r.perInstance.join(', ')} each), were answered with ${r.refusedFleetWide} \`429\`. Instance ${r.controlInstance}
alone then refused the same IP after ${r.acceptedByControlBefore429 ?? 'more than the limit'} attempts of its own in the minute. The limit is counted in
MongoDB, so it holds for the fleet: one IP gets the configured limit, not ${INSTANCES}× it.

## Findings

${findings(run)}
`;
}

export function renderSummary(run: FleetRun): string {
  const failed = !run.ok ? `\nfindings:\n${findings(run)}\n` : '';
  const lines = run.checks.map(
    (c) => `${c.ok ? '  ok  ' : '  FAIL'} ${c.title}\n         ${c.detail}`,
  );
  return `${lines.join('\n')}\n${failed}${run.ok ? 'all checks passed' : `checks failed; logs kept in ${run.runDir}`}\n`;
}
