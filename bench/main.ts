/**
 * `npm run bench`: Proofgate against node-oidc-provider, and against the floor, each server in
 * its own process, all on one embedded database server, driven by a separate load-generator
 * process. See docs/BENCHMARKS.md (written by this script) for what is measured and how.
 *
 * Processes: the database (mongo-java-server, in memory); Proofgate (built from src/ into
 * dist-bench/, NODE_ENV=production); node-oidc-provider (bench/oidc-provider/server.mjs); a bare
 * Express floor server (bench/floor/server.mjs); the load generator (bench/loadgen/worker.ts).
 * This process prepares every request (logins, authorization requests, signatures) before each
 * phase, and runs one counting TCP proxy per server between it and the database.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startMongoServer } from '../tools/mongo-server/launch';
import type { RequestSpec } from './loadgen/protocol';
import { Browser } from './lib/browser';
import { dpopSigner } from './lib/dpop';
import { LoadGenerator, capturedField } from './lib/load-generator';
import {
  checkJwtAccessTokens,
  clientCredentialsRequests,
  machineClientKey,
  machineClientMetadata,
} from './lib/machine-client';
import * as oidc from './lib/oidc';
import { PARTNER_CLIENT } from './lib/pkce';
import * as admin from './lib/admin';
import * as ciba from './lib/ciba';
import * as signals from './lib/shared-signals';
import {
  NONCE_PHASE_FACTOR,
  USAGE,
  commandLine,
  BENCHMARKS_FILE,
  parseOptions,
  somePhasesOnly,
  type BenchOptions,
  type PhaseGroup,
} from './lib/options';
import {
  describeMachine,
  mongoJavaServerVersion,
  sourceDescription,
  freePort,
  loadAverage,
  processTree,
  startServer,
  treeMemory,
  type ServerProcess,
} from './lib/processes';
import * as passkeys from './lib/passkeys';
import * as proofgate from './lib/proofgate';
import * as identityWallet from './lib/identity-wallet';
import { writeReport, writeReportSection } from './lib/report-section';
import { phasesSectionName, renderPhasesSection, renderReport, renderSummary } from './lib/report';
import {
  signalsKey,
  type BenchReport,
  type Calibration,
  type PhaseKey,
  type PhaseRecord,
  type Side,
  type SignalsCount,
  type SignalsState,
} from './lib/results';
import { roundTripsBetween, type CountSnapshot } from './lib/wire-counter';
import { CountingProxy } from './lib/wire-proxy';
import { readCommandLine } from './lib/command-line';
import { cpuTimeUs } from './profile/cpu-time';
import { Cleanups, runScript } from './lib/script';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist-bench');
/** After the last answer of a phase, writes the server makes afterwards still count for it. */
const SETTLE_MS = 250;
/** A server's database traffic is quiet when a SETTLE_MS window has at most this many requests. */
const QUIET_REQUESTS = 2;
/** How long a phase waits at most for its server's database traffic to stop. */
const QUIET_MAX_MS = 30_000;
const IDLE_WINDOW_MS = 2000;
/**
 * How long the servers stay idle, at most, while their memory is read each second: V8's memory
 * reducer collects and returns the garbage of the run once a process has been idle for some
 * 20 to 40 s (measured: the same build settles at 27 s in one run and 36 s in the next), so one
 * reading at a fixed 30 s said more about that timing than about the memory.
 */
const SETTLE_MAX_SECONDS = 60;

const T0 = performance.now();

function log(message: string): void {
  const seconds = ((performance.now() - T0) / 1000).toFixed(1);
  process.stderr.write(`[bench +${seconds}s] ${message}\n`);
}

/**
 * A server's CPU time so far (µs), summed over its processes (a primary and its workers),
 * undefined where /proc cannot tell (not Linux).
 */
function cpuOf(pid: number): number | undefined {
  try {
    return processTree(pid).reduce((sum, each) => sum + cpuTimeUs(each), 0);
  } catch {
    return undefined;
  }
}

/** Runs `work`, logging how long it took (preparation steps, never measured ones). */
async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

interface Target {
  readonly origin: string;
  readonly proxy: CountingProxy;
  /** A GET that touches no database, to open the connections before the clock starts. */
  readonly warmPath: string;
  readonly server: ServerProcess;
}

class Bench {
  readonly records: PhaseRecord[] = [];
  private readonly cleanups = new Cleanups(log);
  private loadgen!: LoadGenerator;

  constructor(readonly options: BenchOptions) {}

  onCleanup(step: () => Promise<void> | void): void {
    this.cleanups.push(step);
  }

  cleanup(): Promise<void> {
    return this.cleanups.run();
  }

  async startLoadGenerator(): Promise<void> {
    this.loadgen = await LoadGenerator.start(ROOT);
    this.onCleanup(() => this.loadgen.stop());
  }

