/**
 * A start that cannot go on ends at once with one line saying what happened and what to do, and a
 * non-zero exit: run as users run it, `node tools/dev-start.js` (`npm start`) or the built service,
 * each with the bad condition for real. A process for each way a refusal reaches the user (the
 * launcher's own, its check's, the embedded database's, the service's preflights and its start);
 * the further settings and start failures each way refuses are checked in this process, through
 * the same function that process runs (start-check.ts's `startRefusals`, main.ts's `startApp`),
 * which hands its lines to the code the processes above show writing them and exiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MongoServerHandle, startMongoServer } from '../../../tools/mongo-server/launch';
import { startApp } from '../../../src/app.start';
import { AppConfig } from '../../../src/config/app-config';
import { startRefusals } from '../../../src/platform/startup/start-refusals';
import { sharedBuild, startBuiltService } from '../../support/build';
import { exitOf, freePort } from '../../support/processes';
import { createTestApp } from '../../support/test-app';
import { SERVICE_VERSION } from '../../../src/platform/version';

const ROOT = join(__dirname, '..', '..', '..');
/** This file's test database, read before `shell()` hides it from the processes started. */
const TEST_DATABASE_URI = process.env.MONGODB_URI ?? '';

interface Ended {
  code: number | null;
  lines: string[];
  ms: number;
}

/** Runs `node <args>` with `env` to its end (killed after `timeoutMs`), keeping what it printed. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Ended> {
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      resolve({ code, lines, ms: Date.now() - started });
    }),
  );
}

/** The environment of a developer's shell: none of the test harness's database settings. */
function shell(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development' };
  delete env.MONGODB_URI;
  return { ...env, ...extra };
}

const DEV_START = join(ROOT, 'tools', 'dev-start.js');

/** A port of 127.0.0.1 that another server listens on, for the tests of the block. */
function takenPort(): { port: number } {
  const taken = { port: 0 };
  let squatter: Server;
  beforeAll(async () => {
    taken.port = await freePort();
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(taken.port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  return taken;
}

describe('npm start refuses to start, in one line', () => {
  jest.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'proofgate-startup-'));
  const distDir = join(ROOT, '.build', basename(dataDir));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(distDir, { recursive: true, force: true });
  });
  // Any free database port: a developer's `npm start` may hold 25017, and its notice would be a
  // line before the one these tests expect.
  const devStart = (extra: Record<string, string>) =>
    run(
      [DEV_START],
      shell({
        PROOFGATE_DATA_DIR: dataDir,
        PROOFGATE_DIST_DIR: distDir,
        PROOFGATE_DEV_DATABASE_PORT: '0',
        ...extra,
      }),
    );

  it('in production without MONGODB_URI (no embedded database there)', async () => {
    const ended = await devStart({ NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) });
    expect(ended.code).toBe(1);
    expect(ended.lines).toHaveLength(1);
    expect(ended.lines[0]).toMatch(/NODE_ENV=production: set MONGODB_URI/);
  });

  it('with every invalid variable on a line of its own, before anything starts', async () => {
    const ended = await devStart({
      PORT: 'abc',
      METRICS_ENABLED: 'maybe',
      TRUST_PROXY: 'everyone',
    });
    expect(ended.code).toBe(1);
    expect(ended.lines).toHaveLength(3);
    expect(ended.lines).toEqual(
      expect.arrayContaining([
        'Invalid configuration: PORT must be a whole number, got "abc"',
        'Invalid configuration: METRICS_ENABLED must be true or false, got "maybe"',
        expect.stringMatching(/^Invalid configuration: TRUST_PROXY must be a hop count/),
      ]),
    );
  });

  describe('when PORT is taken', () => {
    const taken = takenPort();

    it('says so before the database starts or anything is built', async () => {
      const ended = await devStart({ PORT: String(taken.port) });
      expect(ended.code).toBe(1);
      expect(ended.lines).toEqual([
        `Port ${taken.port} is already in use on 127.0.0.1 (PORT): stop what is listening on 127.0.0.1:${taken.port}, or choose another PORT.`,
      ]);
      expect(existsSync(distDir)).toBe(false);
    });
  });

  it('when MONGODB_URI refuses connections: says so at once, before anything is built', async () => {
    const port = await freePort();
    const ended = await devStart({ MONGODB_URI: `mongodb://127.0.0.1:${port}/proofgate` });
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual([
      expect.stringContaining(
        `Cannot reach the database at 127.0.0.1:${port} (MONGODB_URI) at once: connection refused.`,
      ),
    ]);
    expect(existsSync(distDir)).toBe(false);
  });

  it('when the embedded database does not answer in time: says so, and what to do', async () => {
    const ended = await devStart({ PROOFGATE_DEV_DATABASE_START_SECONDS: '0.01' });
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual([
      '[proofgate] The embedded dev database did not answer within 0.01 s (PROOFGATE_DEV_DATABASE_START_SECONDS): a busy machine starts it slowly. Run `npm start` again, or raise PROOFGATE_DEV_DATABASE_START_SECONDS.',
    ]);
  });

  it('without Java, naming it and not printing the classpath', async () => {
    const emptyPath = join(dataDir, 'no-java-here');
    mkdirSync(emptyPath, { recursive: true });
    const ended = await devStart({ PATH: emptyPath });
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual([
      expect.stringMatching(/Java was not found: .*Java 17 or later.*set MONGODB_URI/),
    ]);
    expect(ended.lines.join('\n')).not.toMatch(/\.jar|ENOENT|\n\s+at /);
  });

  describe('while another npm start holds the data folder', () => {
    let other: MongoServerHandle;
    const lockedDir = join(dataDir, 'locked');
    beforeAll(async () => {
      mkdirSync(lockedDir, { recursive: true });
      other = await startMongoServer({ h2File: join(lockedDir, 'proofgate.mv') });
    });
    afterAll(() => other.stop());

    it('says to stop it or set PROOFGATE_DATA_DIR', async () => {
      const ended = await devStart({ PROOFGATE_DATA_DIR: lockedDir });
      expect(ended.code).toBe(1);
      expect(ended.lines).toEqual([
        expect.stringMatching(/in use, most likely by another `npm start`.*PROOFGATE_DATA_DIR/),
      ]);
      expect(ended.lines[0]).not.toMatch(/MVStoreException/);
    });
  });
});

