'use strict';
// `npm start`: serves Proofgate. With MONGODB_URI unset it first starts an embedded dev database
// (mongo-java-server with an H2 file under .data/, kept across restarts) and stops it on exit.
// Outside production, without KEY_ENCRYPTION_SECRET, it gives the service the data folder's own
// secret (tools/dev-data.js). The database listens on the same port at every start (25017 unless
// PROOFGATE_DEV_DATABASE_PORT says otherwise, any free one when that is taken), and a note in the
// data folder says where, so that `npm run admin` finds it (tools/admin.js).
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { build, isCurrent } = require('./build-service');
const { startMongoServer } = require('./mongo-server/launch');
const {
  chooseDatabasePort,
  databasePort,
  databaseStartTimeoutMs,
  devKeyEncryptionSecret,
  prepareDataDir,
  removeDatabaseNote,
  withPrivateFiles,
  writeDatabaseNote,
} = require('./dev-data');

const ROOT = path.resolve(__dirname, '..');
// `npm run start:dev`: Nest's own watch mode (tsc, restarting the service on each change).
const NEST = require.resolve('@nestjs/cli/bin/nest.js');
const watch = process.argv.includes('--watch');
const SRC = path.join(ROOT, 'src');
const EMBEDDED_PLACEHOLDER_URI = 'mongodb://127.0.0.1:27017/proofgate';

function log(message) {
  process.stderr.write(`[proofgate] ${message}\n`);
}

/**
 * Checks the configuration, that PORT is free and (when MONGODB_URI is set) that the database
 * answers, before anything is built or started: src/platform/startup/start-check.ts, from the
 * last build when it is current, else from the sources. Exits with its one line per problem.
 */
