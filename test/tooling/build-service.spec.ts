/**
 * The service's build (tools/build-service.js): what `npm start`, `npm run build` and the specs
 * that run the built service compile src/ with. Run on small trees of their own, so that what it
 * writes, refuses and leaves out can be seen; the whole service's build is run by the specs that
 * start it (test/support/build.ts) and by `npm start`'s spec.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, compileService, isCurrent } from '../../tools/build-service';

const ROOT = join(__dirname, '..', '..');

/** A tree with `files` under its src/ (paths relative to src/), and an empty src/public. */
function tree(files: Record<string, string>): string {
  mkdirSync(join(ROOT, '.build'), { recursive: true });
  const root = mkdtempSync(join(ROOT, '.build', 'build-service-spec-'));
  mkdirSync(join(root, 'src', 'public'), { recursive: true });
  writeFileSync(join(root, 'src', 'public', 'page.css'), 'body {}\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, 'src', path, '..'), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  return root;
}

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the service build', () => {
  it('compiles each source to CommonJS beside its source map, copies the assets, and leaves the unit specs out', async () => {
    const root = tree({
      'main.ts': [
        "import { twice } from './lib/twice';",
        'export const four = twice(2);',
        "export const six = import('./lib/twice.js').then(({ twice }) => twice(3));",
      ].join('\n'),
      'lib/twice.ts':
        'export const twice = (n: number): number => n * 2;\nexport const thrice = (n: number): number => n * 3;\n',
      'lib/twice.spec.ts': "it('doubles', () => undefined);\n",
    });
    made.push(root);
    const out = join(root, 'dist');

    await compileService(out, root);

    expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual([
      'lib',
      'lib/twice.js',
      'lib/twice.js.map',
      'main.js',
      'main.js.map',
      'public',
      'public/page.css',
    ]);
    // Run by Node itself (jest would compile the output again on loading it). A dynamic import()
    // of a compiled file sees its named exports: the lab's run loads its scenarios so, main.ts
    // the application.
    const script =
      'const m = require(process.argv[1]); m.six.then((six) => console.log(m.four, six))';
    const run = spawnSync(process.execPath, ['-e', script, join(out, 'main.js')], {
      encoding: 'utf8',
    });
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: '4 6\n', stderr: '' });
    expect(readFileSync(join(out, 'main.js'), 'utf8')).toMatch(
      /\n\/\/# sourceMappingURL=main\.js\.map\n$/,
    );
    const map = JSON.parse(readFileSync(join(out, 'lib', 'twice.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.sources).toEqual(['../../src/lib/twice.ts']);
    expect(map.sourcesContent).toBeUndefined();
  });

  it("emits the constructor parameters' design types, which Nest's injection reads", async () => {
    const root = tree({
      'service.ts': [
        "import 'reflect-metadata';",
        'function Injectable(): ClassDecorator { return () => undefined; }',
        'export class Clock {}',
        '@Injectable()',
        'export class Greeter { constructor(readonly clock: Clock) {} }',
      ].join('\n'),
    });
    made.push(root);
    const out = join(root, 'dist');
    // Where the compiled file finds reflect-metadata: the project's node_modules, two levels up.
    await compileService(out, root);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(join(out, 'service.js')) as {
      Clock: unknown;
      Greeter: object;
    };
    expect(Reflect.getMetadata('design:paramtypes', compiled.Greeter)).toEqual([compiled.Clock]);
  });

  it("compiles a workspace package into the build's node_modules, where the service requires it by name", async () => {
    const root = tree({
      'main.ts': "import { order } from '@example/ranks/ranks';\nexport const first = order[0];\n",
    });
    made.push(root);
    const pkg = join(root, 'packages', 'ranks');
    mkdirSync(join(pkg, 'src'), { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: '@example/ranks',
        main: 'dist/index.js',
        exports: { '.': './dist/index.js', './ranks': './dist/ranks.js' },
      }),
    );
    writeFileSync(join(pkg, 'src', 'ranks.ts'), "export const order = ['low', 'high'] as const;\n");
    writeFileSync(join(pkg, 'src', 'index.ts'), "export * from './ranks';\n");
    writeFileSync(join(pkg, 'src', 'ranks.spec.ts'), "it('orders', () => undefined);\n");
    const out = join(root, 'dist');

    await compileService(out, root);

    expect(readdirSync(join(out, 'node_modules'), { recursive: true }).map(String).sort()).toEqual([
      '@example',
      '@example/ranks',
      '@example/ranks/dist',
      '@example/ranks/dist/index.js',
      '@example/ranks/dist/index.js.map',
      '@example/ranks/dist/ranks.js',
      '@example/ranks/dist/ranks.js.map',
      '@example/ranks/package.json',
    ]);
    const run = spawnSync(
      process.execPath,
      ['-e', 'console.log(require(process.argv[1]).first)', join(out, 'main.js')],
      { encoding: 'utf8' },
    );
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: 'low\n', stderr: '' });
  });

  it('refuses a source that does not parse, naming the file', async () => {
    const root = tree({ 'main.ts': 'export const broken = (;\n' });
    made.push(root);

    await expect(compileService(join(root, 'dist'), root)).rejects.toThrow(/main\.ts/);
  });

  it('builds this checkout once, and says so; a second build finds it current', async () => {
    const out = join(ROOT, '.build', `build-service-spec-${process.pid}`);
    made.push(out);
    const said: string[] = [];

    expect(await build(out, { log: (line) => said.push(line) })).toBe(0);
    expect(isCurrent(out)).toBe(true);
    expect(await build(out, { log: (line) => said.push(line) })).toBe(0);

    const where = `.build/build-service-spec-${process.pid}`;
    expect(said).toEqual([
      `building the service from src/ into ${where}/ (a few seconds)`,
      `${where}/ is up to date with src/: not rebuilt`,
    ]);
  });
});
