/**
 * Every package.json dependency is used: imported or required by name somewhere in the project's
 * code or configuration, run as a command by a script, a peer dependency another one needs
 * (rxjs for Nest), or the types of one that is. A dependency nothing uses is install time, audit
 * noise and attack surface for nothing.
 *
 * examples/dapp-kits has its own package.json and lockfile: the kits its adapters are typed
 * against (Reown AppKit, RainbowKit, wagmi and the wallet SDKs behind them, most of a gigabyte)
 * are installed there, by `npm ci --prefix examples/dapp-kits`, never by the root's `npm ci`.
 * The same rule holds for that package, on its own files and scripts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';

const CODE_DIRS = ['src', 'test', 'tools', 'bench', 'examples', 'bin'];
const CODE_FILE = /\.(ts|js|mjs|cjs|json)$|^proofgate-admin$/;
/** A manifest names every dependency: it is no use of one. */
const MANIFEST = /^package(-lock)?\.json$/;
const KITS = 'examples/dapp-kits';

/** Commands that the scripts (package.json, .ci/run) run, by the package that provides them. */
const COMMANDS: Readonly<Record<string, string>> = {
  '@nestjs/cli': 'nest',
  eslint: 'eslint',
  jest: 'jest',
  prettier: 'prettier',
  'ts-node': 'ts-node',
  typescript: 'tsc',
};

/** The code files under a folder, never entering a node_modules (the kits' own install). */
function filesUnder(dir: string): string[] {
  const path = join(ROOT, dir);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : filesUnder(join(dir, entry.name));
    }
    const code = entry.isFile() && CODE_FILE.test(entry.name) && !MANIFEST.test(entry.name);
    return code ? [join(path, entry.name)] : [];
  });
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
const listed = (pkg: Manifest) => [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.devDependencies ?? {}),
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Whether a package is used by the given sources, scripts and the peers its neighbours ask for. */
function usageReader(sources: readonly string[], scripts: string, peers: ReadonlySet<string>) {
  /** `'name'`, `"name"` or `` `name `` as a whole module specifier, or with a subpath. */
  function namedInCode(name: string): boolean {
    const specifier = new RegExp(`['"\`]${escape(name)}(/[^'"\`]*)?['"\`]`);
    return sources.some((text) => specifier.test(text));
  }

  function runAsCommand(name: string): boolean {
    const command = COMMANDS[name];
    return (
      command !== undefined && new RegExp(`(^|[\\s;&|(])${escape(command)}\\s`, 'm').test(scripts)
    );
  }

  return function used(name: string): boolean {
    if (namedInCode(name) || runAsCommand(name) || peers.has(name)) return true;
    const typed = /^@types\/(.+)$/.exec(name)?.[1];
    if (typed === undefined) return false;
    // @types/node and @types/jest type the platform and the test runner themselves.
    if (typed === 'node' || typed === 'jest') return true;
    const typedPackage = typed.includes('__') ? `@${typed.replace('__', '/')}` : typed;
    return used(typedPackage);
  };
}

describe('dependencies', () => {
  const ROOT_FILES = readdirSync(ROOT)
    .filter((name) => /\.(js|mjs|cjs|json)$/.test(name) && !MANIFEST.test(name))
    .map((name) => join(ROOT, name));
  // This file names packages that are not dependencies, to show that the reader tells them apart.
  const sources = [...CODE_DIRS.flatMap(filesUnder), ...ROOT_FILES]
    .filter((file) => file !== __filename)
    .map((file) => readFileSync(file, 'utf8'));
  const pkg = readJson<Manifest>('package.json');
  const scripts = [
    ...Object.values(pkg.scripts ?? {}),
    readFileSync(join(ROOT, '.ci', 'run'), 'utf8'),
  ].join('\n');
  const all = listed(pkg);
  /** What the listed packages ask to be installed beside them (read from node_modules). */
  const peers = new Set(
    all.flatMap((name) =>
      Object.keys(readJson<Manifest>(`node_modules/${name}/package.json`).peerDependencies ?? {}),
    ),
  );
  const used = usageReader(sources, scripts, peers);

  it('finds uses the way it should (the reader itself works)', () => {
    expect(used('jose')).toBe(true);
    expect(used('@types/supertest')).toBe(true);
    expect(used('typescript')).toBe(true);
    expect(used('rxjs')).toBe(true);
    expect(used('left-pad')).toBe(false);
    expect(used('@types/left-pad')).toBe(false);
    // Named only by examples/dapp-kits' own package.json and its adapters' (type) imports.
    expect(used('@reown/appkit-siwx')).toBe(true);
    expect(used('react')).toBe(false);
  });

  it('lists no dependency that nothing imports, runs or types', () => {
    expect(all.filter((name) => !used(name))).toEqual([]);
  });

  it("installs none of the dApp kits or their wallet SDKs: they are examples/dapp-kits' own", () => {
    const kitPackage =
      /^(wagmi|@wagmi\/connectors|react|react-dom|@rainbow-me\/.+|@reown\/.+|@walletconnect\/.+|@metamask\/.+|@coinbase\/.+)$/;
    const lock = readJson<{ packages: Record<string, unknown> }>('package-lock.json');
    const installed = Object.keys(lock.packages).map((path) =>
      path.replace(/^.*node_modules\//, ''),
    );
    expect([...new Set(installed.filter((name) => kitPackage.test(name)))]).toEqual([]);
  });
});

describe(`${KITS} dependencies`, () => {
  const pkg = readJson<Manifest>(`${KITS}/package.json`);
  const lock = readJson<{ packages: Record<string, Manifest> }>(`${KITS}/package-lock.json`);
  const sources = filesUnder(KITS).map((file) => readFileSync(file, 'utf8'));
  const scripts = Object.values(pkg.scripts ?? {}).join('\n');
  const all = listed(pkg);
  /** What the listed packages ask to be installed beside them (read from its lockfile). */
  const peers = new Set(
    all.flatMap((name) =>
      Object.keys(lock.packages[`node_modules/${name}`]?.peerDependencies ?? {}),
    ),
  );
  const used = usageReader(sources, scripts, peers);

  it('is a private package whose lockfile installs what it lists', () => {
    expect(readJson<{ private?: boolean }>(`${KITS}/package.json`).private).toBe(true);
    expect(lock.packages['']?.devDependencies).toEqual(pkg.devDependencies);
    expect(all.filter((name) => lock.packages[`node_modules/${name}`] === undefined)).toEqual([]);
  });

  it('lists the kits the adapters are typed against, and no dependency they do not use', () => {
    expect(all).toEqual(expect.arrayContaining(['@reown/appkit-siwx', '@rainbow-me/rainbowkit']));
    expect(all.filter((name) => !used(name))).toEqual([]);
  });
});
