/**
 * `npm run bench:profile`: where Proofgate's CPU goes, phase by phase. Starts the database and
 * Proofgate as `npm run bench` does (same build, same production settings, no counting proxy),
 * with the inspector on 127.0.0.1, drives one unprofiled warm-up pass, then each phase under the
 * same closed-loop load with the V8 sampling profiler running, and prints, per phase, the time by
 * component and by function (self and inclusive) in % of the busy CPU and in µs per request.
 * The raw profiles go to --out (open them in Chrome DevTools or speedscope).
 *
 *   npm run bench:profile -- [--requests N] [--warmup N] [--connections N]
 *                            [--phases authorize,authorize-browsers,exchange,refresh,me,nonce,verify,dpop-exchange,dpop-me,
 *                                      passkey,siws-verify,siwb-verify,siwb-p2tr-verify,machine,
 *                                      oid4vp]
 *                            [--skip-build] [--out DIR] [--interval US] [--top N] [--cpu-only]
 *                            [--allocations]
 *                            [--dist DIR (a build of another tree, implies --skip-build)]
 *                            [--workers N]
 *
 * (`npm run bench:profile -- --help` lists them with their defaults.)
 *
 * With --workers N the instance runs N workers (WORKERS=N): every worker is profiled (Node's
 * cluster gives worker i the inspector port of the primary plus i), each worker's raw profile is
 * written, and the tables are of all the workers together, per request of the phase. The
 * primary serves nothing and is not profiled; with --cpu-only its CPU counts with the workers'.
 *
 * With --allocations the heap is sampled instead of the CPU (garbage included): per phase, the
 * bytes allocated per request by component and by function, and the raw .heapprofile.
 *
 * With --cpu-only there is no profiler: each phase reports the CPU time (user + system, from
 * /proc) the Proofgate process spent per request, a figure other load on the machine barely moves,
 * and that of Proofgate, the database server and the load generator together (what one request
 * costs the machine: the figure to compare phases by when the machine is too busy for req/s).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startMongoServer } from '../../tools/mongo-server/launch';
import type { RequestSpec } from '../loadgen/protocol';
import { Browser } from '../lib/browser';
import { dpopSigner } from '../lib/dpop';
import { LoadGenerator, capturedField } from '../lib/load-generator';
import {
  clientCredentialsRequests,
  machineClientKey,
  machineClientMetadata,
} from '../lib/machine-client';
import { freePort, processTree, readMemory, treeMemory } from '../lib/processes';
import * as identityWallet from '../lib/identity-wallet';
import * as passkeys from '../lib/passkeys';
import * as proofgate from '../lib/proofgate';
import { DEFAULTS } from '../lib/options';
import { cpuTimeUs } from './cpu-time';
import { InspectorSession, type CpuProfile } from './inspector-session';
import { mergeSummaries, renderSummary, summarise } from './summary';
import {
  ALLOCATION_SAMPLING,
  mergeAllocations,
  renderAllocations,
  summariseAllocations,
  type SamplingHeapProfile,
} from './allocations';
import { Cleanups, runScript } from '../lib/script';
import { readCommandLine, readOptions } from '../lib/command-line';

const ROOT = resolve(__dirname, '..', '..');
const PHASES = [
  'authorize',
  'authorize-browsers',
  'exchange',
  'refresh',
  'me',
  'nonce',
  'verify',
  'dpop-exchange',
  'dpop-me',
  'passkey',
  'siws-verify',
  'siwb-verify',
  'siwb-p2tr-verify',
  'machine',
  'oid4vp',
] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  requests: number;
  warmup: number;
  phases: Phase[];
  skipBuild: boolean;
  out: string;
  intervalUs: number;
  top: number;
  connections: number;
  /** Measure only the process's CPU time per request, without the profiler's overhead. */
  cpuOnly: boolean;
  /** Sample allocations (heap profiler) rather than CPU time. */
  allocations: boolean;
  /** The build to run (default dist-bench/, built from src/ unless --skip-build). */
  dist: string;
  /** WORKERS: the service processes of the instance, each profiled. */
  workers: number;
}

const DEFAULT_OPTIONS: Options = {
  requests: 1000,
  warmup: 300,
  phases: [...PHASES],
  skipBuild: false,
  out: 'bench-profiles',
  intervalUs: 200,
  top: 25,
  connections: 50,
  cpuOnly: false,
  allocations: false,
  dist: 'dist-bench',
  workers: 1,
};

