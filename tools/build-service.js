'use strict';
// Building the service from src/ (what `npm start` runs before it serves, `npm run build` makes
// into dist/, and the specs and benchmarks that run the built service share): the signature that
// says whether a build is current, and the build. SWC compiles each file on its own, with the
// options the tests compile with (tools/swc-options.js), in one to three seconds where tsc took
// ~30; checking the types is `npm run typecheck`'s job (CI runs it, `npm run build` runs it first).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');
const { swcCompilerOptions } = require('./swc-options');

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
  for (const pkg of workspacePackages(ROOT)) {
    walk(pkg.src);
    files.push(path.join(pkg.dir, 'package.json'));
  }
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    files.push(path.join(ROOT, name));
  }
  for (const name of ['swc-options.js', 'build-service.js']) {
    files.push(path.join(__dirname, name));
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

/** The sources the service is built from: `src`'s TypeScript files but the unit specs. */
function serviceSources(src) {
  return fs
    .readdirSync(src, { recursive: true })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.d.ts'))
    .sort();
}

/**
 * The workspace packages (packages/*) the service may import by their names: each one's folder,
 * its sources and its package.json's `name` and `main` (the compiled entry, e.g. dist/index.js).
 * None in a tree without packages/ (another commit's, for a comparison).
 */
function workspacePackages(root) {
  const dir = path.join(root, 'packages');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name))
    .filter((pkg) => fs.existsSync(path.join(pkg, 'package.json')))
    .sort()
    .map((pkg) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
      return { dir: pkg, src: path.join(pkg, 'src'), name: manifest.name, main: manifest.main };
    });
}

/**
 * What a build compiles: the service's sources into `outDir`, and each workspace package's into
 * `outDir/node_modules/<name>/` beside its package.json, where Node resolves the service's
 * `require('<name>')` first: the build runs alone, without the package's own build.
 */
function compilations(outDir, root) {
  const src = path.join(root, 'src');
  const units = serviceSources(src).map((file) => ({
    source: path.join(src, file),
    outFile: outputOf(outDir, file),
  }));
  for (const pkg of workspacePackages(root)) {
    const packageOut = path.join(outDir, 'node_modules', ...pkg.name.split('/'));
    const compiled = path.join(packageOut, path.dirname(pkg.main));
    for (const file of serviceSources(pkg.src)) {
      units.push({ source: path.join(pkg.src, file), outFile: outputOf(compiled, file) });
    }
  }
  return units;
}

/** Copies each workspace package's package.json beside its compiled sources. */
function copyManifests(outDir, root) {
  for (const pkg of workspacePackages(root)) {
    const packageOut = path.join(outDir, 'node_modules', ...pkg.name.split('/'));
    fs.mkdirSync(packageOut, { recursive: true });
    fs.copyFileSync(path.join(pkg.dir, 'package.json'), path.join(packageOut, 'package.json'));
  }
}

/** SWC's options for one source file compiled to `outFile`: CommonJS, as tsconfig.json's node20 emits. */
function transformOptions(source, outFile) {
  return {
    filename: source,
    swcrc: false,
    configFile: false,
    jsc: swcCompilerOptions('typescript'),
    // CommonJS, `import()` included: it becomes a require() of the compiled file. Node's import() of
    // a CommonJS file sees only the exports its lexer finds, and SWC's export helpers are not
    // among them (tsc's `exports.x =` are).
    module: { type: 'commonjs' },
    // Maps that name the sources, as tsc's `sourceMap` writes them (without their text).
    sourceMaps: true,
    inlineSourcesContent: false,
    sourceFileName: path.relative(path.dirname(outFile), source),
  };
}

/** Writes one compiled file and its source map, as tsc with `sourceMap` does. */
function writeOutput(outFile, { code, map }) {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${code}\n//# sourceMappingURL=${path.basename(outFile)}.map\n`);
  fs.writeFileSync(`${outFile}.map`, map);
}

const outputOf = (outDir, file) => path.join(outDir, file.replace(/\.ts$/, '.js'));

/** Copies the static assets (src/public) beside the compiled files. */
function copyAssets(src, outDir) {
  fs.rmSync(path.join(outDir, 'public'), { recursive: true, force: true });
  fs.cpSync(path.join(src, 'public'), path.join(outDir, 'public'), { recursive: true });
}

/**
 * Compiles the whole service (`root`'s src/: this checkout's, or another tree's for a
 * comparison) into `outDir` (emptied first) with its static assets and the workspace packages it
 * imports, on libuv's threads: the caller's event loop keeps running (`npm start` starts its
 * database meanwhile). Rejects with SWC's message, which names the file and line, when a source
 * does not parse.
 */
async function compileService(outDir, root = ROOT) {
  fs.rmSync(outDir, { recursive: true, force: true });
  await Promise.all(
    compilations(outDir, root).map(async ({ source, outFile }) => {
      writeOutput(outFile, await swc.transformFile(source, transformOptions(source, outFile)));
    }),
  );
  copyManifests(outDir, root);
  copyAssets(path.join(root, 'src'), outDir);
}

/** compileService, blocking: for scripts that build before anything else happens (the benchmarks). */
function compileServiceSync(outDir, root = ROOT) {
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const { source, outFile } of compilations(outDir, root)) {
    writeOutput(outFile, swc.transformFileSync(source, transformOptions(source, outFile)));
  }
  copyManifests(outDir, root);
  copyAssets(path.join(root, 'src'), outDir);
}

/**
 * Builds the service into `distDir` when its sources changed since the last build (or it has
 * none), the whole of it: a build takes a few seconds, and no module of a removed source is left
 * behind. Asynchronous, so that the caller can start other work meanwhile. Resolves to 0 when the
 * build is current or made, 1 when a source does not compile (its message given to `log`).
 *
 * @param {string} distDir
 * @param {{ log?: (message: string) => void }} [options]
 */
async function build(distDir, { log = () => {} } = {}) {
  const signature = sourceSignature();
  if (isCurrent(distDir, signature)) {
    log(`${path.relative(ROOT, distDir)}/ is up to date with src/: not rebuilt`);
    return 0;
  }
  const where = path.relative(ROOT, distDir);
  log(
    lastSignature(distDir)
      ? `src/ changed since the last build: rebuilding ${where}/ (a few seconds)`
      : `building the service from src/ into ${where}/ (a few seconds)`,
  );
  try {
    await compileService(distDir);
  } catch (error) {
    log(`the service did not build: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  writeSignature(distDir, signature);
  return 0;
}

// `node tools/build-service.js [DIR] [--from TREE]` (`npm run build`: DIR is dist): builds the
// service into DIR, from TREE's src/ when given (another commit's worktree, for `npm run bench:ab`).
if (require.main === module) {
  const args = process.argv.slice(2);
  const from = args.indexOf('--from');
  const root = from >= 0 ? path.resolve(args[from + 1]) : ROOT;
  if (from >= 0) args.splice(from, 2);
  const distDir = path.resolve(ROOT, args[0] ?? 'dist');
  compileService(distDir, root).then(
    () => {
      if (root === ROOT) writeSignature(distDir);
    },
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

module.exports = {
  workspacePackages,
  build,
  compileService,
  compileServiceSync,
  isCurrent,
  sourceSignature,
  writeSignature,
};