describe("npm start's check (start-check.ts) refuses these settings, each in one line", () => {
  /**
   * What `node tools/dev-start.js` hands its check with `extra` in the shell (the processes above):
   * the shell's environment, and a placeholder MONGODB_URI when it starts the database itself.
   */
  const checkedByNpmStart = async (extra: Record<string, string>) => {
    const env = shell(extra);
    const lines = await startRefusals(
      { ...env, MONGODB_URI: env.MONGODB_URI || 'mongodb://127.0.0.1:27017/proofgate' },
      !env.MONGODB_URI,
    );
    return { code: lines.length === 0 ? 0 : 1, lines };
  };

  it('in production with an http ISSUER, LAB_ENABLED without ADMIN_TOKEN, or EMAIL_LOGIN without SMTP_URL (the production preflight)', async () => {
    const production = {
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate',
    };
    const insecure = await checkedByNpmStart({ ...production, ISSUER: 'http://auth.example.test' });
    expect(insecure.code).toBe(1);
    expect(insecure.lines).toEqual([
      'Invalid configuration: ISSUER must be an https URL when NODE_ENV=production, got http://auth.example.test (cookies would not be Secure, and codes and tokens would cross the network in clear text); for a local trial only, set ALLOW_INSECURE_ISSUER=true',
    ]);

    const lab = await checkedByNpmStart({
      ...production,
      ISSUER: 'https://auth.example.test',
      LAB_ENABLED: 'true',
    });
    expect(lab.code).toBe(1);
    expect(lab.lines).toEqual([
      'Invalid configuration: LAB_ENABLED=true requires ADMIN_TOKEN when NODE_ENV=production: a lab run must present it as a Bearer token',
    ]);

    const email = await checkedByNpmStart({
      ...production,
      ISSUER: 'https://auth.example.test',
      EMAIL_LOGIN: 'true',
    });
    expect(email.code).toBe(1);
    expect(email.lines).toEqual([
      'Invalid configuration: EMAIL_LOGIN=true requires SMTP_URL when NODE_ENV=production: the sign-in codes need a mail server to leave through (the embedded catcher runs outside production only)',
    ]);
  });

  it('in production with an http CIBA_NOTIFY_URL or an http ping endpoint in OAUTH_CLIENTS (CIBA: https there)', async () => {
    const ended = await checkedByNpmStart({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate',
      ISSUER: 'https://auth.example.test',
      CIBA_NOTIFY_URL: 'http://127.0.0.1:9000/notify',
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: 'ping-agent',
          client_secret: 'ping-agent-secret',
          redirect_uris: [],
          grant_types: ['urn:openid:params:grant-type:ciba'],
          backchannel_token_delivery_mode: 'ping',
          backchannel_client_notification_endpoint: 'http://127.0.0.1:9000/ping',
        },
      ]),
    });
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual(
      expect.arrayContaining([
        'Invalid configuration: CIBA_NOTIFY_URL must be https when NODE_ENV=production (http is for a loopback issuer in development)',
        'Invalid configuration: OAUTH_CLIENTS[0].backchannel_client_notification_endpoint must use https',
      ]),
    );
    expect(ended.lines).toHaveLength(2);
  });

  it('with an ISSUER on an IP address and no WEBAUTHN_RP_ID (no passkey RP ID to derive)', async () => {
    const ended = await checkedByNpmStart({ ISSUER: 'http://127.0.0.1:25000' });
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual([
      "Invalid configuration: ISSUER's host 127.0.0.1 is an IP address, which browsers refuse as a WebAuthn RP ID: set WEBAUTHN_RP_ID to the domain the pages are served from (e.g. localhost), and WEBAUTHN_ORIGINS to their origins when their host is not that domain (e.g. http://localhost:25000)",
    ]);
  });
});