const USAGE = `npm run bench:profile -- [options]
Where Proofgate's CPU goes, phase by phase, under load with the V8 sampling profiler on.

  --requests N      profiled requests per phase (default ${DEFAULT_OPTIONS.requests})
  --warmup N        requests per phase of the unprofiled warm-up pass, 0 for none
                    (default ${DEFAULT_OPTIONS.warmup})
  --phases LIST     the phases to run, comma-separated (default all of them):
                    ${PHASES.join(', ')}
  --connections N   concurrent connections of the load generator (default ${DEFAULT_OPTIONS.connections})
  --skip-build      reuse the service build in ${DEFAULT_OPTIONS.dist}/ instead of compiling src/
  --dist DIR        run the build in DIR (of another tree; default ${DEFAULT_OPTIONS.dist}), implies --skip-build
  --out DIR         where the raw profiles go (default ${DEFAULT_OPTIONS.out})
  --interval US     the profiler's sampling interval, µs (default ${DEFAULT_OPTIONS.intervalUs})
  --top N           functions listed per phase (default ${DEFAULT_OPTIONS.top})
  --cpu-only        no profiler: the CPU time per request of Proofgate, and of the whole machine
  --allocations     sample the heap instead of the CPU: bytes allocated per request
  --workers N       the instance's WORKERS, every worker profiled (default ${DEFAULT_OPTIONS.workers})
  --help            this text`;

function parse(argv: readonly string[]): Options {
  const options: Options = { ...DEFAULT_OPTIONS, phases: [...PHASES] };
  readOptions(argv, {
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--warmup': (value) => (options.warmup = value.integer(0, 1_000_000)),
    '--phases': (value) => (options.phases = value.list(PHASES)),
    '--skip-build': () => (options.skipBuild = true),
    '--out': (value) => (options.out = value.text('a directory')),
    '--interval': (value) => (options.intervalUs = value.integer(1, 1_000_000)),
    '--top': (value) => (options.top = value.integer(0, 10_000)),
    '--dist': (value) => {
      options.dist = value.text('a directory');
      options.skipBuild = true;
    },
    '--cpu-only': () => (options.cpuOnly = true),
    '--allocations': () => (options.allocations = true),
    '--connections': (value) => (options.connections = value.integer(1, 1_000)),
    '--workers': (value) => (options.workers = value.integer(1, 64)),
  });
  return options;
}