  /** One measured (or warm-up, round 0) phase; fails the run if any answer is not `expect`. */
  async phase(
    key: PhaseKey,
    round: number,
    target: Target,
    requests: RequestSpec[],
    expect: number,
    capture?: string[],
    /**
     * Another number of connections than --connections; the answers' Locations sent back;
     * `untilQuiet`: the phase's database requests counted until the server's database traffic
     * stops (work the requests queued for later, e.g. an outbox drained in the background),
     * not only SETTLE_MS after the last answer, so that none of it is counted to the next phase;
     * `until`: awaited before that, for work whose end the traffic does not show (an outbox
     * retrying on a timer).
     */
    shape: {
      connections?: number;
      captureLocation?: boolean;
      untilQuiet?: boolean;
      until?: () => Promise<void>;
    } = {},
  ) {
    let before: CountSnapshot | undefined;
    let cpuBefore: number | undefined;
    const { captured, ...load } = await this.loadgen.run(
      {
        origin: target.origin,
        connections: shape.connections ?? this.options.connections,
        requests,
        expectStatus: expect,
        warmPath: target.warmPath,
        ...(capture ? { capture } : {}),
        ...(shape.captureLocation ? { captureLocation: true } : {}),
      },
      () => {
        before = target.proxy.counter.snapshot();
        cpuBefore = cpuOf(target.server.pid);
      },
    );
    await sleep(SETTLE_MS);
    await shape.until?.();
    if (shape.untilQuiet) await quiet(target.proxy);
    const trips = roundTripsBetween(before!, target.proxy.counter.snapshot());
    const cpuAfter = cpuOf(target.server.pid);
    if (target.proxy.error) throw new Error(`database proxy: ${target.proxy.error.message}`);
    if (load.ok !== load.requests) {
      throw new Error(
        `${key}: ${load.requests - load.ok} of ${load.requests} answers were not ${expect} ` +
          `(${JSON.stringify(load.statuses)}, ${load.errors} errors)\n${load.samples.join('\n')}\n` +
          `server output:\n${target.server.output().slice(-2000)}`,
      );
    }
    const record: PhaseRecord = {
      key,
      round,
      load,
      trips,
      ...(cpuBefore !== undefined && cpuAfter !== undefined
        ? { cpuUsPerRequest: (cpuAfter - cpuBefore) / load.requests }
        : {}),
    };
    if (round > 0) this.records.push(record);
    const tag = round > 0 ? `round ${round}` : 'warm-up';
    log(
      `${tag} ${key}: ${load.rps.toFixed(0)} req/s, p50 ${load.latency.p50.toFixed(1)} ms, ` +
        `p99 ${load.latency.p99.toFixed(1)} ms, ${(trips.total / load.requests).toFixed(2)} db/req` +
        (record.cpuUsPerRequest === undefined
          ? ''
          : `, ${record.cpuUsPerRequest.toFixed(0)} µs CPU/req`),
    );
    return { record, captured };
  }
}

/**
 * The sections other bench scripts keep in the same file (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`,
 * e.g. `npm run bench:cors`): kept as they are when this report is written anew.
 */
function otherSections(path: string): string {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const sections = [...previous.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->\n?/g)];
  return sections.map((section) => `\n${section[0].trimEnd()}\n`).join('');
}

/**
 * Resolves once a window of SETTLE_MS passes with no more than QUIET_REQUESTS database requests
 * through `proxy` (the server's background work: monitors are not counted), or after QUIET_MAX_MS.
 */
async function quiet(proxy: CountingProxy): Promise<void> {
  const deadline = performance.now() + QUIET_MAX_MS;
  while (performance.now() < deadline) {
    const before = proxy.counter.snapshot();
    await sleep(SETTLE_MS);
    if (roundTripsBetween(before, proxy.counter.snapshot()).total <= QUIET_REQUESTS) return;
  }
  log(`the database traffic did not stop within ${QUIET_MAX_MS} ms`);
}

/** Database requests per second from a server left alone (background work, monitors excluded). */
async function idleRate(proxy: CountingProxy): Promise<number> {
  const before = proxy.counter.snapshot();
  await sleep(IDLE_WINDOW_MS);
  return (roundTripsBetween(before, proxy.counter.snapshot()).total * 1000) / IDLE_WINDOW_MS;
}

