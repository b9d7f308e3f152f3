/**
 * `npm run bench:ab -- --a DIR --b DIR`: two builds of Proofgate side by side, to tell whether a
 * change is faster. Both run at once on one database server (each with its own database) and
 * take turns under the same closed-loop load, as `npm run bench` does with oidc-provider, so a
 * drift of the shared machine moves both. Per round it prints req/s and the CPU time (user +
 * system) each instance spent per request; at the end, the median ratio B / A of both, and each
 * instance's RSS now and at its peak (VmHWM).
 *
 *   npm run bench:ab -- --a dist-bench --b dist-bench-x
 *                       [--phase authorize|exchange|me|refresh|nonce|verify|siws-verify|siwb-verify|
 *                                siwb-p2tr-verify|passkey|dpop-exchange|dpop-me|machine]
 *                       [--rounds N] [--requests N] [--warmup N] [--connections N] [--workers N]
 *
 * (`npm run bench:ab -- --help` lists them with their defaults.)
 *
 * With --workers N both sides run N workers (WORKERS=N), and a side's CPU is that of every
 * process of its instance (the primary and its workers).
 *
 * Build a tree into a directory with `node tools/build-service.js DIR` (this checkout's src/) or
 * `node tools/build-service.js DIR --from TREE` (another commit's worktree, compiled the same
 * way). DIR must be inside a checkout, where the build finds node_modules (`dist-bench-*` is
 * ignored by git). To compare Node flags on one build instead, give
 * them in AB_NODE_FLAGS_A / AB_NODE_FLAGS_B (e.g. `AB_NODE_FLAGS_B=--max-semi-space-size=32`).
 */
import { resolve } from 'node:path';
import { startMongoServer } from '../../tools/mongo-server/launch';
import type { RequestSpec } from '../loadgen/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { Browser } from '../lib/browser';
import { dpopSigner } from '../lib/dpop';
import * as passkeys from '../lib/passkeys';
import { LoadGenerator, capturedField } from '../lib/load-generator';
import {
  clientCredentialsRequests,
  machineClientKey,
  machineClientMetadata,
} from '../lib/machine-client';
import { processTree, treeMemory, type ServerProcess } from '../lib/processes';
import * as proofgate from '../lib/proofgate';
import { DEFAULTS } from '../lib/options';
import { median } from '../lib/stats';
import { cpuTimeUs } from './cpu-time';
import { Cleanups, runScript } from '../lib/script';
import { readCommandLine, readOptions } from '../lib/command-line';

const ROOT = resolve(__dirname, '..', '..');
const PHASES = [
  'authorize',
  'exchange',
  'me',
  'refresh',
  'nonce',
  'verify',
  'siws-verify',
  'siwb-verify',
  'siwb-p2tr-verify',
  'passkey',
  'dpop-exchange',
  'dpop-me',
  'machine',
] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  a: string;
  b: string;
  phase: Phase;
  rounds: number;
  requests: number;
  warmup: number;
  connections: number;
  workers: number;
}

/** The options' defaults, but --connections's, which depends on the phase. */
const DEFAULT_OPTIONS = {
  phase: 'exchange' as Phase,
  rounds: 6,
  requests: 3000,
  warmup: 1000,
  workers: 1,
};

const USAGE = `npm run bench:ab -- --a DIR --b DIR [options]
Two builds of Proofgate side by side, taking turns under the same load: is B faster than A?

  --a DIR           build A (\`node tools/build-service.js DIR\`), required
  --b DIR           build B, required (A's again, with AB_NODE_FLAGS_A/_B, to compare Node flags)
  --phase NAME      the phase compared (default ${DEFAULT_OPTIONS.phase}): ${PHASES.join(', ')}
  --rounds N        measured rounds (default ${DEFAULT_OPTIONS.rounds})
  --requests N      requests per side and round (default ${DEFAULT_OPTIONS.requests})
  --warmup N        requests per side of the unmeasured warm-up (default ${DEFAULT_OPTIONS.warmup})
  --connections N   concurrent connections of the load generator (default npm run bench's:
                    ${DEFAULTS.connections}, ${DEFAULTS.authorizeConnections} for authorize)
  --workers N       both sides' WORKERS (default ${DEFAULT_OPTIONS.workers})
  --help            this text`;

