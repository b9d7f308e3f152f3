import { ADMIN_LISTED_GRANTS, ADMIN_LONE_PAGES, ADMIN_PAGE_SIZE } from './admin';
import { CIBA_LONE_POLLS } from './ciba';
import { NONCE_PHASE_FACTOR, somePhasesOnly } from './options';
import { PRODUCTION_NODE_FLAGS } from './proofgate';
import { SIGNALS_PHASE, signalsSection } from './signals-report';
import { median as medianOf } from './stats';
import {
  PHASES,
  authorizeRatio,
  exchangeRatio,
  machineClientCpuRatio,
  machineClientRatio,
  roundRatio,
  cpuRatio,
  signalsKey,
  summarizePhase,
  type BenchReport,
  type PhaseKey,
  type PhaseSummary,
} from './results';

/** The CIBA phases (#51), in the order they run. */
const CIBA_PHASES_IN_ORDER: PhaseKey[] = [
  'proofgate.ciba-request',
  'proofgate.ciba-poll',
  'proofgate.ciba-poll-lone',
  'proofgate.ciba-approve',
  'proofgate.ciba-token',
];
/** The pending polls (#51: at most 2 database commands each), under load and one at a time. */
const CIBA_POLL_PHASES = ['proofgate.ciba-poll', 'proofgate.ciba-poll-lone'] as const;
/** Each CIBA phase with the phase of the same round it is compared with, and why. */
const CIBA_RATIOS = [
  ['proofgate.ciba-poll', 'proofgate.refresh', 'CIBA pending poll / refresh_token'],
  ['proofgate.ciba-token', 'proofgate.exchange', 'CIBA redeeming poll / code exchange'],
] as const;

/** How the CIBA phases are prepared and what they are compared with, for "How it is measured". */
const CIBA_PHASE = `The CIBA phases (#51, poll mode) run right after the oauth phases: the agent \`bench-agent\`
  (\`OAUTH_CLIENTS\`, confidential, \`client_secret_basic\`, the CIBA grant only) asks at \`POST /backchannel\`
  for user0 (\`login_hint\`, scope \`openid\`, a binding message of its own per request; each queues an
  announcement in the CIBA outbox, whose background delivery is counted to this phase: its database requests
  are counted until the outbox has no pending row, read in the database apart from the counted connection, and
  the server's traffic stops), then polls \`/token\`
  once per pending request (the first poll is in time: \`authorization_pending\`, checked on every answer),
  under load and then ${CIBA_LONE_POLLS} more one at a time on one connection, so that no two polls share a
  turn of the event loop and none of the limiter's writes is shared with another request (what a lone agent's
  poll costs: its limiter writes are once per lease, \`RATE_LIMIT_LEASE\`, here 16 polls); the
  signed-in user0 approves each polled request as the approvals page does (\`POST
  /account/approvals/{id}/approve\`, JSON with the page's CSRF token, its password session: no
  \`authorization_details\`), and the agent's next poll redeems each for tokens (checked: the agent's, for a
  person). node-oidc-provider has a CIBA feature (\`features.ciba\`), but the person's approval is the
  application's code (\`provider.backchannelResult\`) with no HTTP API of its own, and the bench's peer does
  not enable it: there is no peer here. The pending poll is compared with the refresh in the same round (a
  conditional write of one document each, at /token with the same client authentication and limiter; under
  load the refreshes of one turn share one bulk write and one read), the redeeming poll with the code exchange
  (one atomic redeem, a grant, signed tokens).`;

/** The admin API's list pages (#77: under 2 database commands a page), under load and alone. */
const ADMIN_PAGE_PHASES = ['proofgate.admin-grants', 'proofgate.admin-grants-lone'] as const;

/** How the admin phases are prepared, for "How it is measured". */
const ADMIN_PHASE = `The admin phases (#77) read the admin API's list of a person's ${ADMIN_LISTED_GRANTS.toLocaleString('en-US')} grants, ${ADMIN_PAGE_SIZE}
  a page (\`GET /admin/v1/grants?user=…&limit=${ADMIN_PAGE_SIZE}\`, keyset pages on the grant id), with an \`admin:read\`
  token of the admin client \`bench-admin\` (\`OAUTH_CLIENTS\` with \`admin_scopes\`, \`client_secret_basic\`,
  \`client_credentials\`, a token fetched each round): the grants are written into the service's database once before the
  first round, directly and uncounted, as refreshable grants of the first-party client of an account that a wallet method
  signs in to (\`?user=\` names an account: the first page resolves it, its cursor carries it on); the list is walked once a round by
  the bench (each page's \`next\` the next one's cursor, every grant seen once, checked), and its pages are then read in
  turn under load and then ${ADMIN_LONE_PAGES} more one at a time on one connection. A page's database commands are the
  list's one \`find\`, on the first of the list's pages the two reads that resolve \`?user=\` (as a username, then as an
  account by its methods; three, the account's record too, before 2026-11-30), the
  token's grant check (revocation is immediate: never cached) and the admin client's rate-limit
  count (one write per lease of counts, \`RATE_LIMIT_LEASE\`); under load the grant checks of concurrent calls share
  reads. The page is compared with \`/api/me\` of the same round (a bearer token's check and one read). Its rate is
  the dev database's more than the service's: mongo-java-server uses an index only for a query of exactly its fields, so
  each page (\`sub\` and a range of \`_id\`) scans the whole grants collection, the oauth phases' grants too, where
  MongoDB walks the \`{ sub, _id }\` index.`;

const PROOFGATE_PHASES: PhaseKey[] = [
  'proofgate.authorize',
  'proofgate.authorize_browsers',
  'proofgate.exchange',
  'proofgate.refresh',
  'proofgate.me',
  'proofgate.client_credentials',
  'proofgate.dpop_exchange',
  'proofgate.dpop_me',
  'proofgate.nonce',
  'proofgate.verify',
  'proofgate.passkey',
  'proofgate.passkey-phrh',
  'proofgate.siws-nonce',
  'proofgate.siws-verify',
  'proofgate.siwb-nonce',
  'proofgate.siwb-verify',
  'proofgate.siwb-p2tr-verify',
  'proofgate.oid4vp-verify',
  ...CIBA_PHASES_IN_ORDER,
  ...ADMIN_PAGE_PHASES,
  ...(['exchange', 'verify', 'disable', 'enable'] as const).flatMap((work) => [
    signalsKey('off', work),
    signalsKey('on', work),
  ]),
];
/** node-oidc-provider's phases, each the counterpart of a Proofgate phase. */
const OIDC_PHASES: PhaseKey[] = [
  'oidc.authorize',
  'oidc.authorize_browsers',
  'oidc.exchange',
  'oidc.client_credentials',
];
/** Sign in with Bitcoin's verify phases, by key type. */
const SIWB_VERIFY_PHASES = [
  ['proofgate.siwb-verify', 'P2WPKH'],
  ['proofgate.siwb-p2tr-verify', 'P2TR'],
] as const;