describe('the built service refuses to start, in one line', () => {
  jest.setTimeout(240_000);
  let outDir = '';
  let main = '';
  beforeAll(async () => {
    outDir = await sharedBuild();
    main = join(outDir, 'main.js');
  }, 180_000);

  it('when MONGODB_URI does not answer: at once when refused, naming it and the address, no credentials', async () => {
    const port = await freePort();
    const ended = await run(
      [main],
      shell({
        NODE_ENV: 'test',
        MONGODB_URI: `mongodb://someone:s3cr3t-pw@127.0.0.1:${port}/proofgate?authSource=admin`,
        MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1000',
      }),
    );
    expect(ended.code).toBe(1);
    expect(ended.lines).toHaveLength(1);
    expect(ended.lines[0]).toContain(
      `Cannot reach the database at 127.0.0.1:${port} (MONGODB_URI)`,
    );
    expect(ended.lines[0]).toContain('at once: connection refused');
    expect(ended.lines[0]).not.toMatch(/s3cr3t|someone/);
    // Node's own start, never the selection timeout nor the connection module's nine retries.
    expect(ended.ms).toBeLessThan(15_000);
  });

  it("when OAUTH_CLIENTS names grant types the grants' rules refuse: a line per client, as invalid configuration", async () => {
    // Checked once the grants are known (the configuration is read without them), before any
    // client is registered: the same line `Invalid configuration: OAUTH_CLIENTS[i]...`.
    const database = new URL(TEST_DATABASE_URI);
    database.pathname = `${database.pathname}_grants`;
    const ended = await run(
      [main],
      shell({
        NODE_ENV: 'test',
        MONGODB_URI: database.href,
        PORT: String(await freePort()),
        OAUTH_CLIENTS: JSON.stringify([
          { client_id: 'web', redirect_uris: ['https://web.example/cb'] },
          { client_id: 'cli', redirect_uris: [], grant_types: ['client_credentials'] },
          { client_id: 'rt', redirect_uris: [], grant_types: ['refresh_token'] },
        ]),
      }),
    );
    expect(ended.code).toBe(1);
    expect(ended.lines).toEqual([
      'Invalid configuration: OAUTH_CLIENTS[1].grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
      'Invalid configuration: OAUTH_CLIENTS[2].grant_types with refresh_token must include a grant that issues refresh tokens (authorization_code, urn:ietf:params:oauth:grant-type:device_code, urn:openid:params:grant-type:ciba)',
    ]);
  });

  describe('when PORT is taken', () => {
    const taken = takenPort();

    it('says so and to choose another PORT', async () => {
      const ended = await run(
        [main],
        shell({ NODE_ENV: 'test', MONGODB_URI: TEST_DATABASE_URI, PORT: String(taken.port) }),
      );
      expect(ended.code).toBe(1);
      expect(ended.lines).toEqual([
        `Port ${taken.port} is already in use on 127.0.0.1 (PORT): stop what is listening on 127.0.0.1:${taken.port}, or choose another PORT.`,
      ]);
    });
  });

  it('starts quietly: no Nest boot chatter, and the ready line with the URL', async () => {
    const quietDatabase = new URL(TEST_DATABASE_URI);
    quietDatabase.pathname = `${quietDatabase.pathname}_quiet`;
    const started: ChildProcess[] = [];
    const stop = async () => {
      for (const child of started) {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    };
    const service = await startBuiltService(
      outDir,
      {
        NODE_ENV: 'production',
        KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
        // Production refuses an http issuer unless told: this is the local trial it allows.
        ALLOW_INSECURE_ISSUER: 'true',
        // A database of its own: the other starts here sealed signing keys with the development secret.
        MONGODB_URI: quietDatabase.href,
      },
      (child) => started.push(child),
    ).finally(stop);
    const { port } = service;
    const output = service.output();
    const records = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; context?: string; server?: string });
    // Every line names the release that wrote it.
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.server !== `proofgate/${SERVICE_VERSION}`)).toEqual([]);
    expect(records.find((r) => r.msg?.startsWith('Proofgate is ready'))?.msg).toBe(
      `Proofgate is ready: open http://localhost:${port} (issuer http://localhost:${port}, version ${SERVICE_VERSION})`,
    );
    const chatter = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory'];
    expect(records.filter((r) => chatter.includes(r.context ?? ''))).toEqual([]);
  });
});

