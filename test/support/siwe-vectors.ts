import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../..');
const RELATIVE = path.join('shared', 'vectors', 'siwe');

/**
 * The upstream SIWE conformance vectors, read in place and never copied into this repository:
 * `shared/` sits beside the checkout (CI clones the repository with it there, and so is the main
 * checkout laid out locally). A linked git worktree lives elsewhere, so it also looks beside the
 * main checkout that the worktree's `.git` file points back to.
 */
export const SIWE_VECTORS = locateVectors();

export function siweVectors<T>(file: string): [string, T][] {
  const json = JSON.parse(readFileSync(path.join(SIWE_VECTORS, file), 'utf8')) as Record<string, T>;
  return Object.entries(json);
}

function locateVectors(): string {
  const candidates = [path.resolve(REPO_ROOT, '..', RELATIVE)];
  const mainCheckout = mainCheckoutOfWorktree(REPO_ROOT);
  if (mainCheckout !== undefined) candidates.push(path.resolve(mainCheckout, '..', RELATIVE));
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) {
    throw new Error(`SIWE vectors not found; looked in ${candidates.join(', ')}`);
  }
  return found;
}

/** `.git` is a file in a linked worktree: `gitdir: <main>/.git/worktrees/<name>`. */
function mainCheckoutOfWorktree(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  if (!existsSync(dotGit) || statSync(dotGit).isDirectory()) return undefined;
  const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match) return undefined;
  const gitDir = path.resolve(root, match[1].trim());
  const commonDirFile = path.join(gitDir, 'commondir');
  const commonDir = existsSync(commonDirFile)
    ? path.resolve(gitDir, readFileSync(commonDirFile, 'utf8').trim())
    : path.resolve(gitDir, '..', '..');
  return path.dirname(commonDir);
}
