/**
 * `npm test` runs each folder of test/e2e as one jest suite: the folder's folder.e2e-suite.ts calls
 * runFolder(__dirname), or, for the small folders, a bundle of them does (runBundle,
 * test/setup/e2e-bundles.js). A small e2e file's cost is mostly loading the app's ~3,000 modules
 * into a fresh module registry; here they load once per suite. Each file keeps what it had as a
 * suite of its own: a describe named after it, its hooks, and a database of its own (as
 * test/setup/database-per-file.js gives a lone file), set while the file is read and again before
 * its tests run. A file named on the command line runs alone, as its own suite (jest.config.js).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testDatabaseUri } = require('../setup/test-database-uri') as {
  testDatabaseUri: (base: string | undefined, name: string) => string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundles = require('../setup/e2e-bundles') as Record<string, readonly string[]>;

const E2E = join(__dirname, '..', 'e2e');

/** test/setup/cpu-log.js's hook, when PROOFGATE_TEST_CPU_LOG asks for each file's CPU. */
export function cpuLog(): { fileStarts: (name: string) => void } | undefined {
  return (globalThis as { __proofgateCpuLog?: { fileStarts: (name: string) => void } })
    .__proofgateCpuLog;
}

/** The *.e2e-spec.ts files of `dir`, in name order. */
export function specFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.e2e-spec.ts'))
    .sort();
}

/** The folders a bundle suite runs (test/setup/e2e-bundles.js), as paths. */
export function bundleFolders(bundle: string): string[] {
  const folders = bundles[bundle];
  if (!folders) throw new Error(`no bundle ${bundle} in test/setup/e2e-bundles.js`);
  return folders.map((folder) => join(E2E, folder));
}

/** A bundle's folders one after the other in one suite, each in a describe of its path. */
export function runBundle(bundle: string): void {
  for (const dir of bundleFolders(bundle)) describe(relative(E2E, dir), () => runFolder(dir));
}

export function runFolder(dir: string): void {
  for (const name of specFiles(dir)) {
    const uri = testDatabaseUri(
      process.env.PROOFGATE_TEST_MONGODB_BASE,
      `proofgate_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`,
    );
    describe(name, () => {
      beforeAll(() => {
        process.env.MONGODB_URI = uri;
        cpuLog()?.fileStarts(relative(E2E, join(dir, name)));
      });
      process.env.MONGODB_URI = uri;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(dir, name));
    });
  }
}
