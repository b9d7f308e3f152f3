/**
 * Every package.json dependency is used: imported or required by name somewhere in the project's
 * code or configuration, run as a command by a script, a peer dependency another one needs
 * (rxjs for Nest), or the types of one that is. A dependency nothing uses is install time, audit
 * noise and attack surface for nothing.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';

const CODE_DIRS = ['src', 'test', 'tools', 'bench', 'examples', 'bin'];
const CODE_FILE = /\.(ts|js|mjs|cjs|json)$|^proofgate-admin$/;

/** Commands that the scripts (package.json, .ci/run) run, by the package that provides them. */
const COMMANDS: Readonly<Record<string, string>> = {
  '@nestjs/cli': 'nest',
  eslint: 'eslint',
  jest: 'jest',
  prettier: 'prettier',
  'ts-node': 'ts-node',
  typescript: 'tsc',
};

function filesUnder(dir: string): string[] {
  const path = join(ROOT, dir);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => !name.split('/').includes('node_modules'))
    .filter((name) => CODE_FILE.test(name.split('/').pop() ?? ''))
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

const ROOT_FILES = readdirSync(ROOT)
  .filter((name) => /\.(js|mjs|cjs|json)$/.test(name))
  .filter((name) => name !== 'package.json' && name !== 'package-lock.json')
  .map((name) => join(ROOT, name));

// This file names packages that are not dependencies, to show that the reader tells them apart.
const sources = [...CODE_DIRS.flatMap(filesUnder), ...ROOT_FILES]
  .filter((file) => file !== __filename)
  .map((file) => readFileSync(file, 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const scripts = [
  ...Object.values(pkg.scripts),
  readFileSync(join(ROOT, '.ci', 'run'), 'utf8'),
].join('\n');

const all = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];

/** What the listed packages ask to be installed beside them (read from node_modules). */
const peers = new Set(
  all.flatMap((name) => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { peerDependencies?: Record<string, string> };
    return Object.keys(manifest.peerDependencies ?? {});
  }),
);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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

function used(name: string): boolean {
  if (namedInCode(name) || runAsCommand(name) || peers.has(name)) return true;
  const typed = /^@types\/(.+)$/.exec(name)?.[1];
  if (typed === undefined) return false;
  // @types/node and @types/jest type the platform and the test runner themselves.
  if (typed === 'node' || typed === 'jest') return true;
  const typedPackage = typed.includes('__') ? `@${typed.replace('__', '/')}` : typed;
  return used(typedPackage);
}

describe('dependencies', () => {
  it('finds uses the way it should (the reader itself works)', () => {
    expect(used('jose')).toBe(true);
    expect(used('@types/supertest')).toBe(true);
    expect(used('typescript')).toBe(true);
    expect(used('rxjs')).toBe(true);
    expect(used('left-pad')).toBe(false);
    expect(used('@types/left-pad')).toBe(false);
  });

  it('lists no dependency that nothing imports, runs or types', () => {
    expect(all.filter((name) => !used(name))).toEqual([]);
  });
});
