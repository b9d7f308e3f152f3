'use strict';
// Starts the dev/test MongoDB wire server (mongo-java-server, see MongoServerLauncher.java).
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { resolveClasspath } = require('./classpath');

const LAUNCHER = path.join(__dirname, 'MongoServerLauncher.java');
const MAIN_CLASS = 'MongoServerLauncher';
const COMPILED = path.join(__dirname, 'target');
// Read by the launcher; an environment variable so that `npm start` users can set it too.

/** Why the server could not start, for callers that tell the user what to do about it. */
class MongoServerStartError extends Error {
  /**
   * @param {string} message
   * @param {'java-missing' | 'data-file-locked' | 'port-in-use' | 'exited' | 'timeout'} reason
   */
  constructor(message, reason) {
    super(message);
    this.name = 'MongoServerStartError';
    this.reason = reason;
  }
}

/**
 * The launcher compiled once, into target/launcher-<digest of its source and classpath>/: `java`
 * given the .java file compiles it again at every start (about 3 s of CPU, most of the server's
 * start-up), so `npm start`, the test run and every spec that starts a database of its own share
 * one compilation. Compiled into a folder of its own and then renamed, so a concurrent start sees
 * the whole class or none. Synchronous, as the start is (the caller may hold a umask around it).
 * Undefined when it cannot be compiled (no `javac` on PATH): `java` then runs the source file as
 * before, and says itself what is missing.
 *
 * @param {string} classpath
 * @returns {string | undefined} the folder to add to the classpath
 */
function compiledLauncher(classpath) {
  const digest = createHash('sha256')
    .update(fs.readFileSync(LAUNCHER))
    .update('\0')
    .update(classpath)
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(COMPILED, `launcher-${digest}`);
  if (fs.existsSync(path.join(dir, `${MAIN_CLASS}.class`))) return dir;
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  fs.mkdirSync(partial, { recursive: true });
  // --release 17: the class runs on any Java the project supports, whichever javac compiled it.
  const args = ['--release', '17', '-cp', classpath, '-d', partial, LAUNCHER];
  if (spawnSync('javac', args, { stdio: 'ignore' }).status !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    return undefined;
  }
  try {
    fs.renameSync(partial, dir);
  } catch {
    // Another start compiled the same source first: theirs serves.
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/**
 * @param {{ port?: number, h2File?: string, startTimeoutMs?: number, ttlMonitorSeconds?: number, optimisingCompiler?: boolean }} options
 *   port 0 (default) picks a free port; h2File keeps data on disk, otherwise it lives in memory.
 *   ttlMonitorSeconds: how often TTL-expired documents are deleted (60, as mongod, unless
 *   PROOFGATE_TTL_MONITOR_SECONDS says otherwise; 0 turns it off). optimisingCompiler: the JVM's
 *   C2 too, for a database under sustained load (the benchmarks, whose figures compare across
 *   runs); without it, C1 only.
 * @returns {Promise<{ uri: string, port: number, pid: number, stop: () => Promise<void> }>}
 */
function startMongoServer({
  port = 0,
  h2File,
  startTimeoutMs = 60_000,
  ttlMonitorSeconds,
  optimisingCompiler = false,
} = {}) {
  const env = { ...process.env };
  if (ttlMonitorSeconds !== undefined) {
    if (
      typeof ttlMonitorSeconds !== 'number' ||
      !Number.isFinite(ttlMonitorSeconds) ||
      ttlMonitorSeconds < 0
    ) {
      return Promise.reject(
        new TypeError(`ttlMonitorSeconds must be a number >= 0, not ${String(ttlMonitorSeconds)}`),
      );
    }
    // Read by MongoServerLauncher.java (TTL_MONITOR_ENV).
    env.PROOFGATE_TTL_MONITOR_SECONDS = String(ttlMonitorSeconds);
  }
  const classpath = resolveClasspath();
  const compiled = compiledLauncher(classpath);
  // C1 only (no C2, the optimising compiler) unless asked: a dev or test database lives for minutes
  // and serves small commands; C2's compiler threads cost it more CPU than its faster code gives
  // back (a start and 6,000 commands: 2.8 to 3.1 s of CPU against 4.6 to 6.1 s; 40,000 commands:
  // 7.8 s against 13.3 s; docs/DEVELOPMENT.md#test-time). The benchmarks keep C2: their figures
  // compare with runs before this, and with a peer on the same database.
  const args = ['-Xss4m', '-XX:+UseSerialGC'];
  if (!optimisingCompiler) args.push('-XX:TieredStopAtLevel=1');
  if (compiled) {
    args.push('-cp', `${classpath}${path.delimiter}${compiled}`, MAIN_CLASS, String(port));
  } else {
    args.push('-cp', classpath, LAUNCHER, String(port));
  }
  if (h2File) args.push(h2File);
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new MongoServerStartError(
          `mongo-java-server did not start within ${startTimeoutMs} ms\n${stderr}`,
          'timeout',
        ),
      );
    }, startTimeoutMs);
    // `java` not on PATH: spawn reports ENOENT here (and no exit follows).
    child.once('error', (error) => {
      clearTimeout(timer);
      const missing = error.code === 'ENOENT';
      reject(
        new MongoServerStartError(
          missing ? 'java was not found on PATH' : `java could not be started: ${error.message}`,
          missing ? 'java-missing' : 'exited',
        ),
      );
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      // H2 (MVStore) holds an exclusive lock on its file while a server has it open.
      const locked = /MVStoreException: The file is locked/.test(stderr);
      // A port found free a moment ago may have been taken since.
      const portInUse = /BindException|Address already in use/.test(stderr);
      reject(
        new MongoServerStartError(
          `mongo-java-server exited (${code ?? signal}) before it was ready\n${stderr}`,
          locked ? 'data-file-locked' : portInUse ? 'port-in-use' : 'exited',
        ),
      );
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening ([\d.]+):(\d+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      const boundPort = Number(match[2]);
      resolve({ uri: `mongodb://${match[1]}:${boundPort}`, port: boundPort, pid: child.pid, stop });
    });
  });
}

module.exports = { startMongoServer, MongoServerStartError };
