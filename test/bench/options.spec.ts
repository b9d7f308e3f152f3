import { DEFAULTS, commandLine, parseOptions } from '../../bench/lib/options';

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
    });
    expect(commandLine(options)).toBe(
      'npm run bench -- --rounds 1 --requests 300 --only oidc --no-floor --skip-build --tracing',
    );
    expect(commandLine(parseOptions(['--phase-requests', '50']))).toBe(
      'npm run bench -- --phase-requests 50',
    );
  });

  it('refuses unknown options and bad values, naming them', () => {
    expect(() => parseOptions(['--n', '5'])).toThrow('unknown option --n');
    expect(() => parseOptions(['--rounds'])).toThrow('--rounds needs an integer');
    expect(() => parseOptions(['--connections', '0'])).toThrow('--connections');
    expect(() => parseOptions(['--requests', '1.5'])).toThrow('--requests');
    expect(() => parseOptions(['--only', 'both'])).toThrow('--only needs proofgate or oidc');
  });
});
