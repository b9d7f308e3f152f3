import {
  parseArgs,
  reportLines,
  scenarioOfFolder,
  scenarioResult,
  USAGE,
  verdict,
} from '../../tools/mcp-conformance/results';
import { hiddenField } from '../../tools/mcp-conformance/browser';

describe('npm run conformance:mcp', () => {
  describe('parseArgs', () => {
    it('runs locally without options', () => {
      expect(parseArgs([])).toEqual({ json: false });
      expect(parseArgs(['--json'])).toEqual({ json: true });
    });

    it('takes an MCP server, a client and a callback port, as --x v or --x=v', () => {
      expect(
        parseArgs([
          '--mcp-url',
          'https://mcp.example/mcp',
          '--client-id=c1',
          '--callback-port',
          '4000',
        ]),
      ).toEqual({
        mcpUrl: 'https://mcp.example/mcp',
        clientId: 'c1',
        callbackPort: 4000,
        json: false,
      });
    });

    it('answers USAGE to --help', () => {
      expect(parseArgs(['--help'])).toBe(USAGE);
    });

    it.each([
      [['--mcp-url', 'https://mcp.example/mcp'], '--mcp-url needs --client-id'],
      [['--client-id', 'c1'], '--client-id goes with --mcp-url'],
      [['--mcp-url', 'ftp://x/mcp', '--client-id', 'c'], '--mcp-url needs an http(s) URL'],
      [['--callback-port', '70000'], '--callback-port needs a port'],
      [['--callback-port'], '--callback-port needs a value'],
      [['--password', 'x'], 'Unknown argument --password'],
    ])('refuses %j', (argv, message) => {
      const parsed = parseArgs(argv);
      expect(typeof parsed).toBe('string');
      expect(parsed).toContain(message);
      expect(parsed).toContain('Usage:');
    });
  });

  it('reads the scenario from the folder names the suite writes', () => {
    expect(
      scenarioOfFolder('authorization-server-authorization-code-grant-2026-11-24T15-04-01-266Z'),
    ).toBe('authorization-code-grant');
    expect(scenarioOfFolder('server-initialize-2026-11-24T15-04-01-266Z')).toBeUndefined();
    expect(scenarioOfFolder('authorization-server-x')).toBeUndefined();
  });

  describe('verdict', () => {
    const ok = scenarioResult('a', [
      { id: 'a', status: 'SUCCESS' },
      { id: 'b', status: 'WARNING' },
    ]);

    it('passes when every listed scenario passed (a WARNING is a SHOULD, not a failure)', () => {
      expect(verdict(['a'], [ok]).passed).toBe(true);
    });

    it.each(['FAILURE', 'SKIPPED'])('fails a scenario with a %s check', (status) => {
      const bad = scenarioResult('b', [
        { id: 'b', status: 'SUCCESS' },
        { id: 'c', status },
      ]);
      expect(bad.passed).toBe(false);
      expect(verdict(['a', 'b'], [ok, bad]).passed).toBe(false);
    });

    it('fails a scenario without checks, and one that wrote no results', () => {
      expect(scenarioResult('a', []).passed).toBe(false);
      const result = verdict(['a', 'b'], [ok]);
      expect(result.passed).toBe(false);
      expect(result.scenarios[1]).toMatchObject({ scenario: 'b', passed: false });
    });

    it('fails when the suite lists no scenario at all', () => {
      expect(verdict([], []).passed).toBe(false);
    });
  });

  it('reports each scenario, and a failed one with its failing checks', () => {
    const failed = scenarioResult('authorization-code-grant', [
      { id: 'authorization-code-grant', status: 'FAILURE', errorMessage: 'Invalid Cache-Control' },
    ]);
    const passed = scenarioResult('metadata', [
      { id: 'm', status: 'SUCCESS' },
      { id: 'cimd', status: 'WARNING', errorMessage: 'no cimd' },
    ]);
    expect(reportLines([passed, failed])).toEqual([
      'PASS  metadata (1 success, 1 warning)',
      '      WARNING cimd: no cimd',
      'FAIL  authorization-code-grant (1 failure)',
      '      FAILURE authorization-code-grant: Invalid Cache-Control',
      '1/2 scenarios passed',
    ]);
  });

  it('reads the hidden fields of the login and consent forms, unescaped', () => {
    const page =
      '<input type="hidden" name="csrf_token" value="t&amp;1">\n<input type="hidden" name="return_to" value="/authorize?a=1&amp;b=2">';
    expect(hiddenField(page, 'csrf_token')).toBe('t&1');
    expect(hiddenField(page, 'return_to')).toBe('/authorize?a=1&b=2');
    expect(hiddenField(page, 'missing')).toBeUndefined();
  });
});
