/**
 * `npm start` on a fresh clone: no MONGODB_URI, so it starts the embedded dev database (H2 file)
 * and the service together, stops both on Ctrl-C, and the data survives a restart. No SMTP_URL
 * either: a newcomer signs in by email with the code the development mailbox shows.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { mongo } from 'mongoose';
import { READY_LINE } from '../../support/build';
import { CookieBrowser } from '../../support/cookie-browser';
import { signInByEmailAt } from '../../support/email';
import { exitOf, freePort, statusOf, waitFor } from '../../support/processes';

const ROOT = join(__dirname, '..', '..', '..');

interface Started {
  child: ChildProcess;
  databaseUri: string;
  output: () => string;
}

/**
 * Every launcher started here: one still running when a test fails is stopped afterwards. Each
 * leads a process group of its own (`detached`), with what it starts: the compiler, the service
 * and the dev database's JVM. Stopping the launcher alone left the JVM running whenever the
 * launcher could not stop it (killed, stuck, or the test timed out first).
 */
const launched: ChildProcess[] = [];

/** How long a launcher has to stop what it started on SIGINT before its group is killed. */
const STOP_GRACE_MS = 15_000;

/** SIGKILL to the launcher's whole process group; nothing when the group is gone already. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: every process of the group has exited.
  }
}

/** Asks the launcher to stop (Ctrl-C), waits a little, then kills whatever of its group is left. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await Promise.race([
      exitOf(child),
      new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS)),
    ]);
  }
  killGroup(child);
}

// Should the worker exit without running afterAll (a timeout in it, process.exit), the groups
// go with it.
process.once('exit', () => launched.forEach(killGroup));

async function npmStart(
  port: number,
  dataDir: string,
  distDir: string,
  databasePort: number,
): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    PROOFGATE_DEV_DATABASE_PORT: String(databasePort),
    PROOFGATE_DATA_DIR: dataDir,
    PROOFGATE_DIST_DIR: distDir,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
  };
  delete env.MONGODB_URI;
  // As a developer's shell: the launcher gives the service the data folder's own secret.
  delete env.KEY_ENCRYPTION_SECRET;
  const child = spawn(process.execPath, [join(ROOT, 'tools', 'dev-start.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  launched.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Its own ready line as well as a 200: another process may have taken the port meanwhile (the
  // build takes a minute), and its answers would pass for the service's.
  const ready = () => output.includes(READY_LINE);
  const status = await waitFor(
    () => statusOf(`http://127.0.0.1:${port}/health`),
    (s) => (s === 200 && ready()) || child.exitCode !== null,
    120_000,
  );
  if (status !== 200 || !ready()) throw new Error(`npm start did not become healthy:\n${output}`);
  const match = /started the embedded dev database at (mongodb:\/\/\S+)/.exec(output);
  if (!match) throw new Error(`no embedded database announced:\n${output}`);
  return { child, databaseUri: match[1], output: () => output };
}

describe('npm start without MONGODB_URI', () => {
  jest.setTimeout(240_000);
  const workDir = mkdtempSync(join(tmpdir(), 'proofgate-dev-'));
  // Not there yet: the launcher creates it, as .data/ on a fresh clone.
  const dataDir = join(workDir, '.data');
  // Its own build folder: other test files build the service at the same time.
  const distDir = join(ROOT, '.build', basename(workDir));
  afterAll(async () => {
    await Promise.all(launched.map(stopGroup));
    rmSync(workDir, { recursive: true, force: true });
    rmSync(distDir, { recursive: true, force: true });
  });

  it('serves /health on the embedded database, stops both on Ctrl-C, keeps data, its secret and its port across restarts, readable by its owner only; a newcomer signs in by email from /dev/mailbox', async () => {
    const port = await freePort();
    // The default is 25017; a free one here, as other test files start databases meanwhile.
    const databasePort = await freePort();
    const note = join(dataDir, 'dev-database.json');

    const first = await npmStart(port, dataDir, distDir, databasePort);
    expect(first.databaseUri).toBe(`mongodb://127.0.0.1:${databasePort}/proofgate`);
    // Where `npm run admin` finds it, that the service has the folder's secret (never the
    // secret), and the PORT its ISSUER comes from.
    expect(JSON.parse(readFileSync(note, 'utf8'))).toEqual({
      uri: first.databaseUri,
      pid: first.child.pid,
      folderSecret: true,
      port: String(port),
    });
    expect(first.output()).toContain('its data lives in');
    // A first start builds the service, and says so (and about how long that takes) before it does.
    expect(first.output()).toContain(
      `building the service from src/ into ${relative(ROOT, distDir)}/ (a few seconds)`,
    );
    // Its owner's only: the folder 0700, the database file and the folder's secret 0600.
    const mode = (name: string) => statSync(join(dataDir, name)).mode & 0o777;
    expect({
      folder: mode('.'),
      h2: mode('proofgate.mv'),
      secret: mode('key-encryption-secret'),
    }).toEqual({
      folder: 0o700,
      h2: 0o600,
      secret: 0o600,
    });
    const secret = readFileSync(join(dataDir, 'key-encryption-secret'), 'utf8');
    expect(Buffer.from(secret.trim(), 'base64url')).toHaveLength(32);
    const client = new mongo.MongoClient(first.databaseUri, { serverSelectionTimeoutMS: 2000 });
    await client.db().collection('restart_probe').insertOne({ written: 'before restart' });
    await client.close();

    // No SMTP_URL: email sign-in is on, its mail caught on loopback and shown at /dev/mailbox. The
    // first code asked for signs the newcomer in, to a new account that has the address.
    const issuer = `http://localhost:${port}`;
    const newcomer = new CookieBrowser();
    const email = `newcomer-${port}@example.com`;
    await signInByEmailAt(issuer, newcomer, email);
    const account = await newcomer.navigate(`${issuer}/account`);
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(email);

    first.child.kill('SIGINT');
    expect(await exitOf(first.child)).toBe(0);
    expect(await statusOf(`http://127.0.0.1:${port}/health`)).toBe(0);
    expect(existsSync(note)).toBe(false);
    const dbPort = Number(new URL(first.databaseUri).port);
    const probe = new mongo.MongoClient(`mongodb://127.0.0.1:${dbPort}`, {
      serverSelectionTimeoutMS: 500,
    });
    await expect(probe.db().command({ ping: 1 })).rejects.toThrow();
    await probe.close();

    // The second start reads the same secret (and so opens the signing keys the first sealed:
    // it would refuse to start otherwise).
    const second = await npmStart(port, dataDir, distDir, databasePort);
    // The same URI: the one printed at the first start still works.
    expect(second.databaseUri).toBe(first.databaseUri);
    // Nothing changed in src/ since the first start built it.
    expect(second.output()).toContain('is up to date with src/: not rebuilt');
    expect(readFileSync(join(dataDir, 'key-encryption-secret'), 'utf8')).toBe(secret);
    const again = new mongo.MongoClient(second.databaseUri, { serverSelectionTimeoutMS: 2000 });
    const doc = await again.db().collection('restart_probe').findOne({});
    await again.close();
    expect(doc).toMatchObject({ written: 'before restart' });

    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toBe(0);
  });
});
