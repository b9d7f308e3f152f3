import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCHMARKS_FILE,
  DEFAULTS,
  PHASE_GROUPS,
  USAGE,
  commandLine,
  parseOptions,
  somePhasesOnly,
} from '../../bench/lib/options';

const ROOT = join(__dirname, '..', '..');

describe('bench options', () => {
  it('defaults', () => {
    expect(parseOptions([])).toEqual(DEFAULTS);
    expect(commandLine(parseOptions([]))).toBe('npm run bench');
  });

  it('parses every option and prints back the ones that differ', () => {
    const argv = [
      '--rounds',
      '1',
      '--requests',
      '300',
      '--only',
      'oidc',
      '--no-floor',
      '--skip-build',
      '--tracing',
      '--authorize-connections',
      '16',
    ];
    const options = parseOptions(argv);
    expect(options).toMatchObject({
      rounds: 1,
      requests: 300,
      phaseRequests: 300, // never more than --requests
      only: 'oidc',
      floor: false,
      skipBuild: true,
      tracing: true,
      authorizeConnections: 16,
    });
    expect(commandLine(options)).toBe(
      'npm run bench -- --rounds 1 --authorize-connections 16 --requests 300 --only oidc --no-floor --skip-build --tracing',
    );
    expect(commandLine(parseOptions(['--phase-requests', '50']))).toBe(
      'npm run bench -- --phase-requests 50',
    );
  });

  it('runs some phase groups with the groups their targets compare them with (--phases)', () => {
    const options = parseOptions(['--phases', 'oid4vp', '--only', 'proofgate', '--no-floor']);
    // The presentation is compared with SIWE verify: siwe runs too, first.
    expect(options.phases).toEqual(['siwe', 'oid4vp']);
    expect(somePhasesOnly(options)).toBe(true);
    expect(commandLine(options)).toBe(
      'npm run bench -- --only proofgate --no-floor --phases siwe,oid4vp',
    );
    // The CIBA polls are compared with the refresh and the exchange: oauth runs too, first.
    expect(parseOptions(['--phases', 'ciba']).phases).toEqual(['oauth', 'ciba']);
    expect(parseOptions(['--phases', 'dpop,siws']).phases).toEqual([
      'oauth',
      'dpop',
      'siwe',
      'siws',
    ]);
    expect(somePhasesOnly(parseOptions(['--phases', PHASE_GROUPS.join(',')]))).toBe(false);
    expect(() => parseOptions(['--phases', 'oid4vp,nope'])).toThrow(
      `--phases needs a comma-separated list of ${PHASE_GROUPS.join(', ')}, got oid4vp,nope`,
    );
    expect(() => parseOptions(['--phases'])).toThrow('--phases needs a comma-separated list');
  });

  it('refuses unknown options and bad values, naming them', () => {
    expect(() => parseOptions(['--n', '5'])).toThrow('unknown option --n');
    expect(() => parseOptions(['--rounds'])).toThrow('--rounds needs an integer');
    expect(() => parseOptions(['--connections', '0'])).toThrow('--connections');
    expect(() => parseOptions(['--requests', '1.5'])).toThrow('--requests');
    expect(() => parseOptions(['--only', 'both'])).toThrow('--only needs proofgate or oidc');
  });

  it('writes the tracked docs/BENCHMARKS.md only with --write, another file with --out', () => {
    expect(parseOptions([]).out).toBe('-');
    expect(parseOptions(['--write']).out).toBe(BENCHMARKS_FILE);
    expect(BENCHMARKS_FILE).toBe('docs/BENCHMARKS.md');
    expect(commandLine(parseOptions(['--rounds', '3', '--write']))).toBe(
      'npm run bench -- --rounds 3 --write',
    );
    expect(parseOptions(['--out', 'bench.md']).out).toBe('bench.md');
    expect(commandLine(parseOptions(['--out', 'bench.md']))).toBe(
      'npm run bench -- --out bench.md',
    );
    expect(USAGE).toMatch(/^ {2}--write +write the report into docs\/BENCHMARKS\.md/m);
  });

  it('`npm run bench -- --help` prints the usage on stdout and exits 0, touching nothing', () => {
    const report = join(ROOT, BENCHMARKS_FILE);
    const before = statSync(report).mtimeMs;
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'main.ts'), '--help'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TS_NODE_PROJECT: 'tsconfig.jest.json' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toBe(`${USAGE}\n`);
    expect(statSync(report).mtimeMs).toBe(before);
  }, 60_000);
});
