/**
 * `npm test` runs the unit specs in a few bundles (test/setup/unit-bundles.js), each one jest
 * suite: test/unit/<name>.unit-suite.ts calls runUnitBundle(name). Each spec file runs in a
 * describe named after its path, with its own hooks; the modules it imports load once per bundle.
 * A spec named on the command line runs alone, as its own suite (jest.config.js).
 */
import { join } from 'node:path';
import { cpuLog } from './folder-suite';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT, bundleSpecs } = require('../setup/unit-bundles') as {
  ROOT: string;
  bundleSpecs: (name: string) => string[];
};

export function runUnitBundle(name: string): void {
  for (const spec of bundleSpecs(name)) {
    describe(spec, () => {
      beforeAll(() => cpuLog()?.fileStarts(spec));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(ROOT, spec));
    });
  }
}
