/**
 * Finds the Chromium the browser tests drive, in this order:
 *
 * 1. `CHROMIUM_PATH`, when set (a wrong path fails; it never falls through to another browser);
 * 2. the system package: `chromium` or `chromium-browser` (Debian's `chromium` is /usr/bin/chromium);
 * 3. the Chromium shipped inside the `@sparticuz/chromium` dev dependency (brotli-compressed in
 *    the npm package, so `npm ci` brings it: nothing is downloaded), unpacked into the temp folder.
 *
 * When none is found the error is one line that says how to get one; the tests then fail.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliDecompressSync } from 'node:zlib';

export const PACKAGED = '@sparticuz/chromium';

export const HOW_TO_GET_CHROMIUM =
  "set CHROMIUM_PATH to a Chromium or Chrome executable, install Debian's `chromium` package " +
  `(apt-get install chromium), or run \`npm ci\` to get the one shipped in the ${PACKAGED} dev dependency`;

/** The browser tests cannot run: one line that says why and how to get a browser. */
export class NoChromiumError extends Error {
  constructor(reason: string) {
    super(`No Chromium for the browser tests (${reason}): ${HOW_TO_GET_CHROMIUM}`);
    this.name = 'NoChromiumError';
    // Only the line above: where in this helper it was thrown helps nobody.
    this.stack = `${this.name}: ${this.message}`;
  }
}

export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | typeof PACKAGED;

export interface FoundChromium {
  executablePath: string;
  source: ChromiumSource;
  /** The packaged build's recommended flags (empty for the other sources). */
  recommendedArgs: string[];
  /** Environment for the browser process, when it needs more than ours (its own libraries). */
  env?: NodeJS.ProcessEnv;
}

/** The parts of `@sparticuz/chromium` used here. */
export interface PackagedChromium {
  executablePath(): Promise<string>;
  readonly args: string[];
  /** The package's `bin` folder (chromium.br, al2023.tar.br ...). */
  binDir: string;
  /** Its version; its major is the Chromium major it ships. */
  version: string;
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  isExecutable?: (path: string) => boolean;
  loadPackaged?: () => Promise<PackagedChromium>;
}

export const SYSTEM_NAMES = ['chromium', 'chromium-browser'];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** /usr/bin/chromium, /usr/bin/chromium-browser, then the same names on PATH. */
export function systemCandidates(env: NodeJS.ProcessEnv): string[] {
  const dirs = ['/usr/bin', ...(env.PATH ?? '').split(delimiter).filter((d) => d !== '')];
  const all = dirs.flatMap((dir) => SYSTEM_NAMES.map((name) => join(dir, name)));
  return [...new Set(SYSTEM_NAMES.map((n) => join('/usr/bin', n)).concat(all))];
}

/** The dev dependency's package.json (its `exports` hide it from `require`). */
export function packagedManifest(): { root: string; version: string; engines: { node: string } } {
  // The CommonJS entry is build/cjs/index.cjs.
  const root = join(dirname(require.resolve(PACKAGED)), '..', '..');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    engines: { node: string };
  };
  return { root, version: manifest.version, engines: manifest.engines };
}

export async function loadPackagedChromium(): Promise<PackagedChromium> {
  const chromium = (await import('@sparticuz/chromium')).default;
  const { root, version } = packagedManifest();
  return {
    executablePath: () => chromium.executablePath(),
    get args() {
      return chromium.args;
    },
    binDir: join(root, 'bin'),
    version,
  };
}

export async function findChromium(options: FindOptions = {}): Promise<FoundChromium> {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;

  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!isExecutable(configured)) {
      throw new NoChromiumError(`CHROMIUM_PATH=${configured} is not an executable file`);
    }
    return { executablePath: configured, source: 'CHROMIUM_PATH', recommendedArgs: [] };
  }

  const system = systemCandidates(env).find(isExecutable);
  if (system) return { executablePath: system, source: 'system', recommendedArgs: [] };

  let packaged: PackagedChromium;
  try {
    packaged = await (options.loadPackaged ?? loadPackagedChromium)();
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    throw new NoChromiumError(
      `no CHROMIUM_PATH, no ${SYSTEM_NAMES.join(' or ')} on this system, and ${PACKAGED} does not load: ${why}`,
    );
  }
  return unpackPackaged(packaged);
}