function parse(argv: readonly string[]): Options {
  const options: Options = { a: '', b: '', connections: 0, ...DEFAULT_OPTIONS };
  let connections: number | undefined;
  readOptions(argv, {
    '--a': (value) => (options.a = value.text('a directory')),
    '--b': (value) => (options.b = value.text('a directory')),
    '--phase': (value) => (options.phase = value.oneOf(PHASES)),
    '--rounds': (value) => (options.rounds = value.integer(1, 100)),
    '--requests': (value) => (options.requests = value.integer(1, 1_000_000)),
    '--warmup': (value) => (options.warmup = value.integer(1, 1_000_000)),
    '--connections': (value) => (connections = value.integer(1, 1_000)),
    '--workers': (value) => (options.workers = value.integer(1, 64)),
  });
  if (!options.a || !options.b) throw new Error('--a DIR and --b DIR are both required');
  options.connections =
    connections ??
    (options.phase === 'authorize' ? DEFAULTS.authorizeConnections : DEFAULTS.connections);
  return options;
}

/** Node flags for one side, from AB_NODE_FLAGS_A / AB_NODE_FLAGS_B (space-separated). */
function nodeFlags(label: 'A' | 'B'): string[] {
  const flags = label === 'A' ? process.env.AB_NODE_FLAGS_A : process.env.AB_NODE_FLAGS_B;
  return (flags ?? '').split(' ').filter(Boolean);
}

interface Side {
  label: 'A' | 'B';
  server: ServerProcess;
  origin: string;
  browser: Browser;
  authenticator: Awaited<ReturnType<typeof passkeys.registerPasskey>>;
}

