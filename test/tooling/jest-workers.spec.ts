/**
 * jest.config.js replaces a worker grown large only in a whole run in workers. With that limit
 * set, jest runs even `-i` or a single spec file in a worker instead of its own process, out of
 * reach of a debugger or profiler attached to it (`node --inspect-brk node_modules/.bin/jest -i`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** jest.config.js's workerIdleMemoryLimit when jest is run with `args` (null: none). */
function memoryLimitFor(args: string[]): unknown {
  const script = [
    `process.argv = [process.argv[0], 'jest', ...${JSON.stringify(args)}];`,
    "const { workerIdleMemoryLimit } = require('./jest.config.js');",
    'process.stdout.write(JSON.stringify(workerIdleMemoryLimit ?? null));',
  ].join('\n');
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }),
  );
}

describe("jest's worker memory limit (jest.config.js)", () => {
  it('replaces grown workers in a whole run, as npm test and npm run test:unit start it', () => {
    expect(memoryLimitFor(['--config', 'jest.config.js'])).toBe('512MB');
    expect(memoryLimitFor(['--config', 'jest.config.js', '--selectProjects', 'unit'])).toBe(
      '512MB',
    );
  });

  it.each([
    '-i',
    '--runInBand',
    '-w 1',
    '--maxWorkers=1',
    'test/tooling/jest-workers.spec.ts',
    '-i test/e2e/folders-c.e2e-suite.ts',
    '--config jest.config.js test/e2e/oauth',
  ])('leaves jest its own process to choose for `jest %s`', (line) => {
    expect(memoryLimitFor(line.split(' '))).toBeNull();
  });
});