type Probe =
  | { ok: true }
  | { ok: false; kind: 'missing-libraries' | 'wrong-version' | 'broken'; detail: string };

/** Runs `<path> --version`: it must start and report the major the package ships. */
export function probe(path: string, expectedMajor: number, env?: NodeJS.ProcessEnv): Probe {
  const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000, env });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  const firstLine = output.split('\n')[0] || run.error?.message || `exit ${run.status}`;
  if (output.includes('error while loading shared libraries')) {
    return { ok: false, kind: 'missing-libraries', detail: firstLine };
  }
  const major = /Chrom(?:e|ium)[^\d]*(\d+)\./.exec(run.stdout ?? '')?.[1];
  if (run.status !== 0 || major === undefined)
    return { ok: false, kind: 'broken', detail: firstLine };
  if (Number(major) !== expectedMajor) {
    return { ok: false, kind: 'wrong-version', detail: `${firstLine}, expected ${expectedMajor}` };
  }
  return { ok: true };
}

/**
 * `executablePath()` unpacks into the temp folder once and afterwards returns whatever is there
 * (another version's leftover, a file cut short by a killed run), and two processes unpacking at
 * once would run a half-written file. So: one process at a time, and the result must run and be
 * this package's version, or it is unpacked again.
 */
async function unpackPackaged(packaged: PackagedChromium): Promise<FoundChromium> {
  const expectedMajor = Number(packaged.version.split('.')[0]);
  return withFileLock(join(tmpdir(), 'proofgate-chromium.lock'), async () => {
    let env: NodeJS.ProcessEnv | undefined;
    let unpackedAgain = false;
    for (;;) {
      const executablePath = await packaged.executablePath();
      const result = probe(executablePath, expectedMajor, env);
      if (result.ok) {
        return { executablePath, source: PACKAGED, recommendedArgs: packaged.args, env };
      }
      if (result.kind === 'missing-libraries' && env === undefined) {
        // The libraries the package ships for Amazon Linux (NSS, NSPR, expat), for systems
        // without them.
        const lib = extractLibraries(packaged.binDir);
        env = {
          ...process.env,
          LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        };
        continue;
      }
      if (result.kind !== 'missing-libraries' && !unpackedAgain) {
        rmSync(executablePath, { force: true });
        unpackedAgain = true;
        continue;
      }
      throw new NoChromiumError(
        `the Chromium of ${PACKAGED} ${packaged.version} at ${executablePath} does not run: ${result.detail}`,
      );
    }
  });
}

/** Unpacks the package's al2023.tar.br (lib/*.so) into the temp folder; returns its lib folder. */
function extractLibraries(binDir: string): string {
  const target = join(tmpdir(), 'al2023');
  mkdirSync(target, { recursive: true });
  const tar = brotliDecompressSync(readFileSync(join(binDir, 'al2023.tar.br')));
  const run = spawnSync('tar', ['-x', '-C', target], { input: tar });
  if (run.status !== 0) {
    throw new NoChromiumError(`cannot unpack ${PACKAGED}'s libraries: ${String(run.stderr)}`);
  }
  return join(target, 'lib');
}

function holderIsGone(lockDir: string, staleAfterMs: number): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Created but its pid not written yet, or already removed.
    try {
      return Date.now() - statSync(lockDir).mtimeMs > staleAfterMs;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `fn` while holding a lock between processes: a directory, created atomically, holding the
 * holder's pid. A lock whose holder has died is taken over.
 */
export async function withFileLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  { timeoutMs = 120_000, pollMs = 100 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lockDir, 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Waited ${timeoutMs} ms for ${lockDir}; remove it if no test run holds it`);
      }
      await sleep(pollMs);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
