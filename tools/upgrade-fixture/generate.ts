/**
 * Writes the upgrade fixture (test/fixtures/upgrade-1.0.0/, its README says what it holds): every
 * collection of a database as an earlier release's own code wrote it, and what a test needs to
 * use that data again (the password, the client's secret, the tokens, the passkey's and the
 * wallet's test keys). Run once per fixture, from this checkout, against a checkout of the earlier
 * release:
 *
 *   git worktree add --detach /tmp/proofgate-old 3c50915e
 *   ln -s "$PWD/node_modules" /tmp/proofgate-old/node_modules   # its lockfile is this one's
 *   npx ts-node --transpile-only -P tsconfig.jest.json tools/upgrade-fixture/generate.ts \
 *     --tree /tmp/proofgate-old --out test/fixtures/upgrade-1.0.0
 *
 * The earlier release runs as its operators run it: built by its own tools/build-service.js, its
 * admin CLI for the password user, the client and the email address (with a Unicode domain, as
 * builds before 2026-11-28 stored it), its service on the embedded database for the rest, over
 * HTTP only: a code flow through the login form (tokens, a refresh token among them), a passkey
 * of the lab's software authenticator, a SIWE sign-in of a fixed test key.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mongo } from 'mongoose';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { freePort } from '../../bench/lib/processes';
import { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import { startMongoServer } from '../mongo-server/launch';
import { codeFlow } from './code-flow';
import { FIXTURE_FILE, type UpgradeFixture } from './fixture';

function option(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (!value) {
    process.stderr.write(`usage: generate.ts --tree <earlier checkout> --out <fixture folder>\n`);
    process.exit(2);
  }
  return resolve(value);
}

const tree = option('tree');
const out = option('out');
const DATABASE = 'proofgate_fixture';
const USER = { username: 'alice', password: 'correct horse battery staple 1.0' };
const CLIENT_ID = 'fixture-client';
const REDIRECT_URI = 'http://127.0.0.1:4999/callback';
const EMAIL = 'alice@exämple.com';

function run(args: string[], env: Record<string, string>, input?: string): string {
  const result = spawnSync(process.execPath, args, { cwd: tree, env, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

async function json(
  step: string,
  response: Response,
  status: number,
): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== status)
    throw new Error(`${step}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitReady(issuer: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error('the earlier release exited before it was ready');
    try {
      if ((await fetch(`${issuer}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the earlier release was not ready within a minute');
}

const post = (issuer: string, path: string, body: unknown, token?: string) =>
  fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

async function main(): Promise<void> {
  const dist = join(tree, 'dist-upgrade-fixture');
  run(['tools/build-service.js', dist], { PATH: process.env.PATH ?? '' });
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], {
    cwd: tree,
    encoding: 'utf8',
  }).stdout.trim();
  const server = await startMongoServer({ ttlMonitorSeconds: 0 });
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    SEED_DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    MONGODB_URI: `${server.uri}/${DATABASE}`,
    KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
    // The longest a refresh family may live: the fixture's dates are moved to the time of each
    // test run, so that it stays what it is at generation (test/fixtures/upgrade-1.0.0/README.md).
    REFRESH_TOKEN_TTL_SECONDS: '31536000',
  };
  let child: ChildProcess | undefined;
  try {
    const admin = join(dist, 'admin', 'main.js');
    run([admin, 'users', 'add', USER.username], env, `${USER.password}\n`);
    const added = JSON.parse(
      run(
        [
          admin,
          '--json',
          'clients',
          'add',
          CLIENT_ID,
          '--first-party',
          '--redirect-uri',
          REDIRECT_URI,
        ],
        env,
      ),
    ) as { client_secret: string };
    const secret = added.client_secret;
    run([admin, 'accounts', 'link', '--user', USER.username, '--email', EMAIL], env);

    child = spawn(process.execPath, [join(dist, 'main.js')], { cwd: tree, env, stdio: 'inherit' });
    await waitReady(issuer, child);
    const tokens = await codeFlow(issuer, {
      client: { id: CLIENT_ID, secret, redirectUri: REDIRECT_URI },
      user: USER,
      scope: 'openid profile offline_access account',
    });

    const creation = (await json(
      'POST /passkeys/registration/options',
      await post(issuer, '/passkeys/registration/options', {}, String(tokens.access_token)),
      200,
    )) as { challenge: string; rp: { id: string }; user: { id: string } };
    const authenticator = new SoftwareAuthenticator({ rpId: creation.rp.id, origin: issuer });
    await json(
      'POST /passkeys/registration/verify',
      await post(
        issuer,
        '/passkeys/registration/verify',
        authenticator.register(creation),
        String(tokens.access_token),
      ),
      201,
    );

    const walletKey = generatePrivateKey();
    const wallet = privateKeyToAccount(walletKey);
    const issued = await json(
      'POST /wallet/nonce',
      await post(issuer, '/wallet/nonce', { address: wallet.address, chainId: 1 }),
      201,
    );
    const message = String(issued.message);
    await json(
      'POST /wallet/verify',
      await post(issuer, '/wallet/verify', {
        message,
        signature: await wallet.signMessage({ message }),
      }),
      200,
    );

    child.kill('SIGTERM');
    await new Promise((done) => child!.once('exit', done));
    child = undefined;

    const client = await mongo.MongoClient.connect(server.uri);
    try {
      const db = client.db(DATABASE);
      mkdirSync(out, { recursive: true });
      for (const name of readdirSync(out)) {
        if (name.endsWith('.json')) rmSync(join(out, name));
      }
      const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
        .map(({ name }) => name)
        .sort();
      for (const name of collections) {
        const documents = await db.collection(name).find().sort({ _id: 1 }).toArray();
        writeFileSync(
          join(out, `${name}.json`),
          `${mongo.BSON.EJSON.stringify(documents, undefined, 2, { relaxed: false })}\n`,
        );
      }
      const fixture: UpgradeFixture = {
        commit,
        generatedAt: new Date().toISOString(),
        issuer,
        keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET,
        user: USER,
        client: { id: CLIENT_ID, secret, redirectUri: REDIRECT_URI },
        tokens: {
          accessToken: String(tokens.access_token),
          idToken: String(tokens.id_token),
          refreshToken: String(tokens.refresh_token),
        },
        passkey: authenticator.save(),
        wallet: { privateKey: walletKey, address: wallet.address },
        email: EMAIL,
        collections,
      };
      writeFileSync(join(out, FIXTURE_FILE), `${JSON.stringify(fixture, undefined, 2)}\n`);
      process.stdout.write(`Wrote ${collections.length} collections of ${commit} to ${out}\n`);
    } finally {
      await client.close();
    }
  } finally {
    child?.kill('SIGTERM');
    await server.stop();
    rmSync(dist, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
