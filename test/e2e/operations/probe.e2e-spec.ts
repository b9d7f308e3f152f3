/**
 * `npm run probe`, run as operators run it (its own process), against the test service: a full
 * PKCE login and a full SIWE login pass, exit 0, and write Prometheus text that parses; a broken
 * login exits 1 and says which step; nothing secret is printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, createTestApp, listenOnFreePort } from '../../support/test-app';
import { DEMO_SPA } from '../../support/oauth';
import { exitOf } from '../../support/processes';
import { ROOT } from '../../support/readme';
import { findPromtool } from '../../support/promtool';

const PASSWORD = 'password0';
// A fixed key of the probe's own (any 32 bytes): its own account and per-address budget.
const SIWE_KEY = `0x${'5a'.repeat(32)}`;

interface Run {
  code: number | null;
  output: string;
  metrics: string;
}

/** Prometheus text, parsed line by line: `name{labels} value`, every sample a number. */
function samples(text: string): Map<string, number> {
  const parsed = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    const value = Number(match[2]);
    if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
    parsed.set(match[1], value);
  }
  return parsed;
}

describe('npm run probe', () => {
  let t: TestApp;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    url = `http://127.0.0.1:${await listenOnFreePort(t)}`;
    dir = mkdtempSync(join(tmpdir(), 'proofgate-probe-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  async function probe(args: string[], env: Record<string, string>): Promise<Run> {
    const textfile = join(dir, `probe-${Math.random().toString(36).slice(2)}.prom`);
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
        '--transpile-only',
        '-P',
        'tsconfig.jest.json',
        'tools/probe/main.ts',
        '--url',
        url,
        '--textfile',
        textfile,
        ...args,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await exitOf(child);
    let metrics = '';
    try {
      metrics = readFileSync(textfile, 'utf8');
    } catch {
      // Not written (a usage error).
    }
    return { code, output, metrics };
  }

  const pkceArgs = [
    '--client-id',
    DEMO_SPA.id,
    '--redirect-uri',
    DEMO_SPA.redirectUri,
    '--username',
    'user0',
  ];

  it('logs in with PKCE and with SIWE, exits 0 and writes metrics that parse, printing no secret', async () => {
    const run = await probe(pkceArgs, { PROBE_PASSWORD: PASSWORD, PROBE_SIWE_KEY: SIWE_KEY });
    expect(run.output).toMatch(/^pkce login_page 200 \d+ms ok$/m);
    for (const step of ['login 303', 'authorize 302', 'token 200', 'api_me 200', 'revoke 200']) {
      expect(run.output).toMatch(new RegExp(`^pkce ${step} \\d+ms ok$`, 'm'));
    }
    for (const step of ['nonce 201', 'verify 200', 'api_me 200', 'revoke 200']) {
      expect(run.output).toMatch(new RegExp(`^siwe ${step} \\d+ms ok$`, 'm'));
    }
    expect(run.code).toBe(0);
    // No password, key, token (JWTs start eyJ) or signature in what it prints.
    expect(run.output).not.toContain(PASSWORD);
    expect(run.output).not.toContain(SIWE_KEY.slice(2));
    expect(run.output).not.toMatch(/eyJ|0x[0-9a-f]{40,}/i);

    const parsed = samples(run.metrics);
    expect(parsed.get('proofgate_probe_success{flow="pkce"}')).toBe(1);
    expect(parsed.get('proofgate_probe_success{flow="siwe"}')).toBe(1);
    expect(parsed.get('proofgate_probe_step_success{flow="pkce",step="token"}')).toBe(1);
    expect(parsed.get('proofgate_probe_duration_seconds{flow="siwe"}')).toBeGreaterThan(0);
    expect(parsed.get('proofgate_probe_last_run_timestamp_seconds')).toBeGreaterThan(0);
    const promtool = findPromtool();
    if (promtool) {
      const lint = spawnSync(promtool, ['check', 'metrics'], {
        input: run.metrics,
        encoding: 'utf8',
      });
      expect({ status: lint.status, output: lint.stdout + lint.stderr }).toEqual({
        status: 0,
        output: '',
      });
    }

    // The service counted the probe's proofs like any other: the SLO series see it.
    const service = (await t.http().get('/metrics').expect(200)).text;
    expect(service).toMatch(
      /proofgate_challenge_verifications_total\{model="pkce",outcome="success"\} [1-9]/,
    );
    expect(service).toMatch(
      /proofgate_challenge_verifications_total\{model="siwe",outcome="success"\} [1-9]/,
    );
  }, 90_000);

  it('exits 1 naming the failed step, with success 0 in its metrics', async () => {
    const run = await probe([...pkceArgs, '--flows', 'pkce'], {
      PROBE_PASSWORD: 'not-the-password',
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/^pkce login 401 \d+ms FAILED invalid_credentials$/m);
    expect(run.output).toMatch(/^pkce FAILED in /m);
    expect(run.output).not.toContain('not-the-password');
    const parsed = samples(run.metrics);
    expect(parsed.get('proofgate_probe_success{flow="pkce"}')).toBe(0);
    expect(parsed.get('proofgate_probe_step_success{flow="pkce",step="login"}')).toBe(0);
    expect(parsed.has('proofgate_probe_step_success{flow="pkce",step="token"}')).toBe(false);
  }, 60_000);

  it('refuses to run without its secrets or a fixed wallet key (exit 2, nothing written)', async () => {
    const run = await probe(pkceArgs, { PROBE_PASSWORD: PASSWORD });
    expect(run.code).toBe(2);
    expect(run.output).toContain('PROBE_SIWE_KEY (0x + 64 hex digits) is required');
    expect(run.metrics).toBe('');
  }, 60_000);

  it('prints its usage for --help and exits 0, running nothing', async () => {
    const run = await probe(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^npm run probe -- --url URL \[options\]\n/);
    expect(run.output).toContain('--flows pkce,siwe');
    // No step ran: no "pkce login 303 12ms ok" line.
    expect(run.output).not.toMatch(/^(pkce|siwe) \w+ \d{3} /m);
    expect(run.metrics).toBe('');
  }, 60_000);
});