function startCheck(distDir, env, embedded) {
  const compiled = path.join(distDir, 'platform', 'startup', 'start-check.js');
  const current = fs.existsSync(compiled) && isCurrent(distDir);
  const script = current
    ? [compiled]
    : [
        '-r',
        'ts-node/register/transpile-only',
        path.join(SRC, 'platform', 'startup', 'start-check.ts'),
      ];
  const check = spawnSync(
    process.execPath,
    [...script, ...(embedded ? ['--embedded-database'] : [])],
    {
      cwd: ROOT,
      env: {
        ...env,
        MONGODB_URI: env.MONGODB_URI || EMBEDDED_PLACEHOLDER_URI,
        // From the sources, compiled by SWC as `npm run admin` does (tsconfig.jest.json's ts-node
        // section): ~0.7 s of CPU where the TypeScript compiler took ~2 s.
        ...(current ? {} : { TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.jest.json') }),
      },
      stdio: 'inherit',
    },
  );
  if (check.status !== 0) process.exit(check.status ?? 1);
}

/** Ends `npm start` with one line: what happened and what to do. */
function fail(message) {
  log(message);
  process.exit(1);
}

/** The embedded database's start-up failures, each as the one thing the user can do about it. */
function databaseStartFailure(error, h2File, timeoutMs) {
  const file = path.relative(ROOT, h2File);
  switch (error.reason) {
    case 'java-missing':
      return (
        'Java was not found: the embedded dev database needs Java 17 or later on PATH. ' +
        'Install it, or set MONGODB_URI to a MongoDB of your own.'
      );
    case 'timeout':
      return (
        `The embedded dev database did not answer within ${timeoutMs / 1000} s ` +
        '(PROOFGATE_DEV_DATABASE_START_SECONDS): a busy machine starts it slowly. Run `npm start` ' +
        'again, or raise PROOFGATE_DEV_DATABASE_START_SECONDS.'
      );
    case 'data-file-locked':
      return (
        `The embedded dev database's file ${file} is in use, most likely by another \`npm start\` ` +
        'in this folder: stop that one, or set PROOFGATE_DATA_DIR to another folder.'
      );
    default:
      return `The embedded dev database did not start: ${error.message.split('\n', 1)[0]}`;
  }
}

/**
 * Starts the embedded database on `preferred` (PROOFGATE_DEV_DATABASE_PORT, default 25017), or,
 * when something else listens there, on a free port, saying so: a second checkout's `npm start`
 * still starts, and `npm run admin` finds either through its data folder's note.
 */
async function startEmbeddedDatabase(h2File, preferred, startTimeoutMs) {
  const start = (port) =>
    withPrivateFiles(() => startMongoServer({ port, h2File, startTimeoutMs }));
  const { port, taken } = await chooseDatabasePort(preferred);
  const movedNote = () =>
    `port ${preferred} (PROOFGATE_DEV_DATABASE_PORT) is in use: the embedded dev database ` +
    'listens on a free port instead (`npm run admin` finds it all the same)';
  if (taken) log(movedNote());
  try {
    return await start(port);
  } catch (error) {
    // Taken between the check and the database's bind.
    if (error.reason !== 'port-in-use' || port === 0) throw error;
    log(movedNote());
    return start(0);
  }
}

async function main() {
  const envFile = path.join(ROOT, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

  let database;
  const env = { ...process.env };
  let preferredDatabasePort;
  let databaseTimeoutMs;
  try {
    preferredDatabasePort = databasePort(env.PROOFGATE_DEV_DATABASE_PORT);
    databaseTimeoutMs = databaseStartTimeoutMs(env.PROOFGATE_DEV_DATABASE_START_SECONDS);
  } catch (error) {
    fail(error.message);
  }
  if (!env.MONGODB_URI && env.NODE_ENV === 'production') {
    // The embedded database is a development convenience (one process, no replication, no auth).
    fail(
      'NODE_ENV=production: set MONGODB_URI to your MongoDB; `npm start` runs its embedded dev ' +
        'database only outside production.',
    );
  }
  // Every invalid variable, a taken PORT and an unreachable MONGODB_URI, before anything is built
  // or started. The embedded database's URI is not known yet, so a placeholder stands in for it.
  const distDir = path.resolve(ROOT, process.env.PROOFGATE_DIST_DIR || 'dist');
  startCheck(distDir, env, !env.MONGODB_URI);

  // The data folder holds the embedded database and, unless KEY_ENCRYPTION_SECRET is set, the
  // development secret. Production uses neither: it requires MONGODB_URI (above) and
  // KEY_ENCRYPTION_SECRET (the configuration check above). Prepared after the check, so that a
  // start the check refuses changes nothing.
  const dataDir = path.resolve(ROOT, process.env.PROOFGATE_DATA_DIR || '.data');
  const usesDataDir =
    env.NODE_ENV !== 'production' && (!env.MONGODB_URI || !env.KEY_ENCRYPTION_SECRET);
  const { h2File } = usesDataDir ? prepareDataDir(dataDir) : {};
  let secretFile;
  const folderSecret = usesDataDir && !env.KEY_ENCRYPTION_SECRET;
  if (folderSecret) {
    // The service reads its settings from the environment only (src/config), so the launcher,
    // which owns the data folder, hands it the folder's secret.
    const { secret, origin, file } = devKeyEncryptionSecret(dataDir);
    env.KEY_ENCRYPTION_SECRET = secret;
    secretFile = path.relative(ROOT, file);
    if (origin === 'kept') {
      log(
        `${secretFile}: this data folder's database predates per-folder secrets, so its signing ` +
          'keys stay sealed with the former built-in development secret, now kept there; delete ' +
          'the folder to start afresh with a random one.',
      );
    } else if (env.MONGODB_URI) {
      log(`KEY_ENCRYPTION_SECRET is unset: using this data folder's, kept in ${secretFile}`);
    }
  }

  // The embedded database (a JVM) starts while the sources build. What the build says (that it
  // builds, and how long that takes) waits for the database to be up, a second or two: a start
  // the database refuses stays one line.
  const held = [];
  let holding = !env.MONGODB_URI;
  const buildLog = (message) => (holding ? held.push(message) : log(message));
  const building = watch ? Promise.resolve(0) : build(distDir, { log: buildLog });
  if (!env.MONGODB_URI) {
    try {
      // Umask 077 for the database process: the H2 file (and anything else it creates) is 0600.
      database = await startEmbeddedDatabase(h2File, preferredDatabasePort, databaseTimeoutMs);
    } catch (error) {
      fail(databaseStartFailure(error, h2File, databaseTimeoutMs));
    }
    holding = false;
    held.splice(0).forEach(log);
    env.MONGODB_URI = `${database.uri}/proofgate`;
    // Removed when this launcher stops; a killed one leaves it, and `npm run admin` sees its pid gone.
    writeDatabaseNote(dataDir, {
      uri: env.MONGODB_URI,
      folderSecret,
      issuer: env.ISSUER,
      port: env.PORT,
    });
    process.on('exit', () => removeDatabaseNote(dataDir));
    log(`MONGODB_URI is unset: started the embedded dev database at ${env.MONGODB_URI}`);
    const secretNote = secretFile ? `, its KEY_ENCRYPTION_SECRET in ${secretFile}` : '';
    log(
      `its data lives in ${path.relative(ROOT, h2File)}${secretNote} (delete the folder to start afresh)`,
    );
  }

  const status = await building;
  if (status !== 0) {
    await database?.stop();
    process.exit(status);
  }

  const args = watch ? [NEST, 'start', '--watch'] : [path.join(distDir, 'main.js')];
  const service = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the service${database ? ' and the embedded database' : ''}`);
    service.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  service.on('exit', async (code, signal) => {
    await database?.stop();
    process.exit(code ?? (signal ? 0 : 1));
  });
}

main().catch((error) => {
  log(error.message);
  process.exit(1);
});
