'use strict';
// The data folder of `npm start` (PROOFGATE_DATA_DIR, default .data/): the embedded dev
// database's H2 file and the development KEY_ENCRYPTION_SECRET, readable by their owner only.
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The embedded database's file, inside the data folder. */
const H2_FILE = 'proofgate.mv';
/** The folder's own key encryption secret: 32 random bytes, base64url, one line. */
const SECRET_FILE = 'key-encryption-secret';
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

module.exports = {
  H2_FILE,
  SECRET_FILE,
  FORMER_DEV_SECRET,
  prepareDataDir,
  devKeyEncryptionSecret,
  withPrivateFiles,
};
