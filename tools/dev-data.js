'use strict';
// The data folder of `npm start` (PROOFGATE_DATA_DIR, default .data/): the embedded dev
// database's H2 file, the development KEY_ENCRYPTION_SECRET and, while `npm start` runs, where
// its database listens (for `npm run admin`), readable by their owner only.
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/** The embedded database's file, inside the data folder. */
const H2_FILE = 'proofgate.mv';
/** The folder's own key encryption secret: 32 random bytes, base64url, one line. */
const SECRET_FILE = 'key-encryption-secret';
/** Where a running `npm start` notes its embedded database, for `npm run admin` (tools/admin.js). */
const DATABASE_NOTE_FILE = 'dev-database.json';
/**
 * The embedded database's port unless PROOFGATE_DEV_DATABASE_PORT says otherwise: the same at
 * every start, so that a MONGODB_URI copied from the start-up lines (into a database GUI, a
 * shell, another terminal) keeps working. Beside the service's 25000 and the examples' 2500x.
 */
const DEFAULT_DATABASE_PORT = 25017;
/**
 * The secret every development database was sealed with before each data folder got its own.
 * Kept only so that such a folder goes on opening its signing keys (see devKeyEncryptionSecret).
 */
const FORMER_DEV_SECRET = 'proofgate-development-only-key-encryption-secret';

/**
 * Creates the data folder with mode 0700, or brings an existing one to 0700, and its files to
 * 0600: the H2 file holds the sealed signing keys, user password hashes and sessions, and any
 * local user could read it in a 0755 folder. Files the database creates later get 0600 from the
 * umask `npm start` gives it (see withPrivateFiles).
 */
function prepareDataDir(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) fs.chmodSync(path.join(dataDir, entry.name), 0o600);
  }
  return { h2File: path.join(dataDir, H2_FILE) };
}

/**
 * The data folder's KEY_ENCRYPTION_SECRET, created on its first start and read on every later
 * one. `origin` says which: `created` (random), `read`, or `kept`: the folder already held a
 * database but no secret, so its keys were sealed with the former built-in secret, which is
 * written to the file instead (a random one would lock the developer out of their data).
 *
 * Two starts at once cannot settle on different secrets: the secret is written to a file of this
 * process's own (created with `wx`, mode 0600), then hard-linked to its name, which fails if the
 * name exists; the loser reads the winner's. A link, not a `wx` open of the name itself, so that
 * nobody ever reads the file before its secret is in it.
 */
function devKeyEncryptionSecret(dataDir) {
  const file = path.join(dataDir, SECRET_FILE);
  const existing = readSecret(file);
  if (existing !== undefined) return { secret: existing, origin: 'read', file };

  const kept = fs.existsSync(path.join(dataDir, H2_FILE));
  const secret = kept ? FORMER_DEV_SECRET : randomBytes(32).toString('base64url');
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(draft, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(draft, file);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    return { secret: readSecret(file), origin: 'read', file };
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return { secret, origin: kept ? 'kept' : 'created', file };
}

/** The secret in `file`, undefined when there is no file; throws on a file that holds none. */
function readSecret(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < 32 || /\s/.test(secret)) {
    throw new Error(
      `${file} does not hold a key encryption secret (one line of 32+ characters): restore it, ` +
        'or delete the data folder to start afresh',
    );
  }
  return secret;
}

/**
 * Runs `start` (which spawns a process synchronously) under umask 077, so that every file the
 * spawned process creates is 0600 and every folder 0700; this process's own umask is restored
 * at once.
 */
function withPrivateFiles(start) {
  const previous = process.umask(0o077);
  try {
    return start();
  } finally {
    process.umask(previous);
  }
}

/** PROOFGATE_DEV_DATABASE_PORT: a port, 0 for any free one; unset, DEFAULT_DATABASE_PORT. */
function databasePort(value) {
  if (value === undefined || value === '') return DEFAULT_DATABASE_PORT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new Error(
      `PROOFGATE_DEV_DATABASE_PORT must be a port number (0 for any free port), got "${value}"`,
    );
  }
  return Number(value);
}

/** How long `npm start` waits for the embedded database's first answer, by default. */
const DEFAULT_DATABASE_START_SECONDS = 120;

/**
 * PROOFGATE_DEV_DATABASE_START_SECONDS: how long the embedded database may take to start (a
 * busy machine's first start is slow: the JVM, the classes, a new data file), in milliseconds.
 */
