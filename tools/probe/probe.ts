/**
 * The synthetic login: one full PKCE login (login form, /authorize, /token, /api/me, /revoke)
 * and one full SIWE login (/wallet/nonce, signature, /wallet/verify, /api/me, /revoke) against a
 * running deployment, step by step, with what each step answered. Secrets (the password, the
 * client secret, the wallet key, codes, verifiers, tokens, signatures) never reach the report:
 * a step says its status and, on a refusal, only the RFC `error` code.
 */
import { Gauge, Registry } from 'prom-client';
import { privateKeyToAccount } from 'viem/accounts';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { HttpClient } from '../../src/lab-client/http';

export type Flow = 'pkce' | 'siwe';
export const FLOWS: readonly Flow[] = ['pkce', 'siwe'];

export interface ProbeSettings {
  readonly url: string;
  readonly flows: readonly Flow[];
  /** The probe's own client: first-party (no consent screen), with a registered redirect URI. */
  readonly clientId: string;
  readonly redirectUri: string;
  readonly clientSecret?: string;
  readonly username: string;
  readonly password?: string;
  /** The probe's own wallet key (0x + 64 hex): its own account, its own per-address budget. */
  readonly siweKey?: `0x${string}`;
  readonly chainId: number;
  readonly timeoutMs: number;
}

export interface StepResult {
  readonly flow: Flow;
  readonly step: string;
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
}

export interface FlowResult {
  readonly flow: Flow;
  readonly ok: boolean;
  readonly seconds: number;
  readonly steps: readonly StepResult[];
}

class StepFailed extends Error {}

/** The RFC error code of an answer, if it is the `{error, error_description}` envelope. */
function errorCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' && /^[a-z_]{1,64}$/.test(body.error)
      ? body.error
      : undefined;
  } catch {
    return undefined;
  }
}

class FlowRun {
  readonly steps: StepResult[] = [];
  constructor(readonly flow: Flow) {}

