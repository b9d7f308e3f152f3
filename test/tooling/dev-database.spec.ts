/**
 * `npm start`'s embedded database keeps its port across starts, and says where it is for
 * `npm run admin` (issue #32): the port choice and the note tools/dev-start.js writes and
 * tools/admin.js reads (tools/dev-data.js), on real sockets, files and processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DATABASE_NOTE_FILE,
  DEFAULT_DATABASE_PORT,
  chooseDatabasePort,
  databasePort,
  databaseStartTimeoutMs,
  folderKeyEncryptionSecret,
  removeDatabaseNote,
  runningDatabase,
  writeDatabaseNote,
} from '../../tools/dev-data';
import { freePort } from '../support/processes';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('the embedded database port', () => {
  it('is 25017 unless PROOFGATE_DEV_DATABASE_PORT names another, 0 for any free one', () => {
    expect(DEFAULT_DATABASE_PORT).toBe(25017);
    expect(databasePort(undefined)).toBe(25017);
    expect(databasePort('')).toBe(25017);
    expect(databasePort('25100')).toBe(25100);
    expect(databasePort('0')).toBe(0);
    for (const bad of ['abc', '70000', '-1', '25017 ', '1e4']) {
      expect(() => databasePort(bad)).toThrow(
        `PROOFGATE_DEV_DATABASE_PORT must be a port number (0 for any free port), got "${bad}"`,
      );
    }
  });

  it('may take 120 s to answer unless PROOFGATE_DEV_DATABASE_START_SECONDS says otherwise', () => {
    expect(databaseStartTimeoutMs(undefined)).toBe(120_000);
    expect(databaseStartTimeoutMs('')).toBe(120_000);
    expect(databaseStartTimeoutMs('300')).toBe(300_000);
    expect(databaseStartTimeoutMs('0.5')).toBe(500);
    for (const bad of ['0', '-1', 'abc', '3601', '1e3']) {
      expect(() => databaseStartTimeoutMs(bad)).toThrow(
        `PROOFGATE_DEV_DATABASE_START_SECONDS must be a number of seconds above 0, at most 3600, got "${bad}"`,
      );
    }
  });

  it('is the preferred one when it is free, and any free one (saying so) when it is taken', async () => {
    const port = await freePort();
    await expect(chooseDatabasePort(port)).resolves.toEqual({ port, taken: false });
    // The check leaves the port free for the database to bind.
    await expect(chooseDatabasePort(port)).resolves.toEqual({ port, taken: false });

    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(chooseDatabasePort(port)).resolves.toEqual({ port: 0, taken: true });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    await expect(chooseDatabasePort(0)).resolves.toEqual({ port: 0, taken: false });
  });
});

describe("the running database's note", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'proofgate-dev-note-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const uri = 'mongodb://127.0.0.1:25017/proofgate';
  const noteFile = () => join(dataDir, DATABASE_NOTE_FILE);

  it('names the database and whether the folder secret is in use, never the secret, 0600', () => {
    writeFileSync(join(dataDir, 'key-encryption-secret'), `${'s'.repeat(43)}\n`);
    writeDatabaseNote(dataDir, { uri, folderSecret: true });

    expect(statSync(noteFile()).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(noteFile(), 'utf8'))).toEqual({
      uri,
      pid: process.pid,
      folderSecret: true,
    });
    expect(runningDatabase(dataDir)).toEqual({ uri, folderSecret: true });
    expect(folderKeyEncryptionSecret(dataDir)).toBe('s'.repeat(43));

    removeDatabaseNote(dataDir);
    expect(runningDatabase(dataDir)).toBeUndefined();
  });

  it('is ignored when the `npm start` that wrote it is gone, and left alone by another', () => {
    const gone = deadPid();
    writeFileSync(noteFile(), JSON.stringify({ uri, pid: gone, folderSecret: true }));
    expect(runningDatabase(dataDir)).toBeUndefined();

    // Another launcher's (here: pid 1, always alive): not this process's to remove.
    writeFileSync(noteFile(), JSON.stringify({ uri, pid: 1, folderSecret: false }));
    expect(runningDatabase(dataDir)).toEqual({ uri, folderSecret: false });
    removeDatabaseNote(dataDir);
    expect(runningDatabase(dataDir)).toEqual({ uri, folderSecret: false });
  });

  it('names the ISSUER and PORT the service was given, and drops what is not one', () => {
    writeDatabaseNote(dataDir, {
      uri,
      folderSecret: false,
      issuer: 'http://localhost:25600',
      port: '25600',
    });
    expect(runningDatabase(dataDir)).toEqual({
      uri,
      folderSecret: false,
      issuer: 'http://localhost:25600',
      port: '25600',
    });
    writeFileSync(
      noteFile(),
      JSON.stringify({ uri, pid: process.pid, issuer: 'javascript:alert(1)', port: '25600; rm' }),
    );
    expect(runningDatabase(dataDir)).toEqual({ uri, folderSecret: false });
  });

  it('never points anywhere but the embedded database on this machine', () => {
    for (const other of [
      'mongodb://db.example.com:27017/proofgate',
      'mongodb://127.0.0.1:25017/proofgate?authSource=x',
      'mongodb+srv://127.0.0.1/proofgate',
    ]) {
      writeFileSync(noteFile(), JSON.stringify({ uri: other, pid: process.pid }));
      expect(runningDatabase(dataDir)).toBeUndefined();
    }
    writeFileSync(noteFile(), 'not json');
    expect(runningDatabase(dataDir)).toBeUndefined();
  });

  it('is absent, and so is the secret, in a folder no `npm start` used', () => {
    expect(runningDatabase(dataDir)).toBeUndefined();
    expect(folderKeyEncryptionSecret(dataDir)).toBeUndefined();
  });
});
