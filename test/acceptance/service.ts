/**
 * The one Proofgate the acceptance suite talks to: the service as `npm run build` builds it
 * (test/support/build.ts), started as a process of its own with a database of its own and an
 * environment of documented settings only (docs/CONFIGURATION.md), and a loopback receiver for
 * what it sends out (CIBA_NOTIFY_URL, ping notifications) and for what it fetches (a status list,
 * a client's request objects). Everything else is HTTP.
 *
 * The folder's suite (folder.e2e-suite.ts) holds it for the whole folder; each spec file holds it
 * too, so that a spec file run alone (E2E_EACH_FILE=1) starts one of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { PAYMENT_INITIATION } from '../support/authorization-details';
import { type BuiltService, sharedBuild, startOnFreePort } from '../support/build';
import { freePort, type ScriptRun, waitFor } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testDatabaseUri } = require('../setup/test-database-uri') as {
  testDatabaseUri: (base: string | undefined, name: string) => string;
};

/** A POST the service made to the receiver. */
export interface Received {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** The origin a client's logo may come from (CONSENT_LOGO_ORIGINS). */
export const LOGO_ORIGIN = 'https://logos.acceptance.example';

/** A resource whose tokens need a passkey's `acr` (ACR_REQUIRED_BY_RESOURCE). */
export const PHR_RESOURCE = 'https://payments.example/api';

/** A client of the operator's `OAUTH_CLIENTS`, authenticated with its secret. */
export interface SecretClient {
  readonly clientId: string;
  readonly secret: string;
}

/**
 * The operator's machine clients (`OAUTH_CLIENTS`, `client_credentials`): two admin clients of
 * issue #77 (`admin_scopes` admin:read and admin:write), one with a jose-made ES256 key
 * (`private_key_jwt`, the recommended one) and one with a secret, one without the mark, and two
 * Shared Signals receivers of issue #80 (`ssf_receiver`).
 */
export interface MachineClients {
  readonly adminKeyed: { readonly clientId: string; readonly privateKey: CryptoKey };
  readonly adminSecret: SecretClient;
  readonly unmarked: SecretClient;
  readonly receivers: readonly [SecretClient, SecretClient];
}

/** CLIENT_SECRET_OVERLAP_MAX_SECONDS: the longest overlap a rotation may give the previous secret. */
export const SECRET_OVERLAP_MAX_SECONDS = 600;

export interface AcceptanceService {
  /** The issuer, `http://localhost:<port>` (ISSUER's default). */
  readonly issuer: string;
  /** REGISTRATION_INITIAL_ACCESS_TOKEN. */
  readonly initialAccessToken: string;
  /** The receiver's base URL (`http://127.0.0.1:<port>`). */
  readonly receiver: string;
  /** Every POST the receiver got so far, oldest first. */
  readonly received: Received[];
  /** What the receiver answers to a GET of a path (a status list, a request object, …). */
  readonly served: Map<string, { type: string; body: string }>;
  /** The path of every GET the receiver answered from `served`, oldest first. */
  readonly fetched: string[];
  /** The operator's machine clients, admin ones among them. */
  readonly machines: MachineClients;
  /** `proofgate-admin <args>` as an operator runs it beside the service (docs/ADMINISTRATION.md). */
  readonly admin: (args: readonly string[], stdin?: string) => Promise<ScriptRun>;
}

let holders = 0;
let starting: Promise<AcceptanceService> | undefined;
let stopService: (() => Promise<void>) | undefined;
let receiverServer: Server | undefined;

async function startReceiver(
  received: Received[],
  served: AcceptanceService['served'],
  fetched: string[],
): Promise<string> {
  const port = await freePort();
  receiverServer = createServer((req, res) => {
    const document = req.method === 'GET' ? served.get(req.url ?? '') : undefined;
    if (document) {
      fetched.push(req.url ?? '');
      res.writeHead(200, { 'content-type': document.type }).end(document.body);
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiverServer!.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${port}`;
}

/** The machine clients and their `OAUTH_CLIENTS` entries (docs/CONFIGURATION.md, ADMINISTRATION.md). */
async function machineClients(): Promise<{ machines: MachineClients; entries: unknown[] }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const machines: MachineClients = {
    adminKeyed: { clientId: 'acceptance-admin-keyed', privateKey },
    adminSecret: {
      clientId: 'acceptance-admin-secret',
      secret: randomBytes(32).toString('base64url'),
    },
    unmarked: { clientId: 'acceptance-machine', secret: randomBytes(32).toString('base64url') },
    receivers: [
      { clientId: 'acceptance-ssf-a', secret: randomBytes(32).toString('base64url') },
      { clientId: 'acceptance-ssf-b', secret: randomBytes(32).toString('base64url') },
    ],
  };
  const admin_scopes = ['admin:read', 'admin:write'];
  const grant_types = ['client_credentials'];
  const entries = [
    {
      client_id: machines.adminKeyed.clientId,
      grant_types,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256' }] },
      admin_scopes,
    },
    {
      client_id: machines.adminSecret.clientId,
      client_secret: machines.adminSecret.secret,
      grant_types,
      admin_scopes,
    },
    {
      client_id: machines.unmarked.clientId,
      client_secret: machines.unmarked.secret,
      grant_types,
    },
    ...machines.receivers.map((receiver) => ({
      client_id: receiver.clientId,
      client_secret: receiver.secret,
      grant_types,
      ssf_receiver: true,
    })),
  ];
  return { machines, entries };
}

/** A built service running as a process of its own, on a database of its own. */
export interface ServiceProcess {
  /** `http://localhost:<port>` (ISSUER's default). */
  readonly issuer: string;
  /** The environment it runs with. */
  readonly env: Readonly<Record<string, string>>;
  /** SIGTERM, and its exit. */
  readonly stop: () => Promise<void>;
}

/**
 * The build (test/support/build.ts) started as `npm start` runs it, in development with the demo
 * data, on a fresh database, with `settings` (documented settings only) over that base: ready
 * once it has said so (its banner: the answer of another process that took the port before it
 * would pass for its own; startOnFreePort) and /health/ready answers 200.
 */
export async function startServiceProcess(
  settings: Readonly<Record<string, string>>,
): Promise<ServiceProcess> {
  const dist = await sharedBuild();
  let running: ChildProcess | undefined;
  const stop = async () => {
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running!.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  let env: Record<string, string> = {};
  const envOn = (port: number) => {
    env = {
      PATH: process.env.PATH ?? '',
      // What `npm start` runs: development, the demo data seeded (SEED_DEMO_DATA's default there).
      NODE_ENV: 'development',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_SECONDS: '1',
      MONGODB_URI: testDatabaseUri(
        process.env.PROOFGATE_TEST_MONGODB_BASE,
        `proofgate_test_acceptance_${randomBytes(4).toString('hex')}`,
      ),
      KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
      ...settings,
    };
    return env;
  };
  let started: BuiltService;
  try {
    started = await startOnFreePort(dist, envOn, (child) => (running = child));
  } catch (error) {
    await stop();
    throw error;
  }
  // ISSUER's default, on the port it listens on (the one chosen, unless `settings` named one).
  const issuer = `http://localhost:${env.PORT}`;
  const ready = await waitFor(
    () =>
      fetch(`${issuer}/health/ready`).then(
        ({ status }) => status,
        () => 0,
      ),
    (status) => status === 200,
    30_000,
  );
  if (ready !== 200) {
    await stop();
    throw new Error(`the service was not ready (${ready}):\n${started.output().slice(-20_000)}`);
  }
  return { issuer, env, stop };
}

async function start(): Promise<AcceptanceService> {
  const received: Received[] = [];
  const served: AcceptanceService['served'] = new Map();
  const fetched: string[] = [];
  const receiver = await startReceiver(received, served, fetched);
  const dist = await sharedBuild();
  const initialAccessToken = randomBytes(32).toString('base64url');
  const { machines, entries } = await machineClients();
  const service = await startServiceProcess({
    REGISTRATION_INITIAL_ACCESS_TOKEN: initialAccessToken,
    // The example type: a JSON Schema and the template the page renders.
    AUTHORIZATION_DETAILS_TYPES: JSON.stringify({ payment_initiation: PAYMENT_INITIATION }),
    CIBA_NOTIFY_URL: `${receiver}/notify`,
    // Its clients publish request objects on the loopback receiver, over http (request_uris).
    CLIENT_METADATA_ALLOW_PRIVATE: 'true',
    // The one origin a client's logo is shown from on the consent screen.
    CONSENT_LOGO_ORIGINS: LOGO_ORIGIN,
    ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [PHR_RESOURCE]: 'phr' }),
    // The least interval, so that a poll in time is a second away.
    CIBA_INTERVAL_SECONDS: '1',
    // One instance: counters in memory; budgets wide enough for a suite from one address.
    RATE_LIMIT_STORE: 'memory',
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    RATE_LIMIT_OID4VP_PER_IP: '100000',
    RATE_LIMIT_REGISTER_PER_IP: '100000',
    // Its people are asked many times an hour: every request is announced (the budget's own spec:
    // ciba-ping.e2e-spec.ts).
    RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT: '100000',
    // Its agents leave many requests pending for the same people: no cap of them stops the suite
    // (the cap's own spec: ciba-pending-cap.e2e-spec.ts).
    CIBA_MAX_PENDING_PER_CLIENT: '100000',
    ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '100000',
    // Issue #77's admin API: its machine clients, a maximum overlap a test can wait out a part of,
    // and budgets wide enough for the suite.
    OAUTH_CLIENTS: JSON.stringify(entries),
    CLIENT_SECRET_OVERLAP_MAX_SECONDS: String(SECRET_OVERLAP_MAX_SECONDS),
    RATE_LIMIT_ADMIN_API_PER_IP: '100000',
    RATE_LIMIT_ADMIN_API_PER_CLIENT: '100000',
  });
  stopService = service.stop;
  const { env, issuer } = service;
  // The operator's CLI: the build's, on the service's database and secret.
  const admin = (args: readonly string[], stdin = '') =>
    new Promise<ScriptRun>((resolve) => {
      const cli = spawn(process.execPath, [join(ROOT, 'bin', 'proofgate-admin'), ...args], {
        cwd: ROOT,
        env: {
          PATH: env.PATH,
          NODE_ENV: env.NODE_ENV,
          MONGODB_URI: env.MONGODB_URI,
          KEY_ENCRYPTION_SECRET: env.KEY_ENCRYPTION_SECRET,
          // What `docker compose exec` shares with it: the configured clients and their rules.
          OAUTH_CLIENTS: env.OAUTH_CLIENTS,
          CLIENT_SECRET_OVERLAP_MAX_SECONDS: env.CLIENT_SECRET_OVERLAP_MAX_SECONDS,
          PROOFGATE_DIST_DIR: relative(ROOT, dist),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      cli.stdin.end(stdin);
      cli.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  return { issuer, initialAccessToken, receiver, received, served, fetched, machines, admin };
}

/** Holds the service for the enclosing describe: started by the first holder, stopped by the last. */
export function useAcceptanceService(): () => AcceptanceService {
  let service: AcceptanceService | undefined;
  beforeAll(async () => {
    holders += 1;
    starting ??= start();
    service = await starting;
  }, 180_000);
  afterAll(async () => {
    holders -= 1;
    if (holders > 0) return;
    starting = undefined;
    const stopping = stopService;
    stopService = undefined;
    await stopping?.();
    await new Promise((resolve) =>
      receiverServer ? receiverServer.close(resolve) : resolve(null),
    );
    receiverServer = undefined;
  }, 30_000);
  return () => {
    if (!service) throw new Error('the acceptance service is not started');
    return service;
  };
}
