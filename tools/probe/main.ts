/**
 * `npm run probe -- --url https://auth.example [options]`: the synthetic login (see probe.ts),
 * for a cron job or a systemd timer every minute. Exit status 0 when every flow passed, 1 when
 * one failed, 2 on a usage error. Secrets come from the environment, never the command line
 * (where `ps` shows them): PROBE_PASSWORD, PROBE_CLIENT_SECRET, PROBE_SIWE_KEY.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { FLOWS, type Flow, type ProbeSettings, probeMetrics, reportLines, runProbe } from './probe';

const USAGE = `npm run probe -- --url URL [options]
  --help                this text (exit 0)
  --url URL             the deployment (its issuer)
  --flows pkce,siwe     which logins to run (default: both)
  --client-id ID        the probe's own client, first-party (default probe)
  --redirect-uri URI    a redirect URI registered for it (never fetched: the code is read from Location)
  --username NAME       the probe's own account (default probe); password in PROBE_PASSWORD
  --chain-id N          the SIWE chain (default 1); the wallet key in PROBE_SIWE_KEY (0x + 64 hex)
  --textfile PATH       write Prometheus metrics there (atomically), e.g. for node_exporter
  --timeout-ms N        per request (default 10000)
Environment: PROBE_PASSWORD, PROBE_CLIENT_SECRET (a confidential probe client), PROBE_SIWE_KEY.`;

class UsageError extends Error {}

function parse(argv: readonly string[]): { settings: ProbeSettings; textfile?: string } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined)
      throw new UsageError(`${name} needs a value`);
    values.set(name.slice(2), value);
  }
  const known = [
    'url',
    'flows',
    'client-id',
    'redirect-uri',
    'username',
    'chain-id',
    'textfile',
    'timeout-ms',
  ];
  for (const name of values.keys())
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  const url = values.get('url');
  if (!url || !/^https?:\/\//.test(url)) throw new UsageError('--url needs an http(s) URL');
  const flows = (values.get('flows') ?? FLOWS.join(',')).split(',') as Flow[];
  if (flows.length === 0 || flows.some((flow) => !FLOWS.includes(flow)))
    throw new UsageError('--flows takes pkce, siwe or both');
  const redirectUri = values.get('redirect-uri');
  if (flows.includes('pkce') && !redirectUri)
    throw new UsageError('--redirect-uri is required for the pkce flow');
  if (flows.includes('pkce') && !process.env.PROBE_PASSWORD)
    throw new UsageError('PROBE_PASSWORD is required for the pkce flow');
  const siweKey = process.env.PROBE_SIWE_KEY;
  if (flows.includes('siwe') && !/^0x[0-9a-fA-F]{64}$/.test(siweKey ?? '')) {
    // A fixed key: a fresh one every run would create an account every minute.
    throw new UsageError('PROBE_SIWE_KEY (0x + 64 hex digits) is required for the siwe flow');
  }
  const chainId = Number(values.get('chain-id') ?? '1');
  const timeoutMs = Number(values.get('timeout-ms') ?? '10000');
  if (!Number.isInteger(chainId) || chainId < 1)
    throw new UsageError('--chain-id needs a positive integer');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)
    throw new UsageError('--timeout-ms needs 100 to 120000');
  return {
    settings: {
      url,
      flows,
      clientId: values.get('client-id') ?? 'probe',
      redirectUri: redirectUri ?? '',
      ...(process.env.PROBE_CLIENT_SECRET ? { clientSecret: process.env.PROBE_CLIENT_SECRET } : {}),
      username: values.get('username') ?? 'probe',
      ...(process.env.PROBE_PASSWORD ? { password: process.env.PROBE_PASSWORD } : {}),
      ...(siweKey ? { siweKey: siweKey as `0x${string}` } : {}),
      chainId,
      timeoutMs,
    },
    ...(values.has('textfile') ? { textfile: values.get('textfile') } : {}),
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const results = await runProbe(parsed.settings);
  process.stdout.write(`${reportLines(results).join('\n')}\n`);
  if (parsed.textfile) {
    // node_exporter must never read a half-written file.
    const partial = `${parsed.textfile}.${process.pid}.tmp`;
    writeFileSync(partial, await probeMetrics(results, new Date()));
    renameSync(partial, parsed.textfile);
  }
  return results.every((result) => result.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`probe failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