function databaseStartTimeoutMs(value) {
  if (value === undefined || value === '') return DEFAULT_DATABASE_START_SECONDS * 1000;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > 3600) {
    throw new Error(
      `PROOFGATE_DEV_DATABASE_START_SECONDS must be a number of seconds above 0, at most 3600, got "${value}"`,
    );
  }
  return Math.round(Number(value) * 1000);
}

/**
 * The port the embedded database is to listen on: `preferred` when it is free on 127.0.0.1, else
 * 0 (any free port) with `taken` set, so that the caller can say so. Port 0 stays 0.
 */
function chooseDatabasePort(preferred) {
  if (preferred === 0) return Promise.resolve({ port: 0, taken: false });
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        resolve({ port: 0, taken: true });
      } else {
        reject(error);
      }
    });
    probe.listen({ port: preferred, host: '127.0.0.1', exclusive: true }, () =>
      probe.close(() => resolve({ port: preferred, taken: false })),
    );
  });
}

/**
 * Notes where this process's embedded database listens (`uri`, with the database name), whether
 * the service got the data folder's KEY_ENCRYPTION_SECRET, and the settings its ISSUER comes from
 * (`ISSUER`, else `PORT`, as given; absent: the defaults), for `npm run admin`: what the CLI
 * writes for the service to send (a Security Event Token's `iss`) must name this service. Never
 * the secret itself. Written to a file of its own first, then renamed: nobody reads half a note.
 */
function writeDatabaseNote(dataDir, { uri, folderSecret, issuer, port }) {
  const file = path.join(dataDir, DATABASE_NOTE_FILE);
  const draft = `${file}.${process.pid}`;
  const note = {
    uri,
    pid: process.pid,
    folderSecret: folderSecret === true,
    ...(issuer ? { issuer } : {}),
    ...(port ? { port } : {}),
  };
  fs.writeFileSync(draft, `${JSON.stringify(note)}\n`, { mode: 0o600 });
  fs.renameSync(draft, file);
  return file;
}

/** Removes the note when it is this process's own (another `npm start` may have written it since). */
function removeDatabaseNote(dataDir) {
  const file = path.join(dataDir, DATABASE_NOTE_FILE);
  const note = readNote(file);
  if (note?.pid === process.pid) fs.rmSync(file, { force: true });
}

/**
 * The embedded database of the `npm start` running on this data folder: `{ uri, folderSecret }`
 * and, when that start was given them, its `issuer` (ISSUER) and `port` (PORT); undefined when
 * there is none (no note, or its launcher is gone: killed, not stopped).
 */
function runningDatabase(dataDir) {
  const note = readNote(path.join(dataDir, DATABASE_NOTE_FILE));
  if (!note || !isAlive(note.pid)) return undefined;
  return {
    uri: note.uri,
    folderSecret: note.folderSecret,
    ...(note.issuer === undefined ? {} : { issuer: note.issuer }),
    ...(note.port === undefined ? {} : { port: note.port }),
  };
}

/** The data folder's KEY_ENCRYPTION_SECRET if it has one (never creates it). */
function folderKeyEncryptionSecret(dataDir) {
  return readSecret(path.join(dataDir, SECRET_FILE));
}

function readNote(file) {
  let note;
  try {
    note = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  // Only a loopback URI of the embedded database: the note never points anywhere else.
  const valid =
    typeof note === 'object' &&
    note !== null &&
    Number.isSafeInteger(note.pid) &&
    note.pid > 0 &&
    typeof note.uri === 'string' &&
    /^mongodb:\/\/127\.0\.0\.1:\d{1,5}\/[\w-]+$/.test(note.uri);
  if (!valid) return undefined;
  // The issuer settings as the service's configuration reads them, or none (it checks them).
  const issuer =
    typeof note.issuer === 'string' && /^https?:\/\/[^\s]{1,2040}$/.test(note.issuer)
      ? note.issuer
      : undefined;
  const port = typeof note.port === 'string' && /^\d{1,5}$/.test(note.port) ? note.port : undefined;
  return {
    uri: note.uri,
    pid: note.pid,
    folderSecret: note.folderSecret === true,
    ...(issuer === undefined ? {} : { issuer }),
    ...(port === undefined ? {} : { port }),
  };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return error.code === 'EPERM';
  }
}

module.exports = {
  H2_FILE,
  SECRET_FILE,
  DATABASE_NOTE_FILE,
  DEFAULT_DATABASE_PORT,
  databasePort,
  databaseStartTimeoutMs,
  chooseDatabasePort,
  writeDatabaseNote,
  removeDatabaseNote,
  runningDatabase,
  folderKeyEncryptionSecret,
  FORMER_DEV_SECRET,
  prepareDataDir,
  devKeyEncryptionSecret,
  withPrivateFiles,
};
