'use strict';
// `npm run admin -- <command>`: proofgate-admin in a checkout. It runs the build in dist/ when
// that is current (a command then takes about a second, not the 7-19 s of compiling the whole
// service with ts-node), else the sources, saying so. With MONGODB_URI unset outside production
// it finds the embedded database of the `npm start` running in this checkout, and its
// KEY_ENCRYPTION_SECRET, as `npm start` gives them to the service (tools/dev-start.js). It reads
// `.env` as `npm start` does, so both see the same settings.
const fs = require('node:fs');
const path = require('node:path');
const { folderKeyEncryptionSecret, runningDatabase, SECRET_FILE } = require('./dev-data');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
/** Besides src/, what changes the build. */
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json'];

function note(message) {
  process.stderr.write(`proofgate-admin: ${message}\n`);
}

/** The latest modification under `dir`: files, and folders (an entry added, removed or renamed). */
function lastChangeUnder(dir) {
  let latest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * Whether `distDir` holds a build of the CLI made after the last change to src/ (and the
 * compiler settings): every build writes its files, and at least .tsbuildinfo, after reading
 * the sources, so its newest file is newer than any source it compiled.
 */
function isCurrentBuild(distDir) {
  if (!fs.existsSync(path.join(distDir, 'admin', 'main.js'))) return false;
  const sourcesChanged = Math.max(
    lastChangeUnder(SRC),
    ...BUILD_INPUTS.map((name) => fs.statSync(path.join(ROOT, name)).mtimeMs),
  );
  return lastChangeUnder(distDir) >= sourcesChanged;
}

/** No command to run (commander prints the help): nothing needs a database. */
function asksForHelp(args) {
  return (
    args.length === 0 ||
    args.some((arg) => ['-h', '--help', 'help', '-V', '--version'].includes(arg))
  );
}

/**
 * MONGODB_URI unset outside production: the embedded database of the `npm start` running on
 * this data folder, and the folder's KEY_ENCRYPTION_SECRET when that `npm start` gave the
 * service that one. Nothing running: one line first on what to do (every command reads the
 * service's database), then the CLI says that MONGODB_URI is required.
 */
function findDevDatabase(env, args) {
  if (env.MONGODB_URI || env.NODE_ENV === 'production') return;
  const dataDir = path.resolve(ROOT, env.PROOFGATE_DATA_DIR || '.data');
  const database = runningDatabase(dataDir);
  if (!database) {
    if (!asksForHelp(args)) {
      note(
        'no `npm start` is running in this checkout, so there is no database to administer: ' +
          'run `npm start` first (in another terminal), then this command again; or set ' +
          'MONGODB_URI and KEY_ENCRYPTION_SECRET to those of the service you administer',
      );
    }
    return;
  }
  env.MONGODB_URI = database.uri;
  let secretNote = '';
  if (!env.KEY_ENCRYPTION_SECRET && database.folderSecret) {
    const secret = folderKeyEncryptionSecret(dataDir);
    if (secret !== undefined) {
      env.KEY_ENCRYPTION_SECRET = secret;
      secretNote = `, with the KEY_ENCRYPTION_SECRET in ${path.relative(ROOT, path.join(dataDir, SECRET_FILE))}`;
    }
  }
  // Its ISSUER, unless this command is given one: what a command queues for the service to send
  // (a Security Event Token's `iss`) names the service, not the default of another PORT.
  let issuerNote = '';
  if (!env.ISSUER && database.issuer !== undefined) {
    env.ISSUER = database.issuer;
    issuerNote = `, and its ISSUER ${database.issuer}`;
  } else if (!env.ISSUER && database.port !== (env.PORT || undefined)) {
    if (database.port === undefined) delete env.PORT;
    else env.PORT = database.port;
    issuerNote = `, and its PORT ${database.port ?? '(the default)'}`;
  }
  note(
    `MONGODB_URI is unset: using the embedded dev database of \`npm start\`, ${database.uri}${secretNote}${issuerNote}`,
  );
}

function main() {
  const envFile = path.join(ROOT, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  findDevDatabase(process.env, process.argv.slice(2));

  const distDir = path.resolve(ROOT, process.env.PROOFGATE_DIST_DIR || 'dist');
  if (isCurrentBuild(distDir)) {
    require(path.join(distDir, 'admin', 'main.js'));
    return;
  }
  note(
    `${path.relative(ROOT, distDir)}/ is missing or older than src/: running from the sources, ` +
      'which takes several seconds (`npm run build` makes the next commands fast)',
  );
  require('ts-node').register({
    transpileOnly: true,
    project: path.join(ROOT, 'tsconfig.jest.json'),
  });
  require(path.join(SRC, 'admin', 'main.ts'));
}

try {
  main();
} catch (error) {
  // A data folder that holds no valid secret, an unreadable .env: one line, no stack trace.
  note(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
