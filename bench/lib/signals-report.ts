/**
 * The Shared Signals phases' part of the report (issue #80): the hot paths with a push stream and
 * without, paired by round, and the outbox work per event (write and push of one SET) as what a
 * cause costs more with the stream than without.
 */
import {
  cpuRatio,
  roundRatio,
  signalsKey,
  type BenchReport,
  type PhaseRecord,
  type SignalsWork,
} from './results';
import { CAUSES_PER_PHASE } from './shared-signals';
import { median } from './stats';

/** How the Shared Signals phases are prepared, for "How it is measured". */
export const SIGNALS_PHASE = `The Shared Signals phases (#80) run each round twice, once with a push stream and once without, the
  order alternating by round: the receiver client \`bench-ssf-receiver\` (\`ssf_receiver\` in \`OAUTH_CLIENTS\`) creates
  a stream of every account (\`default_subjects\` ALL, every event) pushing to a loopback endpoint in the bench process
  that answers \`202\` (\`BACKCHANNEL_LOGOUT_ALLOW_PRIVATE=true\` lets production push to loopback), and deletes it after.
  Each half runs the code exchange (codes minted before, as the oauth phases do), SIWE verify of new wallets (nonces
  asked and messages signed before) and an operator's lock-down and lift of up to ${CAUSES_PER_PHASE} accounts made once through
  the admin API (\`PATCH /admin/v1/users/{username}\`, \`If-Match: *\`, the client \`bench-ssf-admin\`): each is one cause, one RISC SET
  (\`account-disabled\`, \`account-enabled\`). Every phase is counted until the receiver has accepted every SET its
  requests caused and the server's database traffic stops, so each SET's write, signature and push are its phase's.
  The exchange and verify are no cause: with the stream they pay only what the transmitter does beside them. The
  outbox work per event is the lock-down's (and lift's) CPU and database commands with the stream minus without it,
  paired by round.`;

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '–');

const NAMES: Readonly<Record<SignalsWork, string>> = {
  exchange: 'Code exchange (`POST /token`)',
  verify: 'Wallet verify (`POST /wallet/verify`, SIWE)',
  disable: 'Lock-down (`PATCH /admin/v1/users/{username}`)',
  enable: 'Lift (`PATCH /admin/v1/users/{username}`)',
};

function byRound(records: readonly PhaseRecord[], state: 'on' | 'off', work: SignalsWork) {
  const key = signalsKey(state, work);
  return new Map(records.filter((r) => r.key === key && r.round > 0).map((r) => [r.round, r]));
}

/** Per round, `value(on) - value(off)` of the two records; the median and the rounds. */
function pairedDifference(
  records: readonly PhaseRecord[],
  work: SignalsWork,
  value: (record: PhaseRecord) => number | undefined,
): { median: number; rounds: number[] } {
  const on = byRound(records, 'on', work);
  const off = byRound(records, 'off', work);
  const rounds: number[] = [];
  for (const [round, record] of [...on.entries()].sort(([a], [b]) => a - b)) {
    const a = value(record);
    const b = off.has(round) ? value(off.get(round)!) : undefined;
    if (a !== undefined && b !== undefined) rounds.push(a - b);
  }
  return { median: median(rounds), rounds };
}

const tripsPerRequest = (record: PhaseRecord) => record.trips.total / record.load.requests;

/** The SETs the receiver accepted per request of a phase, over its measured rounds. */
function setsPerRequest(report: BenchReport, state: 'on' | 'off', work: SignalsWork): number {
  const key = signalsKey(state, work);
  const counts = (report.signals ?? []).filter((count) => count.key === key);
  const requests = report.records
    .filter((r) => r.key === key && r.round > 0)
    .reduce((sum, r) => sum + r.load.requests, 0);
  return counts.reduce((sum, count) => sum + count.sets, 0) / requests;
}

/** The A/B table and the per-event costs; empty when the phases did not run. */
export function signalsSection(report: BenchReport): string {
  if (!report.records.some((r) => r.key === signalsKey('on', 'exchange'))) return '';
  const works: SignalsWork[] = ['exchange', 'verify', 'disable', 'enable'];
  const abRows = works.map((work) => {
    const rps = roundRatio(report.records, signalsKey('on', work), signalsKey('off', work));
    // CPU per request without the stream over with it: below 1, the stream costs CPU.
    const cpu = cpuRatio(report.records, signalsKey('off', work), signalsKey('on', work));
    const db = pairedDifference(report.records, work, tripsPerRequest);
    return `| ${NAMES[work]} | ${f2(rps.median)} (${rps.ratios.map(f2).join(', ')}) | ${f2(cpu.median)} (${cpu.ratios.map(f2).join(', ')}) | ${f2(db.median)} | ${f2(setsPerRequest(report, 'on', work))} |`;
  });
  const eventRows = (['disable', 'enable'] as const).map((work) => {
    const cpu = pairedDifference(report.records, work, (r) => r.cpuUsPerRequest);
    const db = pairedDifference(report.records, work, tripsPerRequest);
    const sets = setsPerRequest(report, 'on', work);
    return `| ${NAMES[work]} | ${f3(cpu.median / 1000 / sets)} (${cpu.rounds.map((us) => f3(us / 1000 / sets)).join(', ')}) | ${f2(db.median / sets)} (${db.rounds.map((n) => f2(n / sets)).join(', ')}) |`;
  });
  return [
    'Shared Signals (#80): the hot paths with a push stream, and the outbox work per event.',
    '',
    'With a push stream of every account over without one, same round (per round in brackets): throughput',
    '(above 1: faster with the stream), CPU per request without over with (below 1: the stream costs CPU), the',
    'database commands per request the stream adds, and the SETs the receiver accepted per request.',
    '',
    '| Phase | req/s with / without | CPU without / with | DB commands / request added | SETs / request |',
    '|---|---|---|---|---|',
    ...abRows,
    '',
    'The outbox work per event: what one cause costs more with the stream than without, per SET (its',
    'row written before the answer, signed and pushed by the poller, the row settled): median of the rounds.',
    '',
    '| Cause | CPU ms / event | DB commands / event |',
    '|---|---|---|',
    ...eventRows,
  ].join('\n');
}
