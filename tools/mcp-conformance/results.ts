/**
 * The pure parts of `npm run conformance:mcp`: its arguments, and the verdict on the suite's
 * checks (each scenario's checks.json, written by `conformance authorization --output-dir`).
 */

export const USAGE = `Usage: npm run conformance:mcp [-- --mcp-url URL --client-id ID --callback-port N] [--json]

Runs the MCP project's conformance suite (@modelcontextprotocol/conformance, its "authorization"
scenarios) against Proofgate, signing in and consenting as a scripted browser.

  (no options)        start Proofgate on a fresh embedded database and the example MCP server
                      (examples/mcp-server), and test them
  --mcp-url URL       test the authorization server of a running MCP server instead: found in the
                      server's RFC 9728 metadata (<origin>/.well-known/oauth-protected-resource<path>)
  --client-id ID      the public client to sign in with (needed with --mcp-url); it must have
                      http://127.0.0.1:<callback port>/callback as a redirect URI and the MCP server
                      among the resources it may ask tokens for
  --callback-port N   where the suite listens for the authorization response (default 3000 with
                      --mcp-url, a free port otherwise)
  --json              print { "passed", "scenarios": [...] } only

With --mcp-url the user signs in with PROOFGATE_CONFORMANCE_USERNAME and
PROOFGATE_CONFORMANCE_PASSWORD (read from the environment, never from the command line).
Exit status: 0 when every scenario passes, 1 when one fails, 2 when the suite could not run.
`;

export interface ConformanceArgs {
  mcpUrl?: string;
  clientId?: string;
  callbackPort?: number;
  json: boolean;
}

/** The arguments, USAGE for --help, or an error message ending with USAGE. */
export function parseArgs(argv: readonly string[]): ConformanceArgs | string {
  const args: ConformanceArgs = { json: false };
  const value = (arg: string, i: number): [string | undefined, number] => {
    const eq = arg.indexOf('=');
    return eq >= 0 ? [arg.slice(eq + 1), i] : [argv[i + 1], i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.split('=')[0];
    if (arg === '--help' || arg === '-h') return USAGE;
    if (arg === '--json') {
      args.json = true;
      continue;
    }
    if (name !== '--mcp-url' && name !== '--client-id' && name !== '--callback-port') {
      return `Unknown argument ${arg}\n\n${USAGE}`;
    }
    const [given, next] = value(arg, i);
    i = next;
    if (given === undefined || given === '') return `${name} needs a value\n\n${USAGE}`;
    if (name === '--mcp-url') {
      if (!URL.canParse(given) || !/^https?:$/.test(new URL(given).protocol)) {
        return `--mcp-url needs an http(s) URL, got ${given}\n\n${USAGE}`;
      }
      args.mcpUrl = given;
    } else if (name === '--client-id') {
      args.clientId = given;
    } else {
      const port = Number(given);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        return `--callback-port needs a port (1-65535), got ${given}\n\n${USAGE}`;
      }
      args.callbackPort = port;
    }
  }
  if (args.mcpUrl !== undefined && args.clientId === undefined) {
    return `--mcp-url needs --client-id (a client registered for the MCP server)\n\n${USAGE}`;
  }
  if (args.mcpUrl === undefined && args.clientId !== undefined) {
    return `--client-id goes with --mcp-url (a local run registers its own client)\n\n${USAGE}`;
  }
  return args;
}

/** One check of the suite, as its checks.json holds it. */
export interface SuiteCheck {
  id: string;
  name?: string;
  description?: string;
  status: string;
  errorMessage?: string;
}

export interface ScenarioResult {
  scenario: string;
  passed: boolean;
  checks: SuiteCheck[];
}

/**
 * The scenario of a results folder the suite wrote: `authorization-server-<scenario>-<ISO time
 * with : and . as ->`; undefined for any other name.
 */
export function scenarioOfFolder(folder: string): string | undefined {
  return /^authorization-server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(folder)?.[1];
}

/**
 * A scenario passes when it has checks and every one is SUCCESS, WARNING (a SHOULD the suite
 * reports, not a MUST) or INFO. SKIPPED fails here: the runner always gives the suite what a
 * scenario needs (a client id), so a skipped scenario tested nothing.
 */
export function scenarioResult(scenario: string, checks: readonly SuiteCheck[]): ScenarioResult {
  const passing = new Set(['SUCCESS', 'WARNING', 'INFO']);
  return {
    scenario,
    passed: checks.length > 0 && checks.every((check) => passing.has(check.status)),
    checks: [...checks],
  };
}

/**
 * The verdict: every scenario the suite lists ran and passed. A scenario that wrote no results is
 * a failure of its own.
 */
export function verdict(
  expected: readonly string[],
  results: readonly ScenarioResult[],
): { passed: boolean; scenarios: ScenarioResult[] } {
  const scenarios = expected.map(
    (scenario) =>
      results.find((result) => result.scenario === scenario) ?? {
        scenario,
        passed: false,
        checks: [{ id: scenario, status: 'FAILURE', errorMessage: 'the suite wrote no results' }],
      },
  );
  const extra = results.filter((result) => !expected.includes(result.scenario));
  const all = [...scenarios, ...extra];
  return { passed: expected.length > 0 && all.every((result) => result.passed), scenarios: all };
}

/** The report's lines: one per scenario, and under a failed one its failing checks. */
export function reportLines(scenarios: readonly ScenarioResult[]): string[] {
  const lines: string[] = [];
  for (const result of scenarios) {
    const counts = new Map<string, number>();
    for (const check of result.checks)
      counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
    const tally = [...counts].map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
    lines.push(`${result.passed ? 'PASS' : 'FAIL'}  ${result.scenario} (${tally || 'no checks'})`);
    for (const check of result.checks) {
      if (check.status === 'SUCCESS') continue;
      lines.push(
        `      ${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`,
      );
    }
  }
  const passed = scenarios.filter((result) => result.passed).length;
  lines.push(`${passed}/${scenarios.length} scenarios passed`);
  return lines;
}
