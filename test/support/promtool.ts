import { execFileSync } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { ROOT } from './readme';

/** Where tools/promtool/install.sh puts promtool (a folder git ignores). */
const INSTALLED = join(ROOT, '.cache', 'promtool', 'bin', 'promtool');

/**
 * promtool: $PROMTOOL, else the one tools/promtool/install.sh unpacked (what .ci/run does), else
 * the one on PATH; undefined when there is none, and the specs that need it say they skipped.
 */
export function findPromtool(): string | undefined {
  const candidates = [process.env.PROMTOOL, INSTALLED, 'promtool'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const candidate of candidates) {
    // Specs run it from other folders: a relative path is the project's.
    const path =
      candidate.includes('/') && !isAbsolute(candidate) ? resolve(ROOT, candidate) : candidate;
    try {
      execFileSync(path, ['--version'], { stdio: 'ignore' });
      return path;
    } catch {
      // Not there, or not runnable: try the next.
    }
  }
  return undefined;
}

export const PROMTOOL_MISSING =
  'SKIPPED: promtool not found (run tools/promtool/install.sh, or set PROMTOOL=/path/to/promtool)';