function version(pkg: string): string {
  try {
    const file = join(ROOT, 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * An OTLP/HTTP endpoint that accepts every export and keeps nothing, so that `--tracing`
 * measures the service's side of tracing (spans, context, export), not a collector's.
 */
async function startOtlpSink(bench: Bench): Promise<string> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  bench.onCleanup(
    () =>
      new Promise<void>((resolve) => {
        sink.closeAllConnections();
        sink.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
}

async function run(bench: Bench, options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const machine = describeMachine();
  const withProofgate = options.only !== 'oidc';
  const withOidc = options.only !== 'proofgate';
  // The machine client of the client_credentials + private_key_jwt phase, registered with both.
  const machineKey = machineClientKey();
  const machineClient = JSON.stringify(machineClientMetadata(machineKey));
  // The agent of the CIBA phases (Proofgate only: see cibaPhases).
  const agent = ciba.cibaAgent();
  // The admin client of the admin API's phases (Proofgate only).
  const adminClient = admin.adminClient();
  // The Shared Signals receiver and the admin client whose lock-downs are its causes.
  const withSignals = options.phases.includes('ssf');
  const signalsClients = signals.signalsClients();
  // The trust list and the attesting model of the hardware-bound passkey's phase.
  const attestation = options.phases.includes('passkey')
    ? await passkeys.benchAttestation()
    : undefined;

  let buildReused = false;
  // Read before the build, not when the report is written: src/ may change during a long run.
  const source = sourceDescription(ROOT);
  if (withProofgate) {
    if (options.skipBuild && existsSync(join(DIST, 'main.js'))) {
      buildReused = true;
      log('reusing the service build in dist-bench/');
    } else {
      log('building the service into dist-bench/');
      proofgate.buildService(ROOT, DIST);
    }
  }

  const database = await startMongoServer({ optimisingCompiler: true });
  bench.onCleanup(() => database.stop());
  log(`database at ${database.uri} (pid ${database.pid})`);

  const proxy = async () => {
    const p = new CountingProxy(database.port);
    const port = await p.listen();
    bench.onCleanup(() => p.close());
    return { proxy: p, uri: `mongodb://127.0.0.1:${port}` };
  };

  let pg: Target | undefined;
  if (withProofgate) {
    const { proxy: p, uri } = await proxy();
    const tracing = options.tracing ? await startOtlpSink(bench) : undefined;
    if (tracing) log(`tracing on: spans exported to ${tracing}`);
    const { server, origin } = await proofgate.startService({
      distDir: DIST,
      mongoUri: `${uri}/proofgate_bench`,
      codeTtlSeconds: options.codeTtlSeconds,
      env: {
        WORKERS: String(options.workers),
        OAUTH_CLIENTS: JSON.stringify([
          machineClientMetadata(machineKey),
          ciba.cibaAgentMetadata(agent),
          admin.adminClientMetadata(adminClient),
          proofgate.partnerClientMetadata(),
          ...(withSignals ? signals.signalsClientsMetadata(signalsClients) : []),
        ]),
        ...(withSignals ? signals.SIGNALS_ENV : {}),
        OID4VP_TRUSTED_ISSUERS: identityWallet.BENCH_TRUSTED_ISSUERS,
        ...(attestation
          ? {
              PASSKEY_ATTESTATION: 'direct',
              PASSKEY_TRUSTED_ATTESTATION_ROOTS: attestation.rootsFile,
            }
          : {}),
        ...(tracing
          ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracing, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }
          : {}),
      },
    });
    bench.onCleanup(() => server.stop());
    pg = {
      origin,
      proxy: p,
      warmPath: '/.well-known/oauth-authorization-server',
      server,
    };
    log(`proofgate on ${pg.origin} (pid ${server.pid})`);
  }

  let op: Target | undefined;
  if (withOidc) {
    const { proxy: p, uri } = await proxy();
    op = await startPeer(bench, p, {
      name: 'oidc-provider',
      args: [join(ROOT, 'bench', 'oidc-provider', 'server.mjs')],
      env: (origin) => ({
        ISSUER: origin,
        MONGODB_URI: `${uri}/oidc_provider_bench`,
        AUTH_CODE_TTL_SECONDS: String(options.codeTtlSeconds),
        MACHINE_CLIENT: machineClient,
        WORKERS: String(options.workers),
      }),
      warmPath: '/.well-known/openid-configuration',
    });
    log(`oidc-provider on ${op.origin} (pid ${op.server.pid})`);
  }

  await bench.startLoadGenerator();

  const idle: Partial<Record<Side, number>> = {};
  const [pgIdle, opIdle] = await Promise.all([pg && idleRate(pg.proxy), op && idleRate(op.proxy)]);
  if (pgIdle !== undefined) idle.proofgate = pgIdle;
  if (opIdle !== undefined) idle.oidc = opIdle;

  // Sessions: one real login per server, kept for every authorization request after it.
  const pgBrowser = pg && new Browser(pg.origin);
  const opBrowser = op && new Browser(op.origin);
  let authenticator: Awaited<ReturnType<typeof passkeys.registerPasskey>> | undefined;
  let hardwareAuthenticator: typeof authenticator;
  if (pgBrowser) {
    bench.onCleanup(() => pgBrowser.close());
    await proofgate.login(pgBrowser);
    // Registered while the login is recent (ACCOUNT_RECENT_LOGIN_SECONDS).
    if (attestation) {
      authenticator = await timed('registered a passkey', () =>
        passkeys.registerPasskey(pgBrowser),
      );
      // Another account's (a second passkey of user0's would need a passkey sign-in first).
      const other = new Browser(pg!.origin);
      try {
        await proofgate.login(other, 'user1');
        hardwareAuthenticator = await timed('registered a hardware-bound passkey', () =>
          passkeys.registerPasskey(other, attestation.packed),
        );
      } finally {
        await other.close();
      }
    }
  }
  if (opBrowser) {
    bench.onCleanup(() => opBrowser.close());
    await oidc.authorize(opBrowser); // log in and consent; the code is left unused
  }
  // The browsers' sign-ins: as many browsers as the phase's connections, each signed in as a
  // person of its own who allowed the partner client once (its consent read by every request).
  const browsersOf = async (
    target: Target,
    signIn: (browser: Browser, i: number) => Promise<unknown>,
  ) =>
    Promise.all(
      Array.from({ length: options.authorizeConnections }, async (_, i) => {
        const browser = new Browser(target.origin);
        bench.onCleanup(() => browser.close());
        await signIn(browser, i);
        return browser;
      }),
    );
  const pgBrowsers =
    pg &&
    (await timed(`signed ${options.authorizeConnections} wallets in to Proofgate`, () =>
      browsersOf(pg, async (browser) => {
        await proofgate.signInWithWallet(browser, privateKeyToAccount(generatePrivateKey()));
        await proofgate.allowPartner(browser);
      }),
    ));
  const opBrowsers =
    op &&
    (await timed(`signed ${options.authorizeConnections} people in to oidc-provider`, () =>
      browsersOf(op, (browser, i) =>
        oidc.authorize(browser, { client: PARTNER_CLIENT, login: `person${i}` }),
      ),
    ));

  const runs = (group: PhaseGroup) => options.phases.includes(group);
  // The identity wallet's one holder and its PID (the presentation phase).
  const holder = runs('oid4vp') && pg ? await identityWallet.newBenchHolder(pg.origin) : undefined;
  // The person whose grants the admin phases list, written once into the service's database.
  if (runs('admin') && pg) await admin.seedListedGrants(`${database.uri}/proofgate_bench`);
  // The Shared Signals phases' receiver, and the accounts their causes lock down and lift.
  const endpoint = runs('ssf') && pg ? new signals.PushEndpoint() : undefined;
  const signalsCounts: SignalsCount[] = [];
  let signalsAccounts: string[] = [];
  if (endpoint) {
    await endpoint.start();
    bench.onCleanup(() => endpoint.close());
    const accounts = Math.min(options.phaseRequests, signals.CAUSES_PER_PHASE);
    signalsAccounts = await timed(`created ${accounts} accounts for the SSF causes`, () =>
      signals.createAccounts(pg!.origin, signalsClients, accounts),
    );
  }
  const signer = dpopSigner();
  // RFC 9449: the same exchange and the same API call, with DPoP proofs (signed just before
  // each phase: a proof is accepted for 60 s after its iat). Run before the bearer phases in even
  // rounds and after them in odd ones, so that neither side always finds the process warmer.
  const dpopPair = async (round: number, m: number) => {
    const target = pg!;
    const dpopCodes = await timed(`minted ${m} Proofgate codes for DPoP`, () =>
      proofgate.mintCodes(pgBrowser!, m),
    );
    const dpopExchange = await bench.phase(
      'proofgate.dpop_exchange',
      round,
      target,
      proofgate.dpopExchangeRequests(dpopCodes, target.origin, signer),
      200,
      ['access_token'],
    );
    const boundTokens = capturedField(dpopExchange.captured, 'access_token');
    await bench.phase(
      'proofgate.dpop_me',
      round,
      target,
      proofgate.dpopMeRequests(boundTokens, m, target.origin, signer),
      200,
    );
  };
  const proofgateRound = async (round: number, n: number, m: number) => {
    const target = pg!;
    if (runs('dpop') && round % 2 === 0) await dpopPair(round, m);
    if (runs('oauth')) await oauthPhases(round, n, m);
    if (runs('ciba')) await cibaPhases(round, m);
    if (runs('admin')) await adminPhases(round, m);
    if (runs('dpop') && round % 2 === 1) await dpopPair(round, m);
    if (runs('siwe')) await walletPhases(round, m);
    if (runs('passkey')) {
      const assertions = await timed(`signed ${m} passkey assertions`, () =>
        passkeys.passkeyRequests(target.origin, authenticator!, m),
      );
      await bench.phase('proofgate.passkey', round, target, assertions, 200);
      const phrh = await timed(`signed ${m} hardware-bound passkey assertions`, () =>
        passkeys.passkeyRequests(target.origin, hardwareAuthenticator!, m),
      );
      await bench.phase('proofgate.passkey-phrh', round, target, phrh, 200);
    }
    if (runs('siws')) await solanaPhases(round, m);
    if (runs('siwb')) await bitcoinPhases(round, m);
    if (runs('ssf')) await signalsPhases(round, m);
  };
  // The authorization request, a signed-in browser's: its codes are the exchange's.
  const oauthPhases = async (round: number, n: number, m: number) => {
    const target = pg!;
    const authorizations = proofgate.authorizeRequests(pgBrowser!, n);
    const authorized = await bench.phase(
      'proofgate.authorize',
      round,
      target,
      authorizations.requests,
      302,
      undefined,
      { connections: options.authorizeConnections, captureLocation: true },
    );
    const codes = authorizations.codes(authorized.captured);
    // The browsers' sign-ins: their codes checked (each a code for its own state), left unused.
    const signIns = proofgate.partnerSignInRequests(pgBrowsers!, n);
    const signedIn = await bench.phase(
      'proofgate.authorize_browsers',
      round,
      target,
      signIns.requests,
      302,
      undefined,
      { connections: options.authorizeConnections, captureLocation: true },
    );
    signIns.codes(signedIn.captured);
    const exchange = await bench.phase(
      'proofgate.exchange',
      round,
      target,
      proofgate.exchangeRequests(codes),
      200,
      ['access_token', 'refresh_token'],
    );
    const accessTokens = capturedField(exchange.captured, 'access_token');
    const refreshTokens = capturedField(exchange.captured, 'refresh_token').slice(0, m);
    await bench.phase(
      'proofgate.refresh',
      round,
      target,
      proofgate.refreshRequests(refreshTokens),
      200,
    );
    await bench.phase('proofgate.me', round, target, proofgate.meRequests(accessTokens, m), 200);
    // Next to the code exchange, compared with oidc-provider's: as many requests as the exchange.
    const clientAssertions = await timed(`signed ${n} client assertions for Proofgate`, () =>
      Promise.resolve(clientCredentialsRequests(machineKey, target.origin, n)),
    );
    const machine = await bench.phase(
      'proofgate.client_credentials',
      round,
      target,
      clientAssertions,
      200,
      ['access_token'],
    );
    checkJwtAccessTokens(capturedField(machine.captured, 'access_token'), 'Proofgate');
  };
  // Issue #51, CIBA poll mode: the agent asks, polls while pending (under load, then one poll at
  // a time: what a lone poll costs, unbatched), the person approves, the agent's poll redeems.
  const cibaPhases = async (round: number, m: number) => {
    const target = pg!;
    const lone = Math.min(m, ciba.CIBA_LONE_POLLS);
    const asked = await bench.phase(
      'proofgate.ciba-request',
      round,
      target,
      ciba.backchannelRequests(agent, m + lone, round),
      200,
      ['auth_req_id'],
      // Each request queues an announcement in the CIBA outbox, worked in the background: its
      // cost is the request's, and the polls after it are measured without it.
      { untilQuiet: true, until: () => ciba.outboxDrained(`${database.uri}/proofgate_bench`) },
    );
    const authReqIds = capturedField(asked.captured, 'auth_req_id');
    const [polled, alone] = [authReqIds.slice(0, m), authReqIds.slice(m)];
    // Each request polled once, in time: every answer must be authorization_pending.
    const pendingPolls = async (key: PhaseKey, ids: string[], connections?: number) => {
      const pending = await bench.phase(
        key,
        round,
        target,
        ciba.pollRequests(agent, ids),
        400,
        ['error'],
        connections === undefined ? {} : { connections },
      );
      ciba.checkPending(capturedField(pending.captured, 'error'));
    };
    await pendingPolls('proofgate.ciba-poll', polled);
    await pendingPolls('proofgate.ciba-poll-lone', alone, 1);
    await bench.phase(
      'proofgate.ciba-approve',
      round,
      target,
      await ciba.approvalRequests(pgBrowser!, polled),
      200,
    );
    const redeemed = await bench.phase(
      'proofgate.ciba-token',
      round,
      target,
      ciba.pollRequests(agent, polled),
      200,
      ['access_token'],
    );
    ciba.checkCibaAccessTokens(capturedField(redeemed.captured, 'access_token'), agent);
  };
  // Issue #77: pages of the admin API's list of a person's grants, under load and one at a time.
  const adminPhases = async (round: number, m: number) => {
    const target = pg!;
    const token = await admin.adminToken(target.origin, adminClient);
    const paths = await admin.walkListedGrants(target.origin, token);
    await bench.phase(
      'proofgate.admin-grants',
      round,
      target,
      admin.pageRequests(paths, token, m),
      200,
    );
    await bench.phase(
      'proofgate.admin-grants-lone',
      round,
      target,
      admin.pageRequests(paths, token, Math.min(m, admin.ADMIN_LONE_PAGES)),
      200,
      undefined,
      { connections: 1 },
    );
  };
  const walletPhases = async (round: number, m: number) => {
    const target = pg!;
    // The presentation phase's requests and answers are made first, so that it runs right after
    // SIWE verify, which it is compared with (its key-binding JWTs are accepted for 300 s).
    const presentations = runs('oid4vp') ? await presentationAnswers(m) : undefined;
    // Nonce issue answers about twice as fast as the rest: twice the requests, so that its phase
    // lasts as long and a pause of the shared machine weighs on it no more than on the others.
    // Every nonce request from a wallet of its own, never seen before in the run: the first m
    // are accounts whose messages verify signs next, the rest addresses only.
    const wallets = await timed(`created ${m} wallets`, () =>
      Promise.resolve(Array.from({ length: m }, () => privateKeyToAccount(generatePrivateKey()))),
    );
    const addresses = [
      ...wallets.map((wallet) => wallet.address),
      ...proofgate.newWalletAddresses(NONCE_PHASE_FACTOR * m - m),
    ];
    const nonces = await bench.phase(
      'proofgate.nonce',
      round,
      target,
      proofgate.nonceRequests(addresses, addresses.length),
      201,
      ['message'],
    );
    const messages = capturedField(nonces.captured, 'message').slice(0, m);
    const signed = await timed(`signed ${m} SIWE messages`, () =>
      proofgate.signMessages(wallets, messages),
    );
    await bench.phase('proofgate.verify', round, target, signed, 200);
    // Issue #50: identity-wallet sign-ins right after SIWE's, compared with them round by round.
    if (presentations) {
      await bench.phase('proofgate.oid4vp-verify', round, target, presentations, 200);
    }
  };
  const presentationAnswers = async (m: number) => {
    const requests = await timed(`asked for ${m} identity wallet presentation requests`, () =>
      identityWallet.presentationRequests(pg!.origin, m),
    );
    return timed(`presented ${m} times`, () =>
      identityWallet.presentationAnswers(holder!, requests),
    );
  };
  // Issue #80: the code exchange, wallet verify and an operator's lock-down and lift, with a push
  // stream of every account to a loopback receiver and without one, the order alternating by
  // round. A lock-down or a lift is one cause (one SET); its phase counts until the receiver has
  // them all and the server's database traffic stops, so the push is the phase's too.
  const signalsPhases = async (round: number, m: number) => {
    const target = pg!;
    const states: SignalsState[] = round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
    for (const state of states) {
      const streamId =
        state === 'on'
          ? await signals.createPushStream(target.origin, signalsClients, endpoint!)
          : undefined;
      const counted = async (
        work: 'exchange' | 'verify' | 'disable' | 'enable',
        requests: Parameters<typeof bench.phase>[3],
        sets: number,
      ) => {
        const key = signalsKey(state, work);
        const before = endpoint!.received;
        await bench.phase(key, round, target, requests, 200, undefined, {
          untilQuiet: true,
          until: () => endpoint!.waitFor(before + (state === 'on' ? sets : 0)),
        });
        const received = endpoint!.received - before;
        if (round > 0) signalsCounts.push({ key, round, sets: received });
        if (state === 'on' && received !== sets) {
          throw new Error(`${key}: the receiver got ${received} SETs, ${sets} expected`);
        }
      };
      const codes = await timed(`minted ${m} Proofgate codes`, () =>
        proofgate.mintCodes(pgBrowser!, m),
      );
      await counted('exchange', proofgate.exchangeRequests(codes), 0);
      const verifies = await timed(`asked and signed ${m} SIWE messages`, () =>
        proofgate.walletVerifyRequests(target.origin, m),
      );
      await counted('verify', verifies, 0);
      const accounts = signalsAccounts.slice(0, m);
      const locks = await signals.statusRequests(
        target.origin,
        signalsClients,
        accounts,
        'disabled',
      );
      await counted('disable', locks, accounts.length);
      const lifts = await signals.statusRequests(target.origin, signalsClients, accounts, 'active');
      await counted('enable', lifts, accounts.length);
      if (streamId !== undefined) {
        await signals.deleteStream(target.origin, signalsClients, streamId);
      }
    }
  };
  const solanaPhases = async (round: number, m: number) => {
    const target = pg!;
    // Sign In With Solana, the same two steps with Ed25519 wallets: one nonce per new wallet,
    // each message signed beforehand, then verified (issue #21: SIWS verify >= SIWE verify).
    const solanaWallets = proofgate.newSolanaWallets(m);
    const solanaNonces = await bench.phase(
      'proofgate.siws-nonce',
      round,
      target,
      proofgate.solanaNonceRequests(solanaWallets),
      201,
      ['message'],
    );
    const solanaSigned = await timed(`signed ${m} SIWS messages`, () =>
      Promise.resolve(
        proofgate.signSolanaMessages(
          solanaWallets,
          capturedField(solanaNonces.captured, 'message'),
        ),
      ),
    );
    await bench.phase('proofgate.siws-verify', round, target, solanaSigned, 200);
  };
  const bitcoinPhases = async (round: number, m: number) => {
    const target = pg!;
    // Sign in with Bitcoin, the same two steps (issue #33: SIWB verify >= 0.8x SIWE verify),
    // with a native segwit (P2WPKH: BIP-322 over ECDSA) and a taproot key (P2TR: over BIP-340
    // Schnorr) of their own: one nonce phase for both, then one verify phase each.
    const segwit = proofgate.newBitcoinWallets(m, 'p2wpkh');
    const taproot = proofgate.newBitcoinWallets(m, 'p2tr');
    const bitcoinNonces = await bench.phase(
      'proofgate.siwb-nonce',
      round,
      target,
      proofgate.bitcoinNonceRequests([...segwit, ...taproot]),
      201,
      ['message'],
    );
    const bitcoinMessages = capturedField(bitcoinNonces.captured, 'message');
    const [segwitSigned, taprootSigned] = await timed(`signed ${2 * m} SIWB messages`, () =>
      Promise.resolve([
        proofgate.signBitcoinMessages(segwit, bitcoinMessages.slice(0, m)),
        proofgate.signBitcoinMessages(taproot, bitcoinMessages.slice(m)),
      ]),
    );
    await bench.phase('proofgate.siwb-verify', round, target, segwitSigned, 200);
    await bench.phase('proofgate.siwb-p2tr-verify', round, target, taprootSigned, 200);
  };
  const oidcRound = async (round: number, n: number) => {
    // The same authorization requests, with its session and the grant consented to at login.
    const authorizations = oidc.authorizeRequests(opBrowser!, n);
    const authorized = await bench.phase(
      'oidc.authorize',
      round,
      op!,
      authorizations.requests,
      303,
      undefined,
      { connections: options.authorizeConnections, captureLocation: true },
    );
    const codes = authorizations.codes(authorized.captured);
    const signIns = oidc.partnerSignInRequests(opBrowsers!, n);
    const signedIn = await bench.phase(
      'oidc.authorize_browsers',
      round,
      op!,
      signIns.requests,
      303,
      undefined,
      { connections: options.authorizeConnections, captureLocation: true },
    );
    signIns.codes(signedIn.captured);
    // Read back like Proofgate's answers (same load-generator work), and checked for the tokens.
    const exchange = await bench.phase(
      'oidc.exchange',
      round,
      op!,
      oidc.exchangeRequests(codes),
      200,
      ['access_token', 'refresh_token'],
    );
    capturedField(exchange.captured, 'access_token');
    capturedField(exchange.captured, 'refresh_token');
    const assertions = await timed(`signed ${n} client assertions for oidc-provider`, () =>
      Promise.resolve(clientCredentialsRequests(machineKey, op!.origin, n)),
    );
    const machine = await bench.phase('oidc.client_credentials', round, op!, assertions, 200, [
      'access_token',
    ]);
    checkJwtAccessTokens(capturedField(machine.captured, 'access_token'), 'oidc-provider');
  };

  const sides: Side[] = [...(pg ? ['proofgate' as const] : []), ...(op ? ['oidc' as const] : [])];
  const runSide = (side: Side, round: number, n: number, m: number) =>
    side === 'proofgate' ? proofgateRound(round, n, m) : oidcRound(round, n);

  if (options.warmup > 0) {
    for (const side of sides) await runSide(side, 0, options.warmup, options.warmup);
  }
  const orders: Side[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate which server goes first, so neither always runs on a warmer or cooler machine.
    const order = round % 2 === 1 ? [...sides] : [...sides].reverse();
    orders.push(order);
    for (const side of order) await runSide(side, round, options.requests, options.phaseRequests);
  }

  // RSS at the last answer holds garbage V8 has not collected yet: its memory reducer collects
  // and returns it once a process has been idle for a while. Both figures are reported.
  const atEnd = {
    ...(pg ? { proofgate: treeMemory(pg.server.pid) } : {}),
    ...(op ? { oidc: treeMemory(op.server.pid) } : {}),
  };
  const lowest: Partial<Record<Side, { rssMiB: number; seconds: number }>> = {};
  // A run of some phases reports no memory (its targets are of the whole run): no settling.
  const settleSeconds = somePhasesOnly(options) ? 0 : SETTLE_MAX_SECONDS;
  for (let second = 1; second <= settleSeconds; second++) {
    await sleep(1000);
    for (const [side, server] of [
      ['proofgate', pg?.server],
      ['oidc', op?.server],
    ] as const) {
      const now = server ? treeMemory(server.pid) : undefined;
      const seen = lowest[side];
      if (now && (!seen || now.rssMiB < seen.rssMiB))
        lowest[side] = { rssMiB: now.rssMiB, seconds: second };
    }
  }
  const memory: BenchReport['memory'] = {};
  for (const side of ['proofgate', 'oidc'] as const) {
    const end = atEnd[side];
    const settled = lowest[side];
    if (end && settled) {
      memory[side] = { ...end, settledMiB: settled.rssMiB, settleSeconds: settled.seconds };
    }
  }
  // The comparison is over: stop both so the floor has the machine to itself.
  await pg?.server.stop();
  await op?.server.stop();

  let calibration: Calibration | undefined;
  if (options.floor) {
    calibration = await measureFloor(
      bench,
      database.port,
      options.phaseRequests,
      Math.min(options.rounds, 3),
    );
  }

  return {
    options,
    command: commandLine(options),
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    loadAverageAfter: loadAverage(),
    source,
    buildReused,
    database: `mongo-java-server ${mongoJavaServerVersion(ROOT)}, in-memory backend, wire version 9`,
    orders,
    records: bench.records,
    memory,
    idleRate: idle,
    ...(calibration ? { calibration } : {}),
    settleMs: SETTLE_MS,
    walletAccounts: options.phaseRequests,
    versions: {
      node: process.version,
      'oidc-provider': version('oidc-provider'),
      mongodb: version('mongodb'),
      mongoose: version('mongoose'),
      express: version('express'),
      jose: version('jose'),
      undici: version('undici'),
    },
    ...(signalsCounts.length > 0 ? { signals: signalsCounts } : {}),
  };
}

/**
 * A peer of the comparison (node-oidc-provider, a floor server) as a production node process on
 * a free port, its database reached through `proxy`; ready once `warmPath` answers.
 */
async function startPeer(
  bench: Bench,
  proxy: CountingProxy,
  peer: {
    name: string;
    args: readonly string[];
    env: (origin: string) => NodeJS.ProcessEnv;
    warmPath: string;
  },
): Promise<Target> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name: peer.name,
    command: process.execPath,
    args: peer.args,
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      ...peer.env(origin),
    },
    readyUrl: `${origin}${peer.warmPath}`,
  });
  bench.onCleanup(() => server.stop());
  return { origin, proxy, warmPath: peer.warmPath, server };
}