async function main(): Promise<void> {
  const options = readCommandLine(USAGE, parse);
  const log = (line: string) => process.stderr.write(`[profile] ${line}\n`);
  if (!options.skipBuild) {
    log('building the service into dist-bench/');
    proofgate.buildService(ROOT, resolve(ROOT, options.dist));
  }
  const cleanups = new Cleanups(log);
  try {
    const database = await startMongoServer({ optimisingCompiler: true });
    cleanups.push(() => database.stop());
    const inspectPort = await freePort();
    // The machine client (client_credentials + private_key_jwt), registered as npm run bench does.
    const machineKey = machineClientKey();
    const { server, origin } = await proofgate.startService({
      distDir: resolve(ROOT, options.dist),
      mongoUri: `${database.uri}/proofgate_profile`,
      codeTtlSeconds: 300,
      nodeFlags: [`--inspect=127.0.0.1:${inspectPort}`],
      env: {
        OAUTH_CLIENTS: JSON.stringify([
          machineClientMetadata(machineKey),
          proofgate.partnerClientMetadata(),
        ]),
        OID4VP_TRUSTED_ISSUERS: identityWallet.BENCH_TRUSTED_ISSUERS,
        WORKERS: String(options.workers),
      },
    });
    cleanups.push(() => server.stop());
    // One process serves (WORKERS=1), or the primary's workers do, on its port plus 1, 2, ...
    const inspectPorts =
      options.workers === 1
        ? [inspectPort]
        : Array.from({ length: options.workers }, (_, i) => inspectPort + 1 + i);
    const inspectors: InspectorSession[] = [];
    for (const port of inspectPorts) {
      const inspector = await InspectorSession.connect(port);
      cleanups.push(() => inspector.close());
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.setSamplingInterval', { interval: options.intervalUs });
      if (options.allocations) await inspector.send('HeapProfiler.enable');
      inspectors.push(inspector);
    }
    const onEach = <T>(method: string, params?: Record<string, unknown>) =>
      Promise.all(inspectors.map((inspector) => inspector.send<T>(method, params)));
    /** Where worker i's raw profile of `phase` goes (no worker number for one process). */
    const profileFile = (phase: Phase, i: number, extension: string) =>
      join(
        resolve(ROOT, options.out),
        inspectors.length === 1 ? `${phase}.${extension}` : `${phase}.worker${i + 1}.${extension}`,
      );
    const serverCpu = () => processTree(server.pid).reduce((sum, pid) => sum + cpuTimeUs(pid), 0);
    const sampling: 'cpu' | 'allocations' | 'none' = options.cpuOnly
      ? 'none'
      : options.allocations
        ? 'allocations'
        : 'cpu';

    const loadgen = await LoadGenerator.start(ROOT);
    cleanups.push(() => loadgen.stop());
    const browser = new Browser(origin);
    cleanups.push(() => browser.close());
    await proofgate.login(browser);
    // Registered while the login is recent (ACCOUNT_RECENT_LOGIN_SECONDS), as npm run bench does.
    const authenticator = await passkeys.registerPasskey(browser);
    // The browsers' sign-ins of npm run bench: each a wallet of its own that allowed the partner.
    const browsers = await Promise.all(
      Array.from({ length: DEFAULTS.authorizeConnections }, async () => {
        const signedIn = new Browser(origin);
        cleanups.push(() => signedIn.close());
        await proofgate.signInWithWallet(signedIn, privateKeyToAccount(generatePrivateKey()));
        await proofgate.allowPartner(signedIn);
        return signedIn;
      }),
    );
    const signer = dpopSigner();
    const accounts = Array.from({ length: 50 }, () => privateKeyToAccount(generatePrivateKey()));
    // The identity wallet's one holder, signed in once (its account made), as npm run bench has it.
    const holder = options.phases.includes('oid4vp')
      ? await identityWallet.newBenchHolder(origin)
      : undefined;
    mkdirSync(resolve(ROOT, options.out), { recursive: true });

    const drive = async (
      phase: Phase,
      requests: RequestSpec[],
      expect: number,
      profiled: boolean,
      capture?: string[],
      shape: { connections?: number; captureLocation?: boolean } = {},
    ) => {
      let cpuBefore = 0;
      let machineBefore = 0;
      const machineCpu = () => serverCpu() + cpuTimeUs(database.pid) + cpuTimeUs(loadgen.pid);
      const run = loadgen.run(
        {
          origin,
          connections: shape.connections ?? options.connections,
          requests,
          expectStatus: expect,
          warmPath: '/.well-known/oauth-authorization-server',
          ...(capture ? { capture } : {}),
          ...(shape.captureLocation ? { captureLocation: true } : {}),
        },
        () => {
          cpuBefore = serverCpu();
          machineBefore = machineCpu();
          if (profiled && sampling === 'cpu') void onEach('Profiler.start');
          if (profiled && sampling === 'allocations') {
            void onEach('HeapProfiler.startSampling', { ...ALLOCATION_SAMPLING });
          }
        },
      );
      const result = await run;
      if (result.ok !== result.requests) {
        throw new Error(`${phase}: ${result.requests - result.ok} answers were not ${expect}`);
      }
      const cpuPerRequest = (serverCpu() - cpuBefore) / result.requests;
      const machinePerRequest = (machineCpu() - machineBefore) / result.requests;
      if (profiled && options.cpuOnly) {
        process.stdout.write(
          `${phase}: ${result.requests} requests, ${result.rps.toFixed(0)} req/s, ` +
            `${cpuPerRequest.toFixed(0)} µs of Proofgate CPU time (user + system) per request, ` +
            `${machinePerRequest.toFixed(0)} µs with the database and the load generator\n`,
        );
      } else if (profiled && sampling === 'allocations') {
        const profiles = await onEach<{ profile: SamplingHeapProfile }>(
          'HeapProfiler.stopSampling',
        );
        const files = profiles.map(({ profile }, i) => {
          const file = profileFile(phase, i, 'heapprofile');
          writeFileSync(file, JSON.stringify(profile));
          return file;
        });
        const summary = mergeAllocations(
          profiles.map(({ profile }) => summariseAllocations(profile)),
        );
        process.stdout.write(
          `\n=== ${phase}: ${result.requests} requests, ${result.rps.toFixed(0)} req/s with the ` +
            `heap sampled (${files.join(', ')})\n` +
            `${renderAllocations(summary, result.requests, options.top)}\n`,
        );
      } else if (profiled) {
        const profiles = await onEach<{ profile: CpuProfile }>('Profiler.stop');
        const files = profiles.map(({ profile }, i) => {
          const file = profileFile(phase, i, 'cpuprofile');
          writeFileSync(file, JSON.stringify(profile));
          return file;
        });
        const summary = mergeSummaries(profiles.map(({ profile }) => summarise(profile)));
        process.stdout.write(
          `\n=== ${phase}: ${result.requests} requests, ${result.rps.toFixed(0)} req/s with the ` +
            `profiler on (${files.join(', ')})\n${renderSummary(summary, result.requests, options.top)}\n`,
        );
      } else {
        log(`warm-up ${phase}: ${result.rps.toFixed(0)} req/s`);
      }
      return result.captured;
    };

    const pass = async (n: number, profiled: boolean) => {
      const wanted = (phase: Phase) => !profiled || options.phases.includes(phase);
      // The exchange's codes from the authorization request phase, as npm run bench has them.
      const authorizations = proofgate.authorizeRequests(browser, n);
      const authorized = await drive(
        'authorize',
        authorizations.requests,
        302,
        profiled && wanted('authorize'),
        undefined,
        { connections: DEFAULTS.authorizeConnections, captureLocation: true },
      );
      const codes = authorizations.codes(authorized);
      if (wanted('authorize-browsers')) {
        const signIns = proofgate.partnerSignInRequests(browsers, n);
        const signedIn = await drive(
          'authorize-browsers',
          signIns.requests,
          302,
          profiled,
          undefined,
          { connections: DEFAULTS.authorizeConnections, captureLocation: true },
        );
        signIns.codes(signedIn);
      }
      const exchanged = await drive(
        'exchange',
        proofgate.exchangeRequests(codes),
        200,
        profiled && wanted('exchange'),
        ['access_token', 'refresh_token'],
      );
      const accessTokens = capturedField(exchanged, 'access_token');
      const refreshTokens = capturedField(exchanged, 'refresh_token');
      if (wanted('refresh')) {
        await drive('refresh', proofgate.refreshRequests(refreshTokens), 200, profiled);
      }
      if (wanted('me')) {
        await drive('me', proofgate.meRequests(accessTokens, n), 200, profiled);
      }
      if (wanted('nonce') || wanted('verify')) {
        const issued = await drive(
          'nonce',
          proofgate.nonceRequests(
            accounts.map((account) => account.address),
            n,
          ),
          201,
          profiled && wanted('nonce'),
          ['message'],
        );
        if (wanted('verify')) {
          const signed = await proofgate.signMessages(accounts, capturedField(issued, 'message'));
          await drive('verify', signed, 200, profiled);
        }
      }
      // The other proofs, each prepared (signed) before its phase as npm run bench does.
      if (wanted('dpop-exchange') || wanted('dpop-me')) {
        const dpopCodes = await proofgate.mintCodes(browser, n);
        const bound = await drive(
          'dpop-exchange',
          proofgate.dpopExchangeRequests(dpopCodes, origin, signer),
          200,
          profiled && wanted('dpop-exchange'),
          ['access_token'],
        );
        if (wanted('dpop-me')) {
          const requests = proofgate.dpopMeRequests(
            capturedField(bound, 'access_token'),
            n,
            origin,
            signer,
          );
          await drive('dpop-me', requests, 200, profiled);
        }
      }
      if (wanted('passkey')) {
        const assertions = await passkeys.passkeyRequests(origin, authenticator, n);
        await drive('passkey', assertions, 200, profiled);
      }
      if (wanted('siws-verify')) {
        const wallets = proofgate.newSolanaWallets(n);
        const issued = await drive('nonce', proofgate.solanaNonceRequests(wallets), 201, false, [
          'message',
        ]);
        const signed = proofgate.signSolanaMessages(wallets, capturedField(issued, 'message'));
        await drive('siws-verify', signed, 200, profiled);
      }
      // Sign in with Bitcoin (#33): P2WPKH (BIP-322 simple, ECDSA), then P2TR (BIP-340 Schnorr).
      for (const [phase, type] of [
        ['siwb-verify', 'p2wpkh'],
        ['siwb-p2tr-verify', 'p2tr'],
      ] as const) {
        if (!wanted(phase)) continue;
        const wallets = proofgate.newBitcoinWallets(n, type);
        const issued = await drive('nonce', proofgate.bitcoinNonceRequests(wallets), 201, false, [
          'message',
        ]);
        const signed = proofgate.signBitcoinMessages(wallets, capturedField(issued, 'message'));
        await drive(phase, signed, 200, profiled);
      }
      if (wanted('machine')) {
        // Each assertion signed before the phase, with a jti of its own.
        await drive('machine', clientCredentialsRequests(machineKey, origin, n), 200, profiled);
      }
      if (wanted('oid4vp') && holder !== undefined) {
        // Issue #50: each request asked for and answered (signed) before the phase.
        const requests = await identityWallet.presentationRequests(origin, n);
        const answers = await identityWallet.presentationAnswers(holder, requests);
        await drive('oid4vp', answers, 200, profiled);
      }
    };
    if (options.warmup > 0) await pass(options.warmup, false);
    await pass(options.requests, true);
    const memory = options.workers === 1 ? readMemory(server.pid) : treeMemory(server.pid);
    if (memory) {
      process.stdout.write(
        `\nProofgate RSS ${memory.rssMiB.toFixed(0)} MiB (peak ${memory.peakMiB.toFixed(0)} MiB)\n`,
      );
    }
  } finally {
    await cleanups.run();
  }
}

runScript(main);