describe("the service's start refuses (main.ts's startApp, in this process), in one line", () => {
  jest.setTimeout(120_000);

  /**
   * `startApp` as main.ts runs it once its preflights passed, with `env` as the process's
   * environment (the modules read theirs from it, as main.ts's configuration): the lines it
   * refuses the start with (main.ts writes them and exits 1, as the built service's refusals above
   * show), and whatever it wrote to stdout or stderr itself meanwhile.
   */
  async function startedInProcess(
    env: NodeJS.ProcessEnv,
  ): Promise<{ refusal: string | undefined; written: string[] }> {
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
    );
    const ownEnv = process.env;
    process.env = env;
    try {
      return { refusal: await startApp(AppConfig.fromEnv(env)), written };
    } finally {
      process.env = ownEnv;
      for (const spy of spies) spy.mockRestore();
    }
  }

  it('when KEY_ENCRYPTION_SECRET does not open the stored signing keys: says so, no stack trace', async () => {
    const sealed = new URL(TEST_DATABASE_URI);
    sealed.pathname = `${sealed.pathname}_sealed`;
    // Keys sealed with one secret (as a first `docker compose up` leaves them)...
    const first = await createTestApp({
      MONGODB_URI: sealed.href,
      KEY_ENCRYPTION_SECRET: 'a'.repeat(32),
    });
    await first.close({ dropDatabase: false });
    try {
      // ...then a start with another (a new secret generated on the next run).
      const ended = await startedInProcess(
        shell({
          NODE_ENV: 'test',
          MONGODB_URI: sealed.href,
          KEY_ENCRYPTION_SECRET: 'b'.repeat(32),
          PORT: String(await freePort()),
        }),
      );
      expect(ended.written).toEqual([]);
      expect(ended.refusal?.split('\n')).toEqual([
        expect.stringMatching(
          /^Cannot decrypt signing key \S+ stored in MongoDB: KEY_ENCRYPTION_SECRET is not the secret it was encrypted with\./,
        ),
      ]);
    } finally {
      const cleanup = await createTestApp({
        MONGODB_URI: sealed.href,
        KEY_ENCRYPTION_SECRET: 'a'.repeat(32),
      });
      await cleanup.close();
    }
  });
});
