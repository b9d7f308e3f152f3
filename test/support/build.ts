import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './processes';

const ROOT = join(__dirname, '..', '..');

/**
 * Compiles src/ into `outDir` as `npm run build` compiles it into dist/, for specs that run the
 * built service or CLI without racing other builds of dist/. `outDir` must lie inside the
 * project (under .build/) so that node_modules resolve.
 */
export async function buildService(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', 'tsconfig.build.json', '--outDir', outDir];
  args.push('--tsBuildInfoFile', join(outDir, '.tsbuildinfo'));
  const child = spawn(process.execPath, [tsc, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`tsc failed (${code}):\n${output}`);
}

export interface BuiltService {
  child: ChildProcess;
  port: number;
  /** All it has printed so far, stdout and stderr. */
  output: () => string;
}

/**
 * Starts the service built into `outDir` (see buildService) as users run it, on a free port of
 * 127.0.0.1 against the test database (NODE_ENV=test, LOG_LEVEL=info, then `env`), and waits for
 * its ready line (an error if it exits or is not ready within a minute). `track` receives the
 * child first, so that the caller can stop it even when the start fails.
 */
export async function startBuiltService(
  outDir: string,
  env: Record<string, string>,
  track: (child: ChildProcess) => void,
): Promise<BuiltService> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(outDir, 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: process.env.MONGODB_URI ?? '',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await waitFor(
    () => Promise.resolve(output),
    (text) => text.includes('Proofgate is ready') || child.exitCode !== null,
    60_000,
  );
  if (!ready.includes('Proofgate is ready')) throw new Error(`did not start:\n${ready}`);
  return { child, port, output: () => output };
}