/** How the presentation phase is prepared, for "How it is measured" (#50). */
const PRESENTATION_PHASE = `The presentation phase answers identity-wallet requests of demo-client's
  script (\`POST /oid4vp/requests { client_id }\`, scope \`openid\`, the \`redirect_uri:\` prefix,
  \`direct_post\`), each asked for and its request object fetched before the phase
  (\`bench/lib/identity-wallet.ts\`), before the SIWE phases: one holder (the lab's, \`@sd-jwt/sd-jwt-vc\`)
  presents its one demo PID to each with a key-binding JWT over that request's \`nonce\` and
  \`client_id\`, so every sign-in after the first is a returning one (its key imported once, its
  claims unchanged). Its issuer is listed in \`OID4VP_TRUSTED_ISSUERS\` (its JWK inline); the phase
  runs right after SIWE verify and is compared with it round by round.`;

/** The bare Express floors, which the distance computations need all of. */
const FLOOR_PHASES: PhaseKey[] = ['floor.noop', 'floor.sign', 'floor.find'];
/** Every floor, for the tables: the Express ones and the NestJS one. */
const ALL_FLOOR_PHASES: PhaseKey[] = [...FLOOR_PHASES, 'floor.nest'];

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/**
 * A figure beside its verdict: two decimals, or as many more (up to four) as it takes not to
 * round it onto the other side of its bound (0.798 against "≥ 0.8" reads 0.798, not 0.80 next to
 * "not met").
 */
function judged(value: number, meets: (v: number) => boolean): string {
  if (!Number.isFinite(value)) return '–';
  for (let digits = 2; digits < 4; digits++) {
    const text = value.toFixed(digits);
    if (meets(Number(text)) === meets(value)) return text;
  }
  return value.toFixed(4);
}
const atLeast = (value: number, bound: number) => judged(value, (v) => v >= bound);
const atMost = (value: number, bound: number) => judged(value, (v) => v <= bound);
const below = (value: number, bound: number) => judged(value, (v) => v < bound);

function commands(summary: PhaseSummary): string {
  const entries = Object.entries(summary.commands);
  if (entries.length === 0) return 'none';
  // Rare requests (a key cache refill) would round to 0.00: show them with more digits.
  const per = (n: number) => (n < 0.01 ? n.toPrecision(2) : f2(n));
  return entries.map(([name, perRequest]) => `${name} ${per(perRequest)}`).join(', ');
}

