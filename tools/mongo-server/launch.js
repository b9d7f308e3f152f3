'use strict';
// Starts the dev/test MongoDB wire server (mongo-java-server, see MongoServerLauncher.java).
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { resolveClasspath } = require('./classpath');

const LAUNCHER = path.join(__dirname, 'MongoServerLauncher.java');

/**
 * @param {{ port?: number, h2File?: string, startTimeoutMs?: number }} options
 *   port 0 (default) picks a free port; h2File keeps data on disk, otherwise it lives in memory.
 * @returns {Promise<{ uri: string, port: number, pid: number, stop: () => Promise<void> }>}
 */
function startMongoServer({ port = 0, h2File, startTimeoutMs = 60_000 } = {}) {
  const args = ['-Xss4m', '-XX:+UseSerialGC', '-cp', resolveClasspath(), LAUNCHER, String(port)];
  if (h2File) args.push(h2File);
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      reject(new Error(`mongo-java-server did not start within ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`mongo-java-server exited (${code ?? signal}) before it was ready\n${stderr}`),
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

module.exports = { startMongoServer };