/**
 * The floor servers: bare Express, then one signature, then one findOne, then NestJS with a
 * validated DTO (the framework Proofgate is built on), same load generator, `repeats` times in
 * turn (medians reported), after one unrecorded pass.
 */
async function measureFloor(
  bench: Bench,
  databasePort: number,
  n: number,
  repeats: number,
): Promise<Calibration> {
  const proxy = new CountingProxy(databasePort);
  const proxyPort = await proxy.listen();
  bench.onCleanup(() => proxy.close());
  const target = await startPeer(bench, proxy, {
    name: 'floor',
    args: [join(ROOT, 'bench', 'floor', 'server.mjs')],
    env: () => ({ MONGODB_URI: `mongodb://127.0.0.1:${proxyPort}/floor_bench` }),
    warmPath: '/',
  });
  const nestTarget = await startPeer(bench, proxy, {
    name: 'floor-nest',
    args: [
      '--require',
      'ts-node/register/transpile-only',
      join(ROOT, 'bench', 'floor', 'nest-server.ts'),
    ],
    env: () => ({ TS_NODE_PROJECT: join(ROOT, 'tsconfig.jest.json') }),
    warmPath: '/',
  });
  // A body of the size of a code exchange's, parsed and ignored.
  const body = JSON.stringify({
    grant_type: 'authorization_code',
    code: 'x'.repeat(43),
    code_verifier: 'y'.repeat(43),
  });
  const posts = (path: string): RequestSpec[] =>
    Array.from({ length: n }, () => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    }));
  const paths = [
    ['floor.noop', '/noop', target],
    ['floor.sign', '/sign', target],
    ['floor.find', '/find', target],
    ['floor.nest', '/noop', nestTarget],
  ] as const;
  for (let round = 0; round <= repeats; round++) {
    for (const [key, path, on] of paths) {
      await bench.phase(
        key,
        round,
        on,
        posts(path).slice(0, round === 0 ? Math.min(n, 500) : n),
        200,
      );
    }
  }
  const res = await request(`${target.origin}/calibrate?n=2000`);
  const calibration = (await res.body.json()) as Calibration;
  await target.server.stop();
  await nestTarget.server.stop();
  return calibration;
}

