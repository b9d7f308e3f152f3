/**
 * `npm start`'s data folder is its owner's only (issue #19, finding 8): the folder 0700, its
 * files 0600, and the development KEY_ENCRYPTION_SECRET generated once per folder (32 random
 * bytes) and kept in it, no longer a constant anyone can read in the sources. Tested on the
 * launcher's own functions (tools/dev-data.js, which tools/dev-start.js calls) and the real
 * AppModule: keys sealed under the folder's secret open at the next start, and a folder from
 * before (a database, no secret file) keeps opening its keys. test/e2e/dev/dev-start.e2e-spec.ts checks
 * the same through the real launcher.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FORMER_DEV_SECRET,
  SECRET_FILE,
  devKeyEncryptionSecret,
  prepareDataDir,
  withPrivateFiles,
} from '../../../tools/dev-data';
import { mongo } from 'mongoose';
import { createTestApp, startupFailure } from '../../support/test-app';

const DEV_DATA = join(__dirname, '..', '..', '..', 'tools', 'dev-data.js');

const mode = (path: string) => statSync(path).mode & 0o777;

/** The same database name with a suffix: another database on the test server. */
function siblingDatabaseUri(suffix: string): string {
  const uri = process.env.MONGODB_URI ?? '';
  const match = /^(mongodb:\/\/[^/?]+\/)([^?]+)(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`Unexpected test database URI ${uri}`);
  return `${match[1]}${match[2]}_${suffix}${match[3] ?? ''}`;
}

/** Boots the real app with `secret` on `database`, and answers the kids of its signing keys. */
async function signingKeysOpenedWith(secret: string, database: string): Promise<string[]> {
  const t = await createTestApp({ KEY_ENCRYPTION_SECRET: secret, MONGODB_URI: database });
  try {
    const jwks = await t.http().get('/jwks.json').expect(200);
    return (jwks.body as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  } finally {
    await t.close({ dropDatabase: false });
  }
}

describe("npm start's data folder", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'proofgate-dev-data-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is created 0700, and an existing folder and its files are brought to 0700 and 0600', () => {
    const fresh = join(root, 'fresh', '.data');
    const { h2File } = prepareDataDir(fresh);
    expect(mode(fresh)).toBe(0o700);
    expect(h2File).toBe(join(fresh, 'proofgate.mv'));

    const old = join(root, 'old');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    writeFileSync(join(old, 'proofgate.mv'), 'h2', { mode: 0o644 });
    chmodSync(join(old, 'proofgate.mv'), 0o644);
    prepareDataDir(old);
    expect(mode(old)).toBe(0o700);
    expect(mode(join(old, 'proofgate.mv'))).toBe(0o600);
  });

  it('gives the database process a umask under which its files are 0600', () => {
    const dir = join(root, 'umask');
    prepareDataDir(dir);
    const before = join(dir, 'written-before');
    writeFileSync(before, 'x', { mode: 0o666 });
    const file = join(dir, 'written-by-the-database');
    withPrivateFiles(() => writeFileSync(file, 'x', { mode: 0o666 }));
    expect(mode(file)).toBe(0o600);
    // This process's own umask is back.
    const after = join(dir, 'written-after');
    writeFileSync(after, 'x', { mode: 0o666 });
    expect(mode(after)).toBe(mode(before));
  });

  it('holds a random secret, created once (0600) and read unchanged at every later start', () => {
    const dir = join(root, 'secret');
    prepareDataDir(dir);
    const first = devKeyEncryptionSecret(dir);
    expect(first.origin).toBe('created');
    expect(first.file).toBe(join(dir, SECRET_FILE));
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    expect(first.secret).not.toBe(FORMER_DEV_SECRET);
    expect(mode(first.file)).toBe(0o600);
    expect(readFileSync(first.file, 'utf8')).toBe(`${first.secret}\n`);

    const second = devKeyEncryptionSecret(dir);
    expect(second).toEqual({ ...first, origin: 'read' });
    // Another folder, another secret.
    const other = join(root, 'other');
    prepareDataDir(other);
    expect(devKeyEncryptionSecret(other).secret).not.toBe(first.secret);
  });

  it('lets starts racing on a new folder settle on one secret', async () => {
    const dir = join(root, 'race');
    prepareDataDir(dir);
    // Separate processes, as two `npm start`s would be, each printing what it got.
    const script = `const r = require(${JSON.stringify(DEV_DATA)}).devKeyEncryptionSecret(${JSON.stringify(dir)}); process.stdout.write(r.origin + ' ' + r.secret)`;
    const starts = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['-e', script], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.once('error', reject);
            child.once('close', (code) =>
              code === 0 ? resolve(out) : reject(new Error(`exit ${code}`)),
            );
          }),
      ),
    );
    const secrets = new Set(starts.map((line) => line.split(' ')[1]));
    expect(secrets).toEqual(new Set([readFileSync(join(dir, SECRET_FILE), 'utf8').trim()]));
    expect(starts.filter((line) => line.startsWith('created '))).toHaveLength(1);
  });

  it('refuses a secret file that holds no secret, rather than start with another', () => {
    const dir = join(root, 'broken');
    prepareDataDir(dir);
    writeFileSync(join(dir, SECRET_FILE), 'short\n');
    expect(() => devKeyEncryptionSecret(dir)).toThrow(/does not hold a key encryption secret/);
  });

  it('seals the signing keys under the folder secret: the next start opens them, another secret does not', async () => {
    const dir = join(root, 'service');
    prepareDataDir(dir);
    const database = siblingDatabaseUri('folder_secret');
    const kids = await signingKeysOpenedWith(devKeyEncryptionSecret(dir).secret, database);
    expect(await signingKeysOpenedWith(devKeyEncryptionSecret(dir).secret, database)).toEqual(kids);
    expect(
      String(
        await startupFailure({ KEY_ENCRYPTION_SECRET: FORMER_DEV_SECRET, MONGODB_URI: database }),
      ),
    ).toMatch(/KEY_ENCRYPTION_SECRET is not the secret/);
  });

  it('keeps a folder from before (a database, no secret file) on the former secret, so its keys still open', async () => {
    // A development database whose keys the former built-in secret sealed.
    const database = siblingDatabaseUri('former_secret');
    const kids = await signingKeysOpenedWith(FORMER_DEV_SECRET, database);
    const dir = join(root, 'upgraded');
    mkdirSync(dir);
    writeFileSync(join(dir, 'proofgate.mv'), 'h2 data of an earlier version');
    prepareDataDir(dir);

    const kept = devKeyEncryptionSecret(dir);
    expect(kept.origin).toBe('kept');
    expect(mode(kept.file)).toBe(0o600);
    expect(await signingKeysOpenedWith(kept.secret, database)).toEqual(kids);
    expect(devKeyEncryptionSecret(dir)).toEqual({ ...kept, origin: 'read' });
  });

  afterAll(async () => {
    // The sibling databases this file made.
    for (const suffix of ['folder_secret', 'former_secret']) {
      const client = new mongo.MongoClient(siblingDatabaseUri(suffix));
      await client.db().dropDatabase();
      await client.close();
    }
  });
});
