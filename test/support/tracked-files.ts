import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './readme';

/**
 * The files git tracks that match `patterns` (git pathspecs), and new ones not yet added, never
 * what git ignores: paths relative to the root, sorted.
 */
export function trackedFiles(patterns: readonly string[]): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...patterns],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return listed
    .split('\n')
    .filter((file) => file && existsSync(join(ROOT, file)))
    .sort();
}
