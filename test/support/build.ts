import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import {
  compileService,
  isCurrent,
  workspacePackages,
  writeSignature,
} from '../../tools/build-service';
import { freePort, waitFor } from './processes';

const ROOT = join(__dirname, '..', '..');
const BUILDS = join(ROOT, '.build');
const SHARED_PREFIX = 'test-service-';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A digest of everything the build reads: src/ (assets included), the tsconfigs, the build script. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(join(ROOT, 'src')).filter((file) => !file.endsWith('.spec.ts')),
    // The workspace packages the service imports, compiled into its node_modules/.
    ...workspacePackages(ROOT).flatMap((pkg) => [
      join(pkg.dir, 'package.json'),
      ...filesUnder(pkg.src).filter((file) => !file.endsWith('.spec.ts')),
    ]),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'tsconfig.build.json'),
    join(ROOT, 'tools', 'build-service.js'),
    join(ROOT, 'tools', 'swc-options.js'),
  ].sort();
  for (const file of inputs)
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Whether this process may build `outDir`: it holds `<outDir>.lock` (a file with its pid, made
 * exclusively), or takes it over from a process that is gone. The builder removes it when done.
 */
function takeBuildLock(outDir: string): boolean {
  const lock = `${outDir}.lock`;
  mkdirSync(BUILDS, { recursive: true });
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let holder = NaN;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
    } catch {
      // Removed meanwhile: look again next time round.
    }
    // Held by a live process, or just made and not yet written: wait.
    if (!(holder > 0) || isAlive(holder)) return holder === process.pid;
    // Its holder died mid-build: taken over next time round.
    rmSync(lock, { force: true });
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds into a folder of its own, then renames it to `outDir`. */
async function buildInto(outDir: string): Promise<void> {
  const partial = `${outDir}.partial-${process.pid}`;
  // As `npm run build` compiles src/ into dist/ (tools/build-service.js).
  await compileService(partial);
  try {
    renameSync(partial, outDir);
  } catch {
    // Another worker finished the same build first: theirs serves.
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * The service built from src/ as `npm run build` builds it (assets included), shared by every
 * spec that runs the built service or CLI: built once per state of the sources, into
 * .build/test-service-<digest of the sources>/, and reused by the next spec and the next run. A
 * spec reads it and never writes into it. One worker builds while the others wait; it builds
 * into a folder of its own first and then renames it, so a spec in another worker sees either
 * nothing or the whole build; builds of older sources are removed.
 */
export async function sharedBuild(): Promise<string> {
  const digest = sourceDigest();
  const outDir = join(BUILDS, `${SHARED_PREFIX}${digest}`);
  if (existsSync(join(outDir, 'main.js'))) return stamped(outDir);
  // One worker builds; the others wait for its build.
  const built = () => existsSync(join(outDir, 'main.js'));
  let held = takeBuildLock(outDir);
  while (!held && !built()) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    held = takeBuildLock(outDir);
  }
  try {
    if (!built()) await buildInto(outDir);
  } finally {
    // Built, or failed: a waiting worker then builds and reports the failure itself.
    if (held) rmSync(`${outDir}.lock`, { force: true });
  }
  for (const name of readdirSync(BUILDS)) {
    if (
      name.startsWith(SHARED_PREFIX) &&
      name !== `${SHARED_PREFIX}${digest}` &&
      name !== `${SHARED_PREFIX}${digest}.lock` &&
      !name.includes('.partial-')
    ) {
      rmSync(join(BUILDS, name), { recursive: true, force: true });
    }
  }
  return stamped(outDir);
}

/**
 * The shared build, with the signature `npm start` (tools/build-service.js) checks, so that a
 * spec may start it through `npm start` or `npm run lab` with PROOFGATE_DIST_DIR and nothing is
 * rebuilt into it. Its folder name already says its sources match by content: a stale signature
 * (files touched since, nothing changed) is only brought up to date.
 */
function stamped(outDir: string): string {
  if (!isCurrent(outDir)) writeSignature(outDir);
  return outDir;
}

/** The start of the service's banner, printed once it listens (LOG_LEVEL not silent, not production). */
export const READY_LINE = 'Proofgate is ready';

export interface BuiltService {
  child: ChildProcess;
  port: number;
  /** All it has printed so far, stdout and stderr. */
  output: () => string;
}

/**
 * Starts the service built into `outDir` (see buildService) as users run it, on a free port of
 * 127.0.0.1 against the test database (NODE_ENV=test, LOG_LEVEL=info, then `env`), and waits for
 * its ready line (startOnFreePort).
 */
export function startBuiltService(
  outDir: string,
  env: Record<string, string>,
  track: (child: ChildProcess) => void,
): Promise<BuiltService> {
  return startOnFreePort(
    outDir,
    (port) => ({
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: process.env.MONGODB_URI ?? '',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    }),
    track,
  );
}

/**
 * Starts the service built into `outDir` with the environment `envOn(port)` gives for a free
 * port, and waits for its ready line (READY_LINE). An error if it exits or is not ready within
 * 90 s. Its own line, not an answer on the port: the port was free when chosen, and another
 * process may bind it in the seconds the service takes to listen (its start then refuses the
 * taken PORT and exits), whose answers would pass for the service's. It is then started again on
 * another port, with a fresh `envOn`, at most twice. `track` receives each child first, so that
 * the caller can stop it even when the start fails.
 */
export async function startOnFreePort(
  outDir: string,
  envOn: (port: number) => NodeJS.ProcessEnv,
  track: (child: ChildProcess) => void,
): Promise<BuiltService> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await startOnPort(outDir, envOn(port), track);
    if (started.ready) return { child: started.child, port, output: () => started.output() };
    const taken = started.output().includes(`Port ${port} is already in use`);
    if (!taken || attempt === 3) throw new Error(`did not start:\n${started.output()}`);
  }
}

async function startOnPort(
  outDir: string,
  env: NodeJS.ProcessEnv,
  track: (child: ChildProcess) => void,
): Promise<{ child: ChildProcess; ready: boolean; output: () => string }> {
  const child = spawn(process.execPath, [join(outDir, 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await waitFor(
    () => Promise.resolve(output),
    (text) => text.includes(READY_LINE) || child.exitCode !== null,
    90_000,
  );
  // Not ready: it exited (a taken port among the reasons), or hung for 90 s.
  return { child, ready: ready.includes(READY_LINE), output: () => output };
}
