'use strict';
// Building the service from src/ (what `npm start` runs before it serves, and what the specs that
// run the built service share): the signature that says whether a build is current, and an
// incremental build that writes it.
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const STAMP = '.source-signature.json';

/**
 * What the build depends on: every source file's path, size and modification time, and the
 * compiler settings. Equal to the last build's signature means the build is up to date.
 */
function sourceSignature() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else files.push(file);
    }
  };
  walk(SRC);
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    files.push(path.join(ROOT, name));
  }
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return { digest: hash.digest('hex'), sources: files.filter((f) => f.startsWith(SRC)).length };
}

/** The signature `distDir` was built from, or undefined when it has none. */
function lastSignature(distDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(distDir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when `distDir` holds a build of the sources as they are now. */
function isCurrent(distDir, signature = sourceSignature()) {
  return (
    lastSignature(distDir)?.digest === signature.digest &&
    fs.existsSync(path.join(distDir, 'main.js'))
  );
}

/**
 * Records that `distDir` is a build of the sources as they are now, written whole (a reader sees
 * the former stamp or this one). For a caller that knows the build matches them by content.
 */
function writeSignature(distDir, signature = sourceSignature()) {
  const partial = path.join(distDir, `${STAMP}.${process.pid}`);
  fs.writeFileSync(partial, JSON.stringify(signature));
  fs.renameSync(partial, path.join(distDir, STAMP));
}

/**
 * Builds the service into `distDir` when its sources changed since the last build, and only
 * what changed: tsc incremental (its .tsbuildinfo beside the output) plus the static assets. A
 * source file removed or added since wipes the folder first, so no stale module is left behind.
 * Asynchronous, so that the caller can start other work meanwhile; `onCompiler` receives the
 * compiler process, to stop it. Resolves to the exit status (0 also when nothing had to be built).
 *
 * @param {string} distDir
 * @param {{ log?: (message: string) => void, onCompiler?: (child: import('node:child_process').ChildProcess) => void, stdio?: 'inherit' | 'pipe' }} [options]
 */
async function build(distDir, { log = () => {}, onCompiler = () => {}, stdio = 'inherit' } = {}) {
  const signature = sourceSignature();
  if (isCurrent(distDir, signature)) {
    log(`${path.relative(ROOT, distDir)}/ is up to date with src/: not rebuilt`);
    return 0;
  }
  const last = lastSignature(distDir);
  const whole = !last || last.sources !== signature.sources;
  if (whole) fs.rmSync(distDir, { recursive: true, force: true });
  // Said before the compiler starts, so a first start is not taken for a hung one.
  const where = path.relative(ROOT, distDir);
  log(
    whole
      ? `building the service from src/ into ${where}/ (about 30 s; later starts rebuild only what changed)`
      : `src/ changed since the last build: rebuilding ${where}/ (only what changed)`,
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', 'tsconfig.build.json', '--outDir', distDir, '--incremental'];
  args.push('--tsBuildInfoFile', path.join(distDir, '.tsbuildinfo'));
  const status = await new Promise((resolve) => {
    const compiler = spawn(process.execPath, [tsc, ...args], { cwd: ROOT, stdio });
    onCompiler(compiler);
    compiler.on('exit', (code) => resolve(code ?? 1));
  });
  if (status === 0) {
    fs.rmSync(path.join(distDir, 'public'), { recursive: true, force: true });
    fs.cpSync(path.join(SRC, 'public'), path.join(distDir, 'public'), { recursive: true });
    writeSignature(distDir, signature);
  }
  return status;
}

module.exports = { build, isCurrent, sourceSignature, writeSignature };
