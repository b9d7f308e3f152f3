/**
 * Every package `npm ci` installs runs on every Node version this project says it runs on: its
 * `engines.node` admits our minimum and the Node running the tests. (OpenTelemetry 3.x and the
 * Solana wallet-standard packages past 1.1.2 / 1.3.0 / 1.1.1 need Node 22, which `npm ci` only
 * warns about: EBADENGINE.) That holds for examples/dapp-kits' own lockfile too, which CI
 * installs on the same Node to type-check the adapters against the kits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies, validRange } from 'semver';

const ROOT = join(__dirname, '..', '..');
const read = <T>(file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  optional?: boolean;
}

describe('Node versions', () => {
  const ours = read<{ engines: { node: string } }>('package.json').engines.node;

  it('declares one minimum Node version, which the running Node meets', () => {
    expect(validRange(ours)).not.toBeNull();
    expect(satisfies(process.versions.node, ours)).toBe(true);
  });

  it('examples/dapp-kits declares the same minimum', () => {
    const kits = read<{ engines: { node: string } }>('examples/dapp-kits/package.json');
    expect(kits.engines.node).toBe(ours);
  });

  it.each(['package-lock.json', 'examples/dapp-kits/package-lock.json'])(
    '%s installs no package that needs a newer Node than the declared minimum',
    (lockfile) => {
      const lock = read<{ packages: Record<string, LockedPackage> }>(lockfile);
      const minimum = minVersion(ours)!.version;
      const needNewer = Object.entries(lock.packages)
        .filter(([path]) => path !== '')
        .flatMap(([path, locked]) => {
          const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
          if (range === undefined || validRange(range) === null) return [];
          const admits = (version: string) =>
            satisfies(version, range, { includePrerelease: true });
          return admits(minimum) && admits(process.versions.node)
            ? []
            : [`${path.replace(/^.*node_modules\//, '')}@${locked.version}: node ${range}`];
        });
      expect(needNewer).toEqual([]);
    },
  );
});