async function main(): Promise<void> {
  const options = readCommandLine(USAGE, parseOptions);
  const bench = new Bench(options);
  let stopping = false;
  const abort = (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping`);
    void bench.cleanup().finally(() => process.exit(1));
  };
  process.on('SIGINT', () => abort('SIGINT'));
  process.on('SIGTERM', () => abort('SIGTERM'));
  const deadline = setTimeout(
    () => abort(`still running after ${options.timeoutMinutes} minutes`),
    options.timeoutMinutes * 60_000,
  );

  try {
    const report = await run(bench, options);
    if (options.out !== '-' && somePhasesOnly(options)) {
      // Some phases only: their own section; the last full run's report stays.
      writeReportSection(
        resolve(ROOT, options.out),
        phasesSectionName(options),
        renderPhasesSection(report),
      );
      log(`section ${phasesSectionName(options)} written to ${options.out}`);
    } else if (options.out !== '-') {
      const out = resolve(ROOT, options.out);
      writeReport(out, renderReport(report) + otherSections(out));
      log(`report written to ${options.out}`);
    } else {
      log(`report not written: --write puts it into ${BENCHMARKS_FILE}, --out FILE elsewhere`);
    }
    process.stdout.write(renderSummary(report));
  } finally {
    clearTimeout(deadline);
    await bench.cleanup();
  }
}

runScript(main);