async function main(): Promise<void> {
  const options = readCommandLine(USAGE, parse);
  const log = (line: string) => process.stderr.write(`[ab] ${line}\n`);
  const cleanups = new Cleanups(log);
  try {
    const database = await startMongoServer({ optimisingCompiler: true });
    cleanups.push(() => database.stop());
    // The machine client (client_credentials + private_key_jwt), registered with both sides.
    const machineKey = machineClientKey();
    const start = async (label: 'A' | 'B', dist: string): Promise<Side> => {
      const { server, origin } = await proofgate.startService({
        name: `proofgate-${label}`,
        distDir: resolve(ROOT, dist),
        mongoUri: `${database.uri}/proofgate_ab_${label.toLowerCase()}`,
        codeTtlSeconds: 600,
        nodeFlags: nodeFlags(label),
        env: {
          OAUTH_CLIENTS: JSON.stringify([machineClientMetadata(machineKey)]),
          WORKERS: String(options.workers),
        },
      });
      cleanups.push(() => server.stop());
      const browser = new Browser(origin);
      cleanups.push(() => browser.close());
      await proofgate.login(browser);
      // Registered while the login is recent (ACCOUNT_RECENT_LOGIN_SECONDS), as npm run bench does.
      const authenticator = await passkeys.registerPasskey(browser);
      return { label, server, origin, browser, authenticator };
    };
    const sides = [await start('A', options.a), await start('B', options.b)];
    const loadgen = await LoadGenerator.start(ROOT);
    cleanups.push(() => loadgen.stop());
    const phaseStatus = options.phase === 'nonce' ? 201 : options.phase === 'authorize' ? 302 : 200;

    const signer = dpopSigner();
    /**
     * The requests of one turn, prepared beforehand as npm run bench prepares them (codes minted
     * through the real login, messages, assertions and proofs signed before the clock starts).
     */
    const prepare = async (side: Side, n: number): Promise<RequestSpec[]> => {
      switch (options.phase) {
        case 'nonce':
          return proofgate.nonceRequests(proofgate.newWalletAddresses(n), n);
        case 'verify': {
          const wallets = Array.from({ length: n }, () =>
            privateKeyToAccount(generatePrivateKey()),
          );
          const issued = await drive(
            side,
            proofgate.nonceRequests(
              wallets.map((wallet) => wallet.address),
              n,
            ),
            201,
          );
          return proofgate.signMessages(wallets, capturedField(issued.captured, 'message'));
        }
        case 'siws-verify': {
          const wallets = proofgate.newSolanaWallets(n);
          const issued = await drive(side, proofgate.solanaNonceRequests(wallets), 201);
          return proofgate.signSolanaMessages(wallets, capturedField(issued.captured, 'message'));
        }
        case 'siwb-verify':
        case 'siwb-p2tr-verify': {
          const type = options.phase === 'siwb-verify' ? 'p2wpkh' : 'p2tr';
          const wallets = proofgate.newBitcoinWallets(n, type);
          const issued = await drive(side, proofgate.bitcoinNonceRequests(wallets), 201);
          return proofgate.signBitcoinMessages(wallets, capturedField(issued.captured, 'message'));
        }
        case 'passkey':
          return passkeys.passkeyRequests(side.origin, side.authenticator, n);
        case 'machine':
          return clientCredentialsRequests(machineKey, side.origin, n);
        case 'authorize':
          return proofgate.authorizeRequests(side.browser, n).requests;
        default:
      }
      const codes = await proofgate.mintCodes(side.browser, n);
      if (options.phase === 'exchange') return proofgate.exchangeRequests(codes);
      if (options.phase === 'dpop-exchange') {
        return proofgate.dpopExchangeRequests(codes, side.origin, signer);
      }
      if (options.phase === 'dpop-me') {
        const bound = await drive(side, proofgate.dpopExchangeRequests(codes, side.origin, signer));
        const tokens = capturedField(bound.captured, 'access_token');
        return proofgate.dpopMeRequests(tokens, n, side.origin, signer);
      }
      const exchanged = await drive(side, proofgate.exchangeRequests(codes));
      if (options.phase === 'me') {
        return proofgate.meRequests(capturedField(exchanged.captured, 'access_token'), n);
      }
      return proofgate.refreshRequests(capturedField(exchanged.captured, 'refresh_token'));
    };
    /** The CPU of a side's instance: its one process, or the primary and its workers. */
    const sideCpu = (side: Side) =>
      processTree(side.server.pid).reduce((sum, pid) => sum + cpuTimeUs(pid), 0);
    const drive = async (side: Side, requests: RequestSpec[], expectStatus = phaseStatus) => {
      let cpuBefore = 0;
      const result = await loadgen.run(
        {
          origin: side.origin,
          connections: options.connections,
          requests,
          expectStatus,
          warmPath: '/.well-known/oauth-authorization-server',
          capture: ['access_token', 'refresh_token', 'message'],
        },
        () => {
          cpuBefore = sideCpu(side);
        },
      );
      if (result.ok !== result.requests) {
        throw new Error(
          `${side.label}: ${result.requests - result.ok} answers were not ${expectStatus}`,
        );
      }
      const cpuUs = (sideCpu(side) - cpuBefore) / result.requests;
      return { rps: result.rps, cpuUs, captured: result.captured };
    };

    for (const side of sides) await drive(side, await prepare(side, options.warmup));
    log(`warmed up both sides with ${options.warmup} requests`);

    const rpsRatios: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // Alternate who goes first, so neither always runs on a machine the other just heated.
      const order = round % 2 === 1 ? sides : [...sides].reverse();
      const prepared = new Map<Side, RequestSpec[]>();
      for (const side of order) prepared.set(side, await prepare(side, options.requests));
      const measured = new Map<Side, { rps: number; cpuUs: number }>();
      for (const side of order) measured.set(side, await drive(side, prepared.get(side) ?? []));
      const a = measured.get(sides[0]);
      const b = measured.get(sides[1]);
      if (!a || !b) throw new Error('a side was not measured');
      rpsRatios.push(b.rps / a.rps);
      cpuRatios.push(b.cpuUs / a.cpuUs);
      process.stdout.write(
        `round ${round} (${order[0].label} first): ` +
          `A ${a.rps.toFixed(0)} req/s ${a.cpuUs.toFixed(0)} µs/req, ` +
          `B ${b.rps.toFixed(0)} req/s ${b.cpuUs.toFixed(0)} µs/req, ` +
          `B/A req/s ${(b.rps / a.rps).toFixed(3)}, CPU ${(b.cpuUs / a.cpuUs).toFixed(3)}\n`,
      );
    }
    process.stdout.write(
      `${options.phase}, median over ${options.rounds} rounds: B/A req/s ` +
        `${median(rpsRatios).toFixed(3)}, B/A CPU per request ${median(cpuRatios).toFixed(3)}\n`,
    );
    // Both processes took the same load, so their high-water marks compare (flags such as
    // --max-semi-space-size, or a change that holds less, show here).
    for (const side of sides) {
      const memory = treeMemory(side.server.pid);
      if (memory) {
        process.stdout.write(
          `${side.label}: RSS ${memory.rssMiB.toFixed(0)} MiB now, peak ${memory.peakMiB.toFixed(0)} MiB\n`,
        );
      }
    }
  } finally {
    await cleanups.run();
  }
}

runScript(main);
