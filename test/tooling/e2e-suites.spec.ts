import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { specFiles } from '../support/folder-suite';

/**
 * `npm test` finds e2e specs only through their folder's folder.e2e-suite.ts (jest.config.js): a
 * spec in a folder without one would silently never run. Every folder of test/e2e holding specs
 * has its suite file, and the suites together name every spec once.
 */
const E2E = resolve(__dirname, '..', 'e2e');

function folders(dir: string): string[] {
  return [
    dir,
    ...readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isDirectory())
      .flatMap(folders),
  ];
}

describe('e2e folder suites', () => {
  const withSpecs = folders(E2E).filter((dir) => specFiles(dir).length > 0);

  it('finds the e2e specs', () => {
    expect(withSpecs.length).toBeGreaterThan(5);
  });

  it('gives every folder holding e2e specs its folder.e2e-suite.ts', () => {
    const missing = withSpecs
      .filter((dir) => !existsSync(join(dir, 'folder.e2e-suite.ts')))
      .map((dir) => relative(E2E, dir));
    expect(missing).toEqual([]);
  });

  it('has no suite file in a folder without specs', () => {
    const idle = folders(E2E)
      .filter((dir) => existsSync(join(dir, 'folder.e2e-suite.ts')))
      .filter((dir) => specFiles(dir).length === 0)
      .map((dir) => relative(E2E, dir));
    expect(idle).toEqual([]);
  });
});
