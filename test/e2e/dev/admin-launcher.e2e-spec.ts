/**
 * `npm run admin` (tools/admin.js) in a checkout (issue #32): it runs the build when the build is
 * newer than src/, else the sources, saying so in one line; and with MONGODB_URI unset outside
 * production it finds the database and the KEY_ENCRYPTION_SECRET of the `npm start` running on
 * its data folder, from the note that launcher keeps there. The database here is this file's
 * test database, noted as a running `npm start` would note it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { removeDatabaseNote, writeDatabaseNote } from '../../../tools/dev-data';
import { type ScriptRun, runToEnd } from '../../support/processes';

const ROOT = join(__dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'tools', 'admin.js');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A build that answers with what it was started with (the secret as a hash). */
const FAKE_MAIN = `
const { createHash } = require('node:crypto');
const secret = process.env.KEY_ENCRYPTION_SECRET;
process.stdout.write(JSON.stringify({
  build: true,
  argv: process.argv.slice(2),
  uri: process.env.MONGODB_URI || null,
  secret: secret ? createHash('sha256').update(secret).digest('hex') : null,
  issuer: process.env.ISSUER || null,
  port: process.env.PORT || null,
}));
`;

function npmRunAdmin(args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    // Empty, not absent: set, so that a developer's .env cannot fill them in.
    env: {
      ...process.env,
      MONGODB_URI: '',
      KEY_ENCRYPTION_SECRET: '',
      ISSUER: '',
      PORT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runToEnd(child);
}

describe('npm run admin in a checkout', () => {
  jest.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'proofgate-admin-launcher-'));
  const dataDir = join(work, '.data');
  const distDir = join(work, 'dist');
  const testDatabase = process.env.MONGODB_URI ?? '';
  const folderSecret = process.env.KEY_ENCRYPTION_SECRET ?? '';
  const env = {
    PROOFGATE_DATA_DIR: dataDir,
    PROOFGATE_DIST_DIR: distDir,
    NODE_ENV: 'development',
  };

  beforeAll(() => {
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'key-encryption-secret'), `${folderSecret}\n`, { mode: 0o600 });
    mkdirSync(join(distDir, 'admin'), { recursive: true });
    writeFileSync(join(distDir, 'admin', 'main.js'), FAKE_MAIN);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  afterEach(() => removeDatabaseNote(dataDir));

  /** The note of an `npm start` that is running: this test process stands in for it. */
  const noteRunningStart = (folder: boolean) =>
    writeDatabaseNote(dataDir, { uri: testDatabase, folderSecret: folder });

  it('runs the current build, on the running `npm start`s database and folder secret', async () => {
    noteRunningStart(true);

    const run = await npmRunAdmin(['users', 'list', '--json'], env);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      build: true,
      argv: ['users', 'list', '--json'],
      uri: testDatabase,
      secret: sha256(folderSecret),
      issuer: null,
      port: null,
    });
    expect(run.stderr).toBe(
      `proofgate-admin: MONGODB_URI is unset: using the embedded dev database of \`npm start\`, ${testDatabase}, ` +
        `with the KEY_ENCRYPTION_SECRET in ${relative(ROOT, join(dataDir, 'key-encryption-secret'))}\n`,
    );
  });

  it('leaves the secret alone when that `npm start` had its own, and what the environment sets', async () => {
    noteRunningStart(false);
    const own = await npmRunAdmin(['users', 'list'], env);
    expect(JSON.parse(own.stdout)).toMatchObject({ uri: testDatabase, secret: null });

    noteRunningStart(true);
    const given = await npmRunAdmin(['users', 'list'], {
      ...env,
      MONGODB_URI: 'mongodb://127.0.0.1:1/elsewhere',
    });
    expect(JSON.parse(given.stdout)).toMatchObject({
      uri: 'mongodb://127.0.0.1:1/elsewhere',
      secret: null,
    });
    expect(given.stderr).toBe('');
  });

  it("takes that `npm start`'s ISSUER, or its PORT, unless the command is given an ISSUER", async () => {
    const note = (issuer?: string, port?: string) =>
      writeDatabaseNote(dataDir, { uri: testDatabase, folderSecret: false, issuer, port });
    const database = `proofgate-admin: MONGODB_URI is unset: using the embedded dev database of \`npm start\`, ${testDatabase}`;

    // `PORT=25600 npm start`: its ISSUER is http://localhost:25600, so the command's must be too.
    note(undefined, '25600');
    const port = await npmRunAdmin(['users', 'disable', 'user1'], env);
    expect(JSON.parse(port.stdout)).toMatchObject({ issuer: null, port: '25600' });
    expect(port.stderr).toBe(`${database}, and its PORT 25600\n`);
    // Started on the default port: a PORT in the command's shell is not the service's.
    note();
    const other = await npmRunAdmin(['users', 'list'], { ...env, PORT: '25999' });
    expect(JSON.parse(other.stdout)).toMatchObject({ issuer: null, port: null });
    expect(other.stderr).toBe(`${database}, and its PORT (the default)\n`);

    note('https://auth.test.example', '25600');
    const issuer = await npmRunAdmin(['users', 'list'], env);
    expect(JSON.parse(issuer.stdout)).toMatchObject({ issuer: 'https://auth.test.example' });
    expect(issuer.stderr).toBe(`${database}, and its ISSUER https://auth.test.example\n`);
    const given = await npmRunAdmin(['users', 'list'], { ...env, ISSUER: 'https://mine.example' });
    expect(JSON.parse(given.stdout)).toMatchObject({ issuer: 'https://mine.example', port: null });
    expect(given.stderr).toBe(`${database}\n`);
  });

  it('looks nothing up in production, nor when no `npm start` runs', async () => {
    noteRunningStart(true);
    const production = await npmRunAdmin(['users', 'list'], { ...env, NODE_ENV: 'production' });
    expect(JSON.parse(production.stdout)).toMatchObject({ uri: null, secret: null });
    expect(production.stderr).toBe('');

    removeDatabaseNote(dataDir);
    const none = await npmRunAdmin(['users', 'list'], env);
    expect(JSON.parse(none.stdout)).toMatchObject({ uri: null, secret: null });
  });

  it('says to run `npm start` first when no `npm start` runs (outside production), and not for --help', async () => {
    const none = await npmRunAdmin(['users', 'list'], env);
    expect(none.stderr).toBe(
      'proofgate-admin: no `npm start` is running in this checkout, so there is no database to ' +
        'administer: run `npm start` first (in another terminal), then this command again; or set ' +
        'MONGODB_URI and KEY_ENCRYPTION_SECRET to those of the service you administer\n',
    );
    for (const args of [[], ['--help'], ['clients', 'add', '--help']]) {
      expect((await npmRunAdmin(args, env)).stderr).toBe('');
    }
    const production = await npmRunAdmin(['users', 'list'], { ...env, NODE_ENV: 'production' });
    expect(production.stderr).toBe('');
  });

  it('runs the sources, saying so in one line, when the build is older than src/', async () => {
    const longAgo = new Date('2020-01-01T00:00:00Z');
    for (const path of [join(distDir, 'admin', 'main.js'), join(distDir, 'admin'), distDir]) {
      utimesSync(path, longAgo, longAgo);
    }
    noteRunningStart(true);

    const run = await npmRunAdmin(['users', 'list', '--json'], env);

    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^proofgate-admin: MONGODB_URI is unset: using the embedded dev database/,
      ),
      `proofgate-admin: ${relative(ROOT, distDir)}/ is missing or older than src/: running from the sources, which takes several seconds (\`npm run build\` makes the next commands fast)`,
      '',
    ]);
    expect(run.code).toBe(0);
    // The real CLI, from the sources, on the test database with the folder's secret.
    expect(JSON.parse(run.stdout)).toEqual(expect.any(Array));
  });
});