  /** Runs a step; `check` answers whether its answer is the expected one. */
  async step<T extends { status: number; text: string }>(
    name: string,
    run: () => Promise<T>,
    expected: number,
  ): Promise<T> {
    const started = performance.now();
    let answer: T;
    try {
      answer = await run();
    } catch (error) {
      const reason = error instanceof StepFailed ? error.message : (error as Error).name;
      this.steps.push({
        flow: this.flow,
        step: name,
        ok: false,
        error: reason,
        ms: elapsed(started),
      });
      throw new StepFailed(reason);
    }
    const ok = answer.status === expected;
    this.steps.push({
      flow: this.flow,
      step: name,
      ok,
      status: answer.status,
      ...(ok ? {} : { error: errorCode(answer.text) ?? 'unexpected_status' }),
      ms: elapsed(started),
    });
    if (!ok) throw new StepFailed(name);
    return answer;
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

async function pkceLogin(settings: ProbeSettings, run: FlowRun): Promise<void> {
  if (!settings.password) throw new StepFailed('no_password');
  const browser = new HttpClient(settings.url, undefined, settings.timeoutMs);
  const client = { id: settings.clientId, redirectUri: settings.redirectUri };
  const { query, state, verifier } = authorizationRequest(client, 'openid profile');
  const authorize = `/authorize?${query}`;

  const page = await run.step(
    'login_page',
    () => browser.get(`/login?return_to=${encodeURIComponent(authorize)}`),
    200,
  );
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new StepFailed('no_csrf_token');
  await run.step(
    'login',
    () =>
      browser.post('/login', {
        form: {
          username: settings.username,
          password: settings.password ?? '',
          csrf_token: csrf,
          return_to: authorize,
        },
      }),
    303,
  );
  const redirect = await run.step('authorize', () => browser.get(authorize), 302);
  const callback = new URL(redirect.location ?? '', settings.url);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new StepFailed('no_code');
  // RFC 9207: the issuer identifies the server that answered.
  if (callback.searchParams.get('iss') === null) throw new StepFailed('no_iss');

  const clientAuth: Record<string, string> = settings.clientSecret
    ? {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64')}`,
      }
    : {};
  const clientForm: Record<string, string> = settings.clientSecret
    ? {}
    : { client_id: settings.clientId };
  const token = await run.step(
    'token',
    () =>
      browser.post('/token', {
        headers: clientAuth,
        form: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: settings.redirectUri,
          code_verifier: verifier,
          ...clientForm,
        },
      }),
    200,
  );
  await useThenRevoke(browser, run, token.text, { headers: clientAuth, form: clientForm });
}

async function siweLogin(settings: ProbeSettings, run: FlowRun): Promise<void> {
  if (!settings.siweKey) throw new StepFailed('no_siwe_key');
  const browser = new HttpClient(settings.url, undefined, settings.timeoutMs);
  const account = privateKeyToAccount(settings.siweKey);
  const nonce = await run.step(
    'nonce',
    () =>
      browser.post('/wallet/nonce', {
        json: { address: account.address, chainId: settings.chainId },
      }),
    201,
  );
  const { message } = json<{ message: string }>(nonce.text);
  const signature = await account.signMessage({ message });
  const verified = await run.step(
    'verify',
    () => browser.post('/wallet/verify', { json: { message, signature } }),
    200,
  );
  await useThenRevoke(browser, run, verified.text, { form: { client_id: 'wallet' } });
}

/**
 * The tokens of a login put to use (/api/me) and their grant revoked (RFC 7009) by the client
 * they were issued to (`client`: its authentication, header or form), so that a probe every
 * minute leaves no live sessions behind.
 */
async function useThenRevoke(
  browser: HttpClient,
  run: FlowRun,
  tokenResponse: string,
  client: { headers?: Record<string, string>; form: Record<string, string> },
): Promise<void> {
  const tokens = json<{ access_token: string; refresh_token?: string }>(tokenResponse);
  await run.step(
    'api_me',
    () => browser.get('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    200,
  );
  if (!tokens.refresh_token) return;
  const form = { token: tokens.refresh_token, token_type_hint: 'refresh_token', ...client.form };
  await run.step('revoke', () => browser.post('/revoke', { headers: client.headers, form }), 200);
}

const FLOW_RUNNERS: Record<Flow, (settings: ProbeSettings, run: FlowRun) => Promise<void>> = {
  pkce: pkceLogin,
  siwe: siweLogin,
};

/** Runs every selected flow, one after the other; never throws for a failed step. */
export async function runProbe(settings: ProbeSettings): Promise<FlowResult[]> {
  const results: FlowResult[] = [];
  for (const flow of settings.flows) {
    const run = new FlowRun(flow);
    const started = performance.now();
    let ok = true;
    try {
      await FLOW_RUNNERS[flow](settings, run);
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      ok = false;
      if (run.steps.every((step) => step.ok)) {
        // A failure between steps (no code in the redirect, no CSRF token on the page).
        run.steps.push({ flow, step: 'check', ok: false, error: error.message, ms: 0 });
      }
    }
    results.push({ flow, ok, seconds: (performance.now() - started) / 1000, steps: run.steps });
  }
  return results;
}

/** One line per step: `pkce token 200 41ms ok`, or `... FAILED invalid_grant`. */
export function reportLines(results: readonly FlowResult[]): string[] {
  return results.flatMap((result) => [
    ...result.steps.map(
      (s) =>
        `${s.flow} ${s.step} ${s.status ?? '-'} ${s.ms}ms ${s.ok ? 'ok' : `FAILED ${s.error ?? ''}`.trim()}`,
    ),
    `${result.flow} ${result.ok ? 'passed' : 'FAILED'} in ${result.seconds.toFixed(3)}s`,
  ]);
}

/** The run as Prometheus text (node_exporter's textfile collector, or any scraper). */
export async function probeMetrics(results: readonly FlowResult[], now: Date): Promise<string> {
  const registry = new Registry();
  const success = new Gauge({
    name: 'proofgate_probe_success',
    help: '1 when the last synthetic login of the flow completed, else 0',
    labelNames: ['flow'] as const,
    registers: [registry],
  });
  const duration = new Gauge({
    name: 'proofgate_probe_duration_seconds',
    help: 'How long the last synthetic login of the flow took',
    labelNames: ['flow'] as const,
    registers: [registry],
  });
  const steps = new Gauge({
    name: 'proofgate_probe_step_success',
    help: 'Whether each step of the last synthetic login succeeded (absent: not reached)',
    labelNames: ['flow', 'step'] as const,
    registers: [registry],
  });
  const lastRun = new Gauge({
    name: 'proofgate_probe_last_run_timestamp_seconds',
    help: 'When the probe last ran (Unix seconds)',
    registers: [registry],
  });
  for (const result of results) {
    success.set({ flow: result.flow }, result.ok ? 1 : 0);
    duration.set({ flow: result.flow }, result.seconds);
    for (const step of result.steps)
      steps.set({ flow: result.flow, step: step.step }, step.ok ? 1 : 0);
  }
  lastRun.set(now.getTime() / 1000);
  return registry.metrics();
}
