import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * test/e2e/ mirrors src/ (issue #33): a spec lives in the folder named after the code it proves
 * (test/e2e/passkeys/ for src/passkeys/, test/e2e/tokens/ for DPoP and signing keys in
 * src/tokens/), so the specs of a feature are found, moved and counted with it.
 */
const ROOT = resolve(__dirname, '..', '..');
const E2E = join(ROOT, 'test', 'e2e');
const SRC = join(ROOT, 'src');

/**
 * Folders for what is not code under src/, each named after where that code does live:
 * - dev/: tools/ (the dev database launcher, `npm start`, `npm run admin`, the dev data folder);
 * - examples/: examples/ (each runnable example, run by its spec);
 * - operations/: deploy/ and tools/ for operators (alert rules, dashboards, `npm run probe`).
 */
const OUTSIDE_SRC = new Map([
  ['dev', 'tools'],
  ['examples', 'examples'],
  ['operations', 'deploy'],
]);

function folders(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => [path, ...folders(path)]);
}

/** The e2e folders that name no folder of src/ (nor an allowed one outside it). */
function misplaced(e2eFolders: readonly string[], exists: (path: string) => boolean): string[] {
  return e2eFolders.filter((folder) => {
    const [top] = folder.split('/');
    const outside = OUTSIDE_SRC.get(top);
    if (outside !== undefined) return !exists(join(ROOT, outside));
    return !exists(join(SRC, folder));
  });
}

describe('test/e2e/ mirrors src/', () => {
  const e2eFolders = folders(E2E).map((path) => relative(E2E, path));

  it('reads the e2e tree', () => {
    expect(e2eFolders).toEqual(expect.arrayContaining(['oauth', 'passkeys', 'tokens', 'dev']));
  });

  it('names each folder after a folder of src/ (or one of the few for code outside src/)', () => {
    expect(misplaced(e2eFolders, existsSync)).toEqual([]);
  });

  it('finds a folder that mirrors nothing (the check itself works)', () => {
    const present = new Set([join(SRC, 'oauth'), join(SRC, 'oauth', 'par'), join(ROOT, 'tools')]);
    expect(
      misplaced(['oauth', 'oauth/par', 'oauth/dpop', 'accounts-old', 'dev'], (p) => present.has(p)),
    ).toEqual(['oauth/dpop', 'accounts-old']);
  });

  it('keeps each spec inside a folder, never loose in test/e2e/', () => {
    const loose = readdirSync(E2E).filter((name) => /\.(e2e-)?spec\.ts$/.test(name));
    expect(loose).toEqual([]);
  });
});
