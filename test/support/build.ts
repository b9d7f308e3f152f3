import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

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