function phaseTable(report: BenchReport, keys: PhaseKey[]): string {
  const rows = keys
    .map((key) => summarizePhase(report.records, key))
    .filter((s): s is PhaseSummary => s !== undefined)
    .map(
      (s) =>
        `| ${PHASES[s.key]} | ${s.rounds} × ${s.requestsPerRound} | ${f0(s.rps)} | ${f1(s.p50)} | ${f1(s.p99)} | ${f2(s.tripsPerRequest)} | ${commands(s)} |`,
    );
  if (rows.length === 0) return 'Not measured in this run (`--only`).';
  return [
    '| Phase | Rounds × requests | req/s | p50 (ms) | p99 (ms) | DB round trips / request | By command, per request |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * One phase on both servers, round by round: each round's req/s, p50 and p99 on either side, who
 * went first, and the ratio; then the median ratio and the round trips per request.
 */
function pairedRounds(
  report: BenchReport,
  keys: {
    proofgate: PhaseKey;
    oidc: PhaseKey;
    ratio: (records: BenchReport['records']) => { ratios: number[]; median: number };
  },
  what: string,
): string[] | undefined {
  const pg = report.records.filter((r) => r.key === keys.proofgate);
  const op = report.records.filter((r) => r.key === keys.oidc);
  if (pg.length === 0 || op.length === 0) return undefined;
  const { ratios, median } = keys.ratio(report.records);
  const rows = report.orders.map((order, i) => {
    const round = i + 1;
    const a = pg.find((r) => r.round === round)?.load;
    const b = op.find((r) => r.round === round)?.load;
    const first = order[0] === 'proofgate' ? 'Proofgate' : 'oidc-provider';
    return `| ${round} | ${first} | ${a ? f0(a.rps) : '–'} | ${a ? f1(a.latency.p50) : '–'} | ${a ? f1(a.latency.p99) : '–'} | ${b ? f0(b.rps) : '–'} | ${b ? f1(b.latency.p50) : '–'} | ${b ? f1(b.latency.p99) : '–'} | ${f2(ratios[i])} |`;
  });
  const pgSummary = summarizePhase(report.records, keys.proofgate)!;
  const opSummary = summarizePhase(report.records, keys.oidc)!;
  return [
    `**Median throughput ratio Proofgate / oidc-provider: ${f2(median)}** (per round: ${ratios.map(f2).join(', ')}).`,
    '',
    '| Round | First | Proofgate req/s | p50 (ms) | p99 (ms) | oidc-provider req/s | p50 (ms) | p99 (ms) | Ratio |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Database round trips per ${what}: Proofgate ${f2(pgSummary.tripsPerRequest)} (${commands(pgSummary)}); ` +
      `oidc-provider ${f2(opSummary.tripsPerRequest)} (${commands(opSummary)}).`,
  ];
}

function comparisonSection(report: BenchReport): string {
  const exchange = pairedRounds(
    report,
    { proofgate: 'proofgate.exchange', oidc: 'oidc.exchange', ratio: exchangeRatio },
    'code exchange',
  );
  if (!exchange) return 'Not measured in this run (`--only`).';
  return [...exchange, ...machineClientComparison(report)].join('\n');
}

/** The authorization request of a signed-in browser, both servers, round by round. */
function authorizeSection(report: BenchReport): string {
  const paired = pairedRounds(
    report,
    {
      proofgate: 'proofgate.authorize_browsers',
      oidc: 'oidc.authorize_browsers',
      ratio: authorizeRatio,
    },
    'authorization request',
  );
  if (!paired) return 'Not measured in this run (`--only`).';
  const connections = report.options.authorizeConnections;
  const firstParty = summarizePhase(report.records, 'proofgate.authorize');
  return [
    `${connections} browsers (\`--authorize-connections\`, one connection each) are signed in to each server, each`,
    'as a person of its own (Proofgate: a wallet never seen before, on the login page; oidc-provider: a',
    'login of its development interactions), and each allowed `bench-partner`, a client that is not',
    'first-party, once. Each then sends `GET /authorize` (oidc-provider: its `/auth`) with its cookies: an',
    'OpenID Connect sign-in (`scope=openid`, a `nonce`) with a fresh `state` and S256 `code_challenge`,',
    "answered with a redirect to the client and a code (checked against the request's `state`): Proofgate",
    "`302` after reading the session and the person's remembered consent, oidc-provider `303` after reading",
    `its session and the stored grant. ${report.options.requests} requests a round, left unredeemed.`,
    '',
    "This is the request as a third party's sign-in sends it. Until 2026-11-28 this section compared",
    "Proofgate's first-party request (no consent to read) with oidc-provider's grant read, which flattered",
    'Proofgate (3.14× here against 1.91× to 2.51× measured from outside with browsers and a partner client).',
    ...(firstParty
      ? [
          `Proofgate's first-party request (demo-client, one browser, no consent read; its codes are the ones the`,
          `code exchange below redeems) ran at ${f0(firstParty.rps)} req/s, ${f2(firstParty.tripsPerRequest)} database round trips a request.`,
        ]
      : []),
    '',
    ...paired,
  ].join('\n');
}

/**
 * The machine-client phase, both servers (client_credentials with private_key_jwt at /token):
 * the median of the per-round ratios, and what each does with the database per request.
 */
export function machineClientComparison(report: BenchReport): string[] {
  const pg = summarizePhase(report.records, 'proofgate.client_credentials');
  const op = summarizePhase(report.records, 'oidc.client_credentials');
  if (!pg || !op) return [];
  const { ratios, median } = machineClientRatio(report.records);
  const cpu = machineClientCpuRatio(report.records);
  const cpuOf = (key: PhaseKey) => {
    const values = report.records
      .filter((r) => r.key === key && r.round > 0 && r.cpuUsPerRequest !== undefined)
      .map((r) => r.cpuUsPerRequest!);
    return medianOf(values);
  };
  return [
    '',
    `**Machine client** (\`client_credentials\` with \`private_key_jwt\`): Proofgate ${f0(pg.rps)} req/s ` +
      `(p50 ${f1(pg.p50)} ms, p99 ${f1(pg.p99)} ms), oidc-provider ${f0(op.rps)} req/s ` +
      `(p50 ${f1(op.p50)} ms, p99 ${f1(op.p99)} ms); median ratio **${f2(median)}** ` +
      `(per round: ${ratios.map(f2).join(', ')}). Database round trips per request: Proofgate ` +
      `${f2(pg.tripsPerRequest)} (${commands(pg)}); oidc-provider ${f2(op.tripsPerRequest)} (${commands(op)}).`,
    ...(cpu.ratios.length > 0
      ? [
          '',
          `CPU time per request of each server process (user + system, \`/proc/<pid>/stat\`, medians ` +
            `of the rounds): Proofgate ${f0(cpuOf('proofgate.client_credentials'))} µs, oidc-provider ` +
            `${f0(cpuOf('oidc.client_credentials'))} µs; oidc-provider spends **${f2(cpu.median)}×** ` +
            `Proofgate's (per round: ${cpu.ratios.map(f2).join(', ')}). On a shared machine this ` +
            'moves less than req/s, which also counts the time a server waits for a CPU.',
        ]
      : []),
  ];
}

/** Each measured path's throughput as a share of each floor's: how far it is from them. */
function distanceFromFloor(report: BenchReport): string {
  const floors = FLOOR_PHASES.map((key) => summarizePhase(report.records, key));
  if (floors.some((f) => f === undefined)) return '';
  const [noop, sign, find] = floors as PhaseSummary[];
  const nest = summarizePhase(report.records, 'floor.nest');
  const share = (s: PhaseSummary, floor: PhaseSummary | undefined) =>
    floor ? `${f1((100 * s.rps) / floor.rps)} %` : '–';
  const rows: string[] = [];
  for (const key of [...PROOFGATE_PHASES, ...OIDC_PHASES]) {
    const s = summarizePhase(report.records, key);
    if (!s) continue;
    rows.push(
      `| ${PHASES[key]} | ${f0(s.rps)} | ${share(s, noop)} | ${share(s, nest)} | ${share(s, sign)} | ${share(s, find)} | ${f2(s.tripsPerRequest)} |`,
    );
  }
  return [
    "Each path's throughput as a share of the floor's (same load generator, same connections, same",
    'machine). The bare POST shows the whole distance; the NestJS POST what is left once the',
    'framework Proofgate is built on has had its share; the signature and the findOne columns what',
    'is left against a floor that already pays one signature or one round trip.',
    '',
    '| Path | req/s | of a bare POST | of a NestJS POST | of POST + ES256 | of POST + findOne | DB round trips / request |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * What the unmet targets ask of this machine, from this run's floor: a bare POST costs 1/noop s,
 * a signature adds 1/sign − 1/noop, a database round trip adds 1/find − 1/noop. A server that
 * did nothing but a path's round trips and signature could not serve more than the sum allows.
 */
function targetsFloor(report: BenchReport): string {
  const floors = FLOOR_PHASES.map((key) => summarizePhase(report.records, key));
  const exchange = summarizePhase(report.records, 'proofgate.exchange');
  const oidc = summarizePhase(report.records, 'oidc.exchange');
  const meSummary = summarizePhase(report.records, 'proofgate.me');
  if (floors.some((f) => f === undefined) || !exchange || !oidc) return '';
  const [noop, sign, find] = floors as PhaseSummary[];
  const nest = summarizePhase(report.records, 'floor.nest');
  const bare = 1e6 / noop.rps;
  const signature = 1e6 / sign.rps - bare;
  const trip = 1e6 / find.rps - bare;
  const floorRps = (trips: number, signatures: number) =>
    1e6 / (bare + signatures * signature + trips * trip);
  // The exchange's own round trips as measured (batched writes count as fractions).
  const trips = exchange.tripsPerRequest;
  const own = floorRps(trips, 1);
  const fewer = floorRps(Math.max(trips - 1, 0), 1);
  const connections = report.options.connections;
  const me = floorRps(1, 1);
  const bullets: string[] = [];
  if (exchangeRatio(report.records).median < 1.5) {
    bullets.push(`- **Code exchange ≥ 1.5× oidc-provider** needs ${f0(1.5 * oidc.rps)} req/s. Express doing only
  the exchange's ${f2(trips)} round trips and one signature would do ${f0(own)} req/s
  (${f2(own / oidc.rps)}× oidc-provider); Proofgate does ${f0(exchange.rps)}
  (${f1((100 * exchange.rps) / own)} % of that floor, ${f0(1e6 / exchange.rps - 1e6 / own)} µs per
  request above it). With one round trip fewer the floor would be ${f0(fewer)} req/s
  (${f2(fewer / oidc.rps)}×). ${
    own >= 1.5 * oidc.rps
      ? 'The floor allows the target: what stands between is CPU above the floor.'
      : 'Even the floor misses the target: it needs a round trip fewer, not only less CPU.'
  }`);
  }
  if (exchange.p99 > 100) {
    bullets.push(`- **p99 ≤ 100 ms at ${connections} connections**: with every connection always busy, the median
  alone is ${connections} ÷ throughput: ${f0((1000 * connections) / exchange.rps)} ms at the measured
  ${f0(exchange.rps)} req/s, ${f0((1000 * connections) / own)} ms at the floor above; the p99 adds
  the tail (garbage collection pauses, the database's own) on top.`);
  }
  if (meSummary && misses(report, 'proofgate.me', 5)) {
    bullets.push(`- **/api/me ≥ 5× the code exchange** needs ${f0(5 * exchange.rps)} req/s; the floor with its one round
  trip (the revocation check) and one signature (signing; /api/me verifies) is about ${f0(me)} req/s
  (${f2(me / exchange.rps)}× the exchange; Proofgate does ${meSummary ? f0(meSummary.rps) : '–'}), and a bare POST that does nothing at all runs at
  ${f0(noop.rps)} req/s (${f2(noop.rps / exchange.rps)}× the exchange)${
    nest
      ? `; NestJS answering a validated POST with nothing else, ${f0(nest.rps)} req/s (${f2(nest.rps / exchange.rps)}×)`
      : ''
  }. ${
    noop.rps < 5 * exchange.rps
      ? 'Out of reach on this machine: even an endpoint that does nothing cannot answer 5 requests in the time of one exchange, and the faster the exchange, the further the target.'
      : 'Only a revocation cache could get there, trading a bounded delay in honouring revocation for it.'
  }`);
  }
  const nonce = summarizePhase(report.records, 'proofgate.nonce');
  if (nonce && misses(report, 'proofgate.nonce', 2)) {
    // Its batched writes are a fraction of a round trip each; no signature.
    const nonceFloor = floorRps(nonce.tripsPerRequest, 0);
    bullets.push(`- **Nonce issue ≥ 2× the code exchange** needs ${f0(2 * exchange.rps)} req/s. Express doing only
  its ${f2(nonce.tripsPerRequest)} round trips would do ${f0(nonceFloor)} req/s (${f2(nonceFloor / exchange.rps)}× the exchange);
  Proofgate does ${f0(nonce.rps)} (${f1((100 * nonce.rps) / nonceFloor)} % of that floor, ${f0(1e6 / nonce.rps - 1e6 / nonceFloor)} µs per
  request above it: the framework's routing, guards and validation, the limiter, the security
  headers, the message).${
    nest
      ? ` NestJS alone, answering a validated POST and doing nothing else, runs at ${f0(nest.rps)} req/s
  (${f2(nest.rps / exchange.rps)}× the exchange): the nonce issue runs at ${f1((100 * nonce.rps) / nest.rps)} % of its framework's floor.`
      : ''
  } A target relative to the exchange moves away as the exchange gets faster:
  the exchange runs at ${f1((100 * exchange.rps) / own)} % of its own floor.`);
  }
  const verify = summarizePhase(report.records, 'proofgate.verify');
  if (verify && misses(report, 'proofgate.verify', 0.8)) {
    bullets.push(`- **Wallet verify ≥ 0.8× the code exchange** needs ${f0(0.8 * exchange.rps)} req/s; Proofgate does
  ${f0(verify.rps)}: the same redemption and tokens as the exchange, plus the secp256k1 recovery and
  the SIWE checks.`);
  }
  const passkey = summarizePhase(report.records, 'proofgate.passkey');
  const passkeyRatio = roundRatio(report.records, 'proofgate.passkey', 'proofgate.verify');
  if (verify && passkey && passkeyRatio.ratios.length > 0 && passkeyRatio.median < 0.8) {
    bullets.push(`- **Passkey verify ≥ 0.8× wallet verify** needs ${f0(0.8 * verify.rps)} req/s; Proofgate does
  ${f0(passkey.rps)}, ${f0(1e6 / passkey.rps - 1e6 / verify.rps)} µs per request more than wallet verify
  (${f2(passkey.tripsPerRequest)} round trips against ${f2(verify.tripsPerRequest)}). The two differ in their
  signature check, and the target allows ${f0(1e6 / (0.8 * verify.rps) - 1e6 / verify.rps)} µs more:
  [the signature checks alone](#passkey-verify-against-wallet-verify-the-signature-checks-alone)
  (\`bench/passkey-crypto.bench.ts\`) shows what @simplewebauthn/server's costs beyond SIWE's.`);
  }
  if (bullets.length === 0) return '';
  return `
What the targets that are not met ask of this machine, from this run's floor (a bare POST
${f0(bare)} µs, a signature +${f0(signature)} µs, a database round trip +${f0(trip)} µs of the
machine's time per request; a path that did nothing else could not go faster):

${bullets.join('\n')}
`;
}

/** Whether a phase misses its target relative to the exchange (the median of the rounds' ratios). */
function misses(report: BenchReport, key: PhaseKey, factor: number): boolean {
  const { ratios, median } = roundRatio(report.records, key, 'proofgate.exchange');
  return ratios.length > 0 && median < factor;
}

/** The CIBA phases against the phases of the same round they are compared with. */
function cibaRatios(report: BenchReport): string {
  return CIBA_RATIOS.map(([key, base, name]) => {
    const { ratios, median } = roundRatio(report.records, key, base);
    return ratios.length === 0
      ? `- ${name}: not measured in this run`
      : `- ${name} (req/s, same round): median **${f2(median)}** (rounds: ${ratios.map(f2).join(', ')})`;
  }).join('\n');
}

/** The admin list page against /api/me of the same round. */
function adminRatio(report: BenchReport): string {
  const { ratios, median } = roundRatio(report.records, 'proofgate.admin-grants', 'proofgate.me');
  return ratios.length === 0
    ? '- Admin list page / `/api/me`: not measured in this run'
    : `- Admin list page / \`/api/me\` (req/s, same round): median **${f2(median)}** (rounds: ${ratios.map(f2).join(', ')})`;
}

/** The issue's targets, each checked against this run (never as a timed test). */
function targetsSection(report: BenchReport): string {
  const phase = (key: PhaseKey) => summarizePhase(report.records, key);
  const exchange = phase('proofgate.exchange');
  const rows: string[] = [];
  const row = (target: string, measured: string, met: boolean | undefined) =>
    rows.push(`| ${target} | ${measured} | ${met === undefined ? '–' : met ? 'met' : 'not met'} |`);
  const { median } = exchangeRatio(report.records);
  if (Number.isFinite(median)) {
    row(
      'Code exchange ≥ 1.5× node-oidc-provider (same run)',
      `${atLeast(median, 1.5)}×`,
      median >= 1.5,
    );
  }
  const machineClient = machineClientRatio(report.records);
  if (machineClient.ratios.length > 0) {
    row(
      'Machine client (`client_credentials` + `private_key_jwt`) ≥ 1.5× node-oidc-provider (same run, median of the rounds)',
      `${atLeast(machineClient.median, 1.5)}× (rounds: ${machineClient.ratios.map(f2).join(', ')})`,
      machineClient.median >= 1.5,
    );
  }
  if (exchange) row('Code exchange p99 ≤ 100 ms', `${f1(exchange.p99)} ms`, exchange.p99 <= 100);
  const authorize = authorizeRatio(report.records);
  if (authorize.ratios.length > 0) {
    row(
      `Authorization request (${report.options.authorizeConnections} signed-in browsers, a partner's sign-in, consent read) ≥ 2× node-oidc-provider (same run, median of the rounds)`,
      `${atLeast(authorize.median, 2)}× (rounds: ${authorize.ratios.map(f2).join(', ')})`,
      authorize.median >= 2,
    );
  }
  // Median of the per-round ratios, as for oidc-provider: each round's phase against the
  // same round's exchange.
  const relative = (key: PhaseKey, factor: number, name: string) => {
    const { ratios, median } = roundRatio(report.records, key, 'proofgate.exchange');
    if (ratios.length === 0) return;
    row(
      `${name} ≥ ${factor}× Proofgate's code exchange (median of the rounds)`,
      `${atLeast(median, factor)}× (rounds: ${ratios.map(f2).join(', ')})`,
      median >= factor,
    );
  };
  relative('proofgate.verify', 0.8, 'Wallet verify');
  // Issue #20: a passkey sign-in against the other proof-of-key sign-in, round by round.
  const passkey = roundRatio(report.records, 'proofgate.passkey', 'proofgate.verify');
  if (passkey.ratios.length > 0) {
    row(
      'Passkey verify ≥ 0.8× wallet verify (median of the rounds)',
      `${atLeast(passkey.median, 0.8)}× (rounds: ${passkey.ratios.map(f2).join(', ')})`,
      passkey.median >= 0.8,
    );
  }
  // Issue #79: what a hardware-bound passkey's sign-in costs beyond a plain one's, in CPU.
  const phrh = cpuRatio(report.records, 'proofgate.passkey-phrh', 'proofgate.passkey');
  if (phrh.ratios.length > 0) {
    row(
      'Hardware-bound passkey sign-in (`acr` phrh) ≤ 1.2× a plain passkey’s CPU per request (median of the rounds)',
      `${atMost(phrh.median, 1.2)}× (rounds: ${phrh.ratios.map(f2).join(', ')})`,
      phrh.median <= 1.2,
    );
  }
  relative('proofgate.nonce', 2, 'Nonce issue');
  // Issue #21: Ed25519 verification is cheaper than secp256k1 recovery, so SIWS must not be
  // the slower wallet login. Paired by round, like the rest.
  const siws = roundRatio(report.records, 'proofgate.siws-verify', 'proofgate.verify');
  if (siws.ratios.length > 0) {
    row(
      'SIWS verify ≥ SIWE verify (median of the rounds)',
      `${atLeast(siws.median, 1)}× (rounds: ${siws.ratios.map(f2).join(', ')})`,
      siws.median >= 1,
    );
  }
  // Issue #33: a BIP-322 check (two virtual transactions and their sighash) must keep a Bitcoin
  // sign-in within 0.8x of an Ethereum one, for either key type.
  for (const [key, name] of SIWB_VERIFY_PHASES) {
    const siwb = roundRatio(report.records, key, 'proofgate.verify');
    if (siwb.ratios.length === 0) continue;
    row(
      `SIWB verify (${name}) ≥ 0.8× SIWE verify (median of the rounds)`,
      `${atLeast(siwb.median, 0.8)}× (rounds: ${siwb.ratios.map(f2).join(', ')})`,
      siwb.median >= 0.8,
    );
  }
  // Issue #50: an identity-wallet sign-in checks an issuer's signature, the disclosures and the
  // holder's key-binding signature: at least half the rate of a SIWE sign-in's one recovery.
  const presentation = roundRatio(report.records, 'proofgate.oid4vp-verify', 'proofgate.verify');
  if (presentation.ratios.length > 0) {
    row(
      'Identity wallet presentation (`POST /oid4vp/response`) ≥ 0.5× SIWE verify (median of the rounds)',
      `${atLeast(presentation.median, 0.5)}× (rounds: ${presentation.ratios.map(f2).join(', ')})`,
      presentation.median >= 0.5,
    );
  }
  relative('proofgate.me', 5, '/api/me');
  // RFC 9449 (issue #22): what a proof costs, each against its own bearer phase of the round.
  const dpop = (key: PhaseKey, base: PhaseKey, factor: number, name: string) => {
    const { ratios, median } = roundRatio(report.records, key, base);
    if (ratios.length === 0) return;
    row(
      `${name} ≥ ${factor}× the same without DPoP (median of the rounds)`,
      `${atLeast(median, factor)}× (rounds: ${ratios.map(f2).join(', ')})`,
      median >= factor,
    );
  };
  dpop('proofgate.dpop_exchange', 'proofgate.exchange', 0.8, 'DPoP code exchange');
  dpop('proofgate.dpop_me', 'proofgate.me', 0.7, '/api/me with DPoP');
  // Issue #36: a sign-in is one atomic redeem; what else it reads must ride beside it.
  const signIns = (
    [
      'proofgate.verify',
      'proofgate.passkey',
      'proofgate.passkey-phrh',
      'proofgate.siws-verify',
      'proofgate.siwb-verify',
      'proofgate.siwb-p2tr-verify',
      'proofgate.oid4vp-verify',
    ] as const
  )
    .map((key) => ({ key, summary: phase(key) }))
    .filter((entry) => entry.summary !== undefined);
  if (signIns.length > 0) {
    const worst = Math.max(...signIns.map((entry) => entry.summary?.tripsPerRequest ?? 0));
    row(
      'Every sign-in ≤ 1.3 database commands per request (#36)',
      signIns
        .map((entry) => `${PHASES[entry.key]} ${atMost(entry.summary?.tripsPerRequest ?? 0, 1.3)}`)
        .join('; '),
      worst <= 1.3,
    );
  }
  // Issue #51: a pending poll in time is one conditional write of its own, plus the limiter's.
  const polls = CIBA_POLL_PHASES.map((key) => phase(key)).filter(
    (summary): summary is PhaseSummary => summary !== undefined,
  );
  if (polls.length > 0) {
    const worst = Math.max(...polls.map((summary) => summary.tripsPerRequest));
    row(
      'A pending CIBA poll ≤ 2 database commands (#51), under load and alone',
      polls
        .map((summary) => `${PHASES[summary.key]} ${atMost(summary.tripsPerRequest, 2)}`)
        .join('; '),
      worst <= 2,
    );
  }
  // Issue #77: a page of an admin list is one find; the token's check and the limiter ride beside it.
  const pages = ADMIN_PAGE_PHASES.map((key) => phase(key)).filter(
    (summary): summary is PhaseSummary => summary !== undefined,
  );
  if (pages.length > 0) {
    const loaded = pages.find((summary) => summary.key === 'proofgate.admin-grants');
    row(
      `An admin list page (${ADMIN_LISTED_GRANTS.toLocaleString('en-US')} grants, ${ADMIN_PAGE_SIZE} a page) < 2 database commands (#77), under load; alone for comparison`,
      pages
        .map((summary) => `${PHASES[summary.key]} ${below(summary.tripsPerRequest, 2)}`)
        .join('; '),
      loaded === undefined ? undefined : loaded.tripsPerRequest < 2,
    );
  }
  const m = report.memory.proofgate;
  if (m && !somePhasesOnly(report.options)) {
    row(
      'RSS ≤ 250 MB after the full benchmark',
      `${f0(m.settledMiB)} MiB after ${m.settleSeconds} s idle (${f0(m.rssMiB)} MiB at the last answer, peak ${f0(m.peakMiB)} MiB)`,
      m.settledMiB <= 250,
    );
    row(
      `Peak RSS under load ≤ 300 MB (#36), with production's Node flags (${PRODUCTION_NODE_FLAGS.join(' ')})`,
      `${f0(m.peakMiB)} MiB`,
      m.peakMiB <= 300,
    );
  }
  if (rows.length === 0) return 'Not measured in this run (`--only`, `--phases`).';
  return ['| Target | Measured | |', '|---|---|---|', ...rows].join('\n');
}

/**
 * Said up front when the machine already had work before the run started (the run itself loads
 * every CPU, so only the load before it tells of other work): such numbers only prove the harness.
 */
function busyWarning(report: BenchReport): string {
  const cpus = Number(report.machine.cpus);
  const before = Number(report.machine.loadAverage.split(' ')[0]);
  if (!Number.isFinite(cpus) || !Number.isFinite(before) || before <= cpus / 2) return '';
  return `
> **The machine was busy when this run started** (1-minute load average ${f2(before)} on ${cpus}
> CPUs before the benchmark started anything): the numbers below show that the harness works,
> not how fast anything is. Measure on a quiet machine.
`;
}

export function renderReport(report: BenchReport): string {
  const { options, machine } = report;
  const mem = (side: 'proofgate' | 'oidc') => {
    const m = report.memory[side];
    return m
      ? `${f0(m.settledMiB)} MiB after ${m.settleSeconds} s idle, ${f0(m.rssMiB)} MiB at the last answer (peak ${f0(m.peakMiB)} MiB)`
      : 'not measured';
  };
  const idle = (side: 'proofgate' | 'oidc') => {
    const v = report.idleRate[side];
    return v === undefined ? 'not measured' : `${f1(v)} per second`;
  };
  const c = report.calibration;
  return `# Benchmarks

Written by \`npm run bench -- --write\` (\`bench/main.ts\`); run it again rather than editing this file. Its options:
\`npm run bench -- --help\` (its siblings' too: \`npm run bench:ab -- --help\`, and so on).
${busyWarning(report)}
- Date: ${report.startedAt.toISOString()} (the run took ${f0(report.seconds)} s)
- Command: \`${report.command}\`
- Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}; Node ${machine.node}; load average ${machine.loadAverage} before the run, ${report.loadAverageAfter} after
- Memory (\`free -g\`):

\`\`\`
${machine.memory}
\`\`\`

- Service: ${report.source}, compiled as \`npm run build\` compiles it (\`tools/build-service.js\`, SWC) into \`dist-bench/\`${report.buildReused ? ' by an earlier run (`--skip-build`: it may predate src/)' : ''}, run as \`node dist-bench/main.js\` with \`NODE_ENV=production\`, \`SEED_DEMO_DATA=true\`, \`LOG_LEVEL=warn\`, every rate limit raised (still counted in MongoDB, in leases of 16 counts: \`RATE_LIMIT_LEASE\`'s default)
- Compared with: node-oidc-provider ${report.versions['oidc-provider']} (\`bench/oidc-provider/server.mjs\`, \`NODE_ENV=production\`)
${workersLine(report)}- Database: ${report.database}, one server for every process of the run, each with its own database
- Versions: ${Object.entries(report.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}

## Targets

${targetsSection(report)}
${targetsFloor(report)}
## Authorization request: Proofgate against node-oidc-provider

${authorizeSection(report)}

## Code exchange: Proofgate against node-oidc-provider

${comparisonSection(report)}

## Proofgate, every phase (medians over the rounds)

${phaseTable(report, PROOFGATE_PHASES)}
${report.options.phases.includes('ciba') ? `\nCIBA (#51), each phase against one of the same round:\n\n${cibaRatios(report)}\n` : ''}${report.options.phases.includes('admin') ? `\nThe admin API (#77):\n\n${adminRatio(report)}\n` : ''}${report.options.phases.includes('ssf') ? `\n${signalsSection(report)}\n` : ''}
Memory of the Proofgate process after the whole run: ${mem('proofgate')}; of the oidc-provider
process: ${mem('oidc')} (VmRSS and VmHWM from \`/proc/<pid>/status\`). At the last answer the
heap still holds the garbage of the last phases: V8 lets the old generation grow under load and
its memory reducer collects it and returns the pages once the process has been idle for some
20 to 40 seconds (its timing varies from run to run, so the memory is read each second for a
minute and the lowest reading is reported, with when it came). The figure after idling is what
the process keeps; the one at the last answer and the peak are what a host must have room for
under load.

## The floor

${c ? phaseTable(report, ALL_FLOOR_PHASES) : 'Not measured in this run (`--no-floor`).'}
${
  c
    ? `
In one process, one at a time (no HTTP, no concurrency): jose ES256 signing ${f0(c.sign.perSecond)} per second
(${f0(c.sign.microseconds)} µs each); findOne by _id through the driver and the counting proxy
${f0(c.findOne.perSecond)} per second (${f0(c.findOne.microseconds)} µs each, ${c.n} of each).

${distanceFromFloor(report)}
`
    : ''
}
## How it is measured

- **Processes.** The database server, Proofgate, node-oidc-provider, the floor servers and the load
  generator are separate processes on the same ${machine.cpus} CPUs; the bench process itself only
  prepares requests between phases and forwards database traffic (below). Nothing leaves 127.0.0.1.
  The floor servers: a bare Express app (\`bench/floor/server.mjs\`: a POST, one signature, one
  findOne) and a NestJS app on Fastify (\`bench/floor/nest-server.ts\`: one POST whose body is a DTO checked
  by Nest's ValidationPipe), Proofgate's framework doing nothing else.
- **Load.** A closed loop: ${options.connections} keep-alive HTTP/1.1 connections (undici \`Pool\`,
  no pipelining; ${options.authorizeConnections} for the authorization request, browsers each waiting for its redirect), each sending its next request as soon as the answer to the previous one is read.
  Every connection is opened before the clock starts. Throughput is requests over the time from the
  first request sent to the last answer read; p50 and p99 are nearest-rank percentiles of each
  request's time from send to the end of its answer body, as the load generator sees it. A phase
  fails the run unless every answer has the expected status (200, 201 for /wallet/nonce, the
  redirect with a code for the authorization request: 302 from Proofgate, 303 from oidc-provider).
- **Requests are prepared, not generated, under load.** Each server is signed in to once, through
  the real browser flow: Proofgate's \`GET /login\`, \`POST /login\` (CSRF token and cookie);
  oidc-provider's \`/auth\` with its own login and consent interactions. The authorization request
  phase sends \`GET /authorize\` (\`/auth\`) with that session cookie, a fresh \`state\` and PKCE
  challenge each, and its answers' codes (read from each \`Location\`, its \`state\` checked) are the
  ones the code-exchange phase right after it redeems; the DPoP phases' codes are minted the same
  way by the bench process before their phase. Every code has its own PKCE verifier. Code lifetime is
  ${options.codeTtlSeconds} s on both servers (\`AUTH_CODE_TTL_SECONDS\`). The refresh phase redeems the
  refresh tokens the exchange phase returned, \`/api/me\` uses its access tokens, and
  \`/wallet/verify\` redeems the nonces issued in the nonce phase, each message signed beforehand with
  viem. Every nonce request comes from a wallet of its own, never seen before in the run (sign-ins
  come from many wallets, and a wallet met for the first time pays for its EIP-55 checksum): the
  first ${report.walletAccounts} of each round from new viem accounts (\`privateKeyToAccount\`), whose messages
  verify signs, the others from random addresses, checksummed as wallets send them. The Solana
  phases do the same with ${report.walletAccounts} new Ed25519 wallets a round (\`@noble/curves\`): one
  \`solana:mainnet\` nonce each, each Sign In With Solana message signed beforehand (base58), then
  verified; SIWS verify is compared with SIWE verify round by round. The Bitcoin phases do the same
  with ${report.walletAccounts} new P2WPKH and ${report.walletAccounts} new P2TR wallets a round (the lab's, signing
  BIP-322 simple with \`@scure/btc-signer\`): one mainnet nonce phase for both, then one verify
  phase per key type, each compared with SIWE verify round by round. ${PRESENTATION_PHASE}
  ${CIBA_PHASE}
  ${ADMIN_PHASE}
  ${SIGNALS_PHASE}
  The DPoP phases send the
  same code exchanges and \`/api/me\` calls, each with a proof of its own (a fresh \`jti\`, an
  \`iat\` of the moment it is signed, \`ath\` at \`/api/me\`), all signed with node:crypto just
  before the phase (a proof is accepted for 60 s) with one ES256 key for the run, as a client
  keeps one key: Proofgate imports it once (a client with a new key per proof would pay the
  import, ~0.2 ms, each time). The passkey phase fetches one challenge per request from
  \`POST /passkeys/authentication/options\` before the phase and signs an assertion over each
  (ES256, the tests' software authenticator, a synced passkey that never counts). That one
  passkey signs every request: after its first sign-in each takes the path of a credential the
  instance has seen sign in, its record read beside the challenge's redemption; a credential's
  first sign-in on an instance reads its record first, one round trip longer for the same CPU.
  Nothing is signed while a phase runs: the load generator only sends what was prepared.
- **Rounds.** ${options.warmup > 0 ? `An unrecorded warm-up round of ${options.warmup} requests per phase, then ` : ''}${options.rounds}
  round(s), each of ${options.requests} authorization requests and code exchanges per server and ${options.phaseRequests} requests for each of
  Proofgate's other phases (${NONCE_PHASE_FACTOR * options.phaseRequests} for nonce issue, which answers about twice as fast: each phase lasts
  about as long), alternating which server goes first. The ratio is computed per round
  and its median reported, so one disturbed round does not decide it; so are the targets relative
  to Proofgate's own exchange (verify, nonce issue, /api/me: each round's phase against that
  round's exchange). The floor phases run after
  both servers have stopped, in turn, ${Math.min(options.rounds, 3)} time(s) after one unrecorded pass; medians reported.
- **Database round trips.** Each server reaches the database through its own TCP proxy in the
  bench process, which reads the MongoDB wire-protocol header of every message the server sends and
  the first element of the command document: the command and its collection (\`find grants\`).
  Counts are taken from the moment the connections are open to ${report.settleMs} ms after the last answer, and divided
  by the requests of the phase. Monitoring messages (\`hello\`) are left out. Both servers (and the
  floor) go through the same kind of proxy, so each pays the same extra hop. With nothing sent to
  them, the servers made ${idle('proofgate')} (Proofgate) and ${idle('oidc')} (oidc-provider)
  database requests of their own.
- **What each server does per authorization request.** Both read the browser's login session by
  its cookie, check the client, the redirect URI (exact match with the registered one) and the
  S256 \`code_challenge\`, store a new code bound to them, and redirect to the client with \`code\`,
  \`state\` and \`iss\`. Proofgate also counts the request against its per-address limit
  (\`RATE_LIMIT_AUTHORIZE_PER_IP\`, raised out of the way but still counted); demo-client is
  first-party, so there is no consent to read. oidc-provider reads the grant the user consented to
  at its first login, and writes its session back.
- **What each server does per code exchange.** Both authenticate the client (HTTP Basic), verify
  PKCE S256, redeem the code once, and answer with an access token and a rotating refresh token,
  signing one ES256 JWT. Proofgate's access token is that JWT; oidc-provider's access token is
  opaque and stored, and its JWT is the ID token (scope \`openid\`). oidc-provider is configured to
  issue a refresh token on every exchange not tied to the login session, as Proofgate does, and its
  storage adapter (\`bench/oidc-provider/mongo-adapter.mjs\`, written for this bench to the documented
  adapter interface) keeps one collection per model. That interface reads a code, then marks it
  consumed with a separate write; Proofgate redeems a code with one atomic delete that also checks
  its binding and expiry.
- **What each server does per machine-client request** (\`client_credentials\` with
  \`private_key_jwt\`, as many requests a round as code exchanges, right after them). The client
  \`bench-machine\` is registered with both (client_credentials only, its ES256 public key inline
  as \`jwks\`); every request carries an assertion of its own (RFC 7523: \`iss\` = \`sub\` = the
  client, \`aud\` the server's issuer, a fresh \`jti\`), all signed before the phase. Both verify the
  assertion's signature and claims, record its \`jti\` so that it cannot be replayed, and answer with
  an ES256 JWT access token for scope \`api\` and no refresh token (oidc-provider through its resource
  indicators, for this client only, so that its token is a JWT and not stored; checked on every
  answer). See the section "Machine clients" below.
- **Caveats.** The database is mongo-java-server, not MongoDB: round-trip counts carry over, absolute
  latencies do not. All processes share ${machine.cpus} CPUs, so a faster load generator or database
  would show higher numbers for both servers; compare the ratio and the round trips, and runs on the
  same machine with each other. oidc-provider ${report.versions['oidc-provider']} warns that it supports
  Node 22 and later; the run used Node ${machine.node}.
`;
}

/** The report file's section a run of some phases writes (`<!-- bench:phases-siwe-oid4vp -->`). */
/**
 * How many processes each server ran (`--workers`), as a report line ending in a newline; none
 * for one process each.
 */
function workersLine(report: BenchReport): string {
  const n = report.options.workers;
  if (n <= 1) return '';
  return (
    `- Processes: ${n} per server: Proofgate with \`WORKERS=${n}\`, node-oidc-provider as ${n} \`cluster\` ` +
    'workers sharing its port; CPU and memory count every process of a server (its primary too)\n'
  );
}

export function phasesSectionName(options: BenchReport['options']): string {
  const workers = options.workers > 1 ? `-workers-${options.workers}` : '';
  return `phases-${options.phases.join('-')}${workers}`;
}

/**
 * A run of some of Proofgate's phases (\`--phases\`): its own section of the report file, with
 * when, where and how it ran, the targets it measured and its phases; the full report stays.
 */
export function renderPhasesSection(report: BenchReport): string {
  const { machine } = report;
  const name = phasesSectionName(report.options);
  return `<!-- bench:${name} -->

## Some phases: ${report.options.phases.join(', ')}${report.options.workers > 1 ? `, ${report.options.workers} workers each` : ''}

Written by \`npm run bench -- --phases ... --write\` (\`bench/main.ts\`), measured as the full run above
([How it is measured](#how-it-is-measured)); run it again rather than editing this section.
${busyWarning(report)}
- Date: ${report.startedAt.toISOString()} (the run took ${f0(report.seconds)} s)
- Command: \`${report.command}\`
- Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}; Node ${machine.node}; load average ${machine.loadAverage} before the run, ${report.loadAverageAfter} after
- Service: ${report.source}${report.buildReused ? ' (`--skip-build`: an earlier build, it may predate src/)' : ''}
${workersLine(report)}
${targetsSection(report)}

${phaseTable(report, PROOFGATE_PHASES)}
${report.options.phases.includes('oid4vp') ? `\n${PRESENTATION_PHASE.replace(/\n {2}/g, '\n')}\n` : ''}${report.options.phases.includes('ciba') ? `\n${CIBA_PHASE.replace(/\n {2}/g, '\n')}\n\n${cibaRatios(report)}\n` : ''}${report.options.phases.includes('admin') ? `\n${ADMIN_PHASE.replace(/\n {2}/g, '\n')}\n\n${adminRatio(report)}\n` : ''}${report.options.phases.includes('ssf') ? `\n${SIGNALS_PHASE.replace(/\n {2}/g, '\n')}\n\n${signalsSection(report)}\n` : ''}
<!-- /bench:${name} -->
`;
}

/** The short version printed at the end of a run. */
export function renderSummary(report: BenchReport): string {
  const lines = [
    '',
    `Benchmark: ${report.command} (${f0(report.seconds)} s, load average ${report.machine.loadAverage} -> ${report.loadAverageAfter})`,
  ];
  const all: PhaseKey[] = [...PROOFGATE_PHASES, ...OIDC_PHASES, ...ALL_FLOOR_PHASES];
  for (const key of all) {
    const s = summarizePhase(report.records, key);
    if (!s) continue;
    lines.push(
      `  ${PHASES[key].padEnd(58)} ${f0(s.rps).padStart(6)} req/s  p50 ${f1(s.p50).padStart(6)} ms  p99 ${f1(s.p99).padStart(6)} ms  ${f2(s.tripsPerRequest)} db/req`,
    );
  }
  const authorize = authorizeRatio(report.records);
  if (authorize.ratios.length > 0) {
    lines.push(
      `  Authorization request throughput, Proofgate / oidc-provider: median ${f2(authorize.median)} (rounds: ${authorize.ratios.map(f2).join(', ')}; target >= 2)`,
    );
  }
  const ratio = exchangeRatio(report.records);
  if (ratio.ratios.length > 0) {
    lines.push(
      `  Code exchange throughput, Proofgate / oidc-provider: median ${f2(ratio.median)} (rounds: ${ratio.ratios.map(f2).join(', ')})`,
    );
  }
  const machineClient = machineClientRatio(report.records);
  if (machineClient.ratios.length > 0) {
    lines.push(
      `  Machine client (client_credentials + private_key_jwt), Proofgate / oidc-provider: median ${f2(machineClient.median)} (rounds: ${machineClient.ratios.map(f2).join(', ')}; target >= 1.5)`,
    );
    const cpu = machineClientCpuRatio(report.records);
    if (cpu.ratios.length > 0) {
      lines.push(
        `  Machine client CPU per request, oidc-provider / Proofgate: median ${f2(cpu.median)} (rounds: ${cpu.ratios.map(f2).join(', ')})`,
      );
    }
  }
  const passkey = roundRatio(report.records, 'proofgate.passkey', 'proofgate.verify');
  if (passkey.ratios.length > 0) {
    lines.push(
      `  Passkey verify / wallet verify: median ${f2(passkey.median)} (rounds: ${passkey.ratios.map(f2).join(', ')})`,
    );
  }
  const phrh = cpuRatio(report.records, 'proofgate.passkey-phrh', 'proofgate.passkey');
  if (phrh.ratios.length > 0) {
    lines.push(
      `  Hardware-bound passkey / plain passkey, CPU per request: median ${f2(phrh.median)} (rounds: ${phrh.ratios.map(f2).join(', ')}; target <= 1.2)`,
    );
  }
  const siws = roundRatio(report.records, 'proofgate.siws-verify', 'proofgate.verify');
  if (siws.ratios.length > 0) {
    lines.push(
      `  SIWS verify / SIWE verify: median ${f2(siws.median)} (rounds: ${siws.ratios.map(f2).join(', ')})`,
    );
  }
  const presentation = roundRatio(report.records, 'proofgate.oid4vp-verify', 'proofgate.verify');
  if (presentation.ratios.length > 0) {
    lines.push(
      `  Identity wallet presentation / SIWE verify: median ${f2(presentation.median)} (rounds: ${presentation.ratios.map(f2).join(', ')}; target >= 0.5)`,
    );
  }
  for (const [key, name] of SIWB_VERIFY_PHASES) {
    const siwb = roundRatio(report.records, key, 'proofgate.verify');
    if (siwb.ratios.length === 0) continue;
    lines.push(
      `  SIWB verify (${name}) / SIWE verify: median ${f2(siwb.median)} (rounds: ${siwb.ratios.map(f2).join(', ')}; target >= 0.8)`,
    );
  }
  for (const [key, base, name] of CIBA_RATIOS) {
    const own = roundRatio(report.records, key, base);
    if (own.ratios.length > 0)
      lines.push(`  ${name}: median ${f2(own.median)} (rounds: ${own.ratios.map(f2).join(', ')})`);
  }
  for (const [key, name] of [
    ['proofgate.verify', 'Wallet verify'],
    ['proofgate.nonce', 'Nonce issue'],
    ['proofgate.me', '/api/me'],
  ] as const) {
    const own = roundRatio(report.records, key, 'proofgate.exchange');
    if (own.ratios.length > 0)
      lines.push(
        `  ${name} / Proofgate's code exchange: median ${f2(own.median)} (rounds: ${own.ratios.map(f2).join(', ')})`,
      );
  }
  for (const [key, base, name] of [
    ['proofgate.dpop_exchange', 'proofgate.exchange', 'DPoP code exchange / bearer exchange'],
    ['proofgate.dpop_me', 'proofgate.me', '/api/me with DPoP / with a bearer token'],
  ] as const) {
    const own = roundRatio(report.records, key, base);
    if (own.ratios.length > 0)
      lines.push(`  ${name}: median ${f2(own.median)} (rounds: ${own.ratios.map(f2).join(', ')})`);
  }
  for (const side of ['proofgate', 'oidc'] as const) {
    const m = report.memory[side];
    if (m)
      lines.push(
        `  RSS after the run, ${side}: ${f0(m.settledMiB)} MiB after ${m.settleSeconds} s idle, ${f0(m.rssMiB)} MiB at the last answer (peak ${f0(m.peakMiB)} MiB)`,
      );
  }
  return `${lines.join('\n')}\n`;
}
