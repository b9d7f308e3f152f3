import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { bundleFolders, specFiles } from '../support/folder-suite';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundles = require('../setup/e2e-bundles') as Record<string, readonly string[]>;

/**
 * `npm test` finds e2e specs only through their folder's folder.e2e-suite.ts (jest.config.js), or
 * a bundle's suite for the small folders (test/setup/e2e-bundles.js): a spec in a folder without
 * one would silently never run. Every folder of test/e2e holding specs has its suite file, and
 * each bundled folder is in one bundle, whose suite file runs it.
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

  it('runs each bundle from its suite file, each bundled folder in one bundle only', () => {
    const suites = readdirSync(E2E).filter((name) => name.endsWith('.e2e-suite.ts'));
    expect(suites.sort()).toEqual(
      Object.keys(bundles)
        .map((name) => `${name}.e2e-suite.ts`)
        .sort(),
    );
    for (const name of Object.keys(bundles)) {
      expect(readFileSync(join(E2E, `${name}.e2e-suite.ts`), 'utf8')).toContain(
        `runBundle('${name}')`,
      );
    }
    const bundled = Object.keys(bundles).flatMap(bundleFolders);
    expect(new Set(bundled).size).toBe(bundled.length);
    const withoutSpecs = bundled.filter((dir) => !withSpecs.includes(dir));
    expect(withoutSpecs.map((dir) => relative(E2E, dir))).toEqual([]);
  });
});
