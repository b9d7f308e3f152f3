'use strict';
// `npm start`: serves Proofgate. With MONGODB_URI unset it first starts an embedded dev database
// (mongo-java-server with an H2 file under .data/, kept across restarts) and stops it on exit.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startMongoServer } = require('./mongo-server/launch');

const ROOT = path.resolve(__dirname, '..');
const NEST = path.join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
const watch = process.argv.includes('--watch');

function log(message) {
  process.stderr.write(`[proofgate] ${message}\n`);
}

async function main() {
  const envFile = path.join(ROOT, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

  let database;
  const env = { ...process.env };
  if (!env.MONGODB_URI) {
    const dataDir = path.resolve(ROOT, process.env.PROOFGATE_DATA_DIR || '.data');
    fs.mkdirSync(dataDir, { recursive: true });
    const h2File = path.join(dataDir, 'proofgate.mv');
    database = await startMongoServer({ h2File });
    env.MONGODB_URI = `${database.uri}/proofgate`;
    log(`MONGODB_URI is unset: started the embedded dev database at ${env.MONGODB_URI}`);
    log(`its data lives in ${path.relative(ROOT, h2File)} (delete it to start afresh)`);
  }

  if (!watch) {
    const build = spawnSync(process.execPath, [NEST, 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) {
      await database?.stop();
      process.exit(build.status ?? 1);
    }
  }
  const args = watch ? [NEST, 'start', '--watch'] : [path.join(ROOT, 'dist', 'main.js')];
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
