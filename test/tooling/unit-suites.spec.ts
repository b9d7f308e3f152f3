import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unitBundles = require('../setup/unit-bundles') as {
  BUNDLES: Record<string, readonly string[]>;
  ROOT: string;
  unitSpecs: () => string[];
  bundleSpecs: (name: string) => string[];
};

/**
 * `npm test` finds the unit specs only through the bundles' suite files (jest.config.js,
 * test/setup/unit-bundles.js): a spec no bundle ran would silently never run, and one two bundles
 * ran would run twice.
 */
const UNIT = join(unitBundles.ROOT, 'test', 'unit');

describe('unit bundles', () => {
  const names = Object.keys(unitBundles.BUNDLES);

  it('runs every unit spec in exactly one bundle, this one included', () => {
    const specs = unitBundles.unitSpecs();
    expect(specs).toContain('test/tooling/unit-suites.spec.ts');
    expect(specs.length).toBeGreaterThan(100);
    expect(names.flatMap((name) => unitBundles.bundleSpecs(name)).sort()).toEqual(specs);
  });

  it('gives each bundle specs and a suite file that runs it, and no other suite file', () => {
    for (const name of names) expect(unitBundles.bundleSpecs(name).length).toBeGreaterThan(0);
    const suites = readdirSync(UNIT).filter((file) => file.endsWith('.unit-suite.ts'));
    expect(suites.sort()).toEqual(names.map((name) => `${name}.unit-suite.ts`).sort());
    for (const name of names) {
      expect(readFileSync(join(UNIT, `${name}.unit-suite.ts`), 'utf8')).toContain(
        `runUnitBundle('${name}')`,
      );
    }
  });
});
