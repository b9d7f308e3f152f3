/**
 * examples/oidc-client.mjs, run as users run it (its own process) against the service on a real
 * port: openid-client discovers Proofgate, the example prints its authorization URL (its redirect
 * URI on 127.0.0.1, a free port: the seeded demo-client takes any, RFC 8252 §7.3), a browser signs
 * user0 in through the real login form and is sent back to the example, which exchanges the code,
 * checks the ID token, calls /userinfo and prints both. Without a server it says in one line how
 * to start one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CookieBrowser, passwordSignIn } from '../../support/cookie-browser';
import { exitOf, freePort, waitFor } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'oidc-client.mjs');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Its exit code, once its output is read to the end. */
  closed: Promise<number | null>;
}

function runExample(issuer: string, args: string[] = []): Running {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { PATH: process.env.PATH, PROOFGATE_URL: issuer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, closed };
}

/** user0's browser from the authorization URL to the example's callback: where it landed. */
async function signIn(authorizationUrl: string, issuer: string): Promise<URL> {
  const browser = new CookieBrowser();
  const first = await browser.get(authorizationUrl);
  expect(first.status).toBe(302);
  const loginUrl = new URL(first.headers.get('location')!, issuer);
  const next = await passwordSignIn(browser, issuer, {
    returnTo: loginUrl.searchParams.get('return_to')!,
    username: 'user0',
    password: 'password0',
  });
  // demo-client is first-party: no consent step, /authorize redirects with the code at once.
  const back = await browser.get(new URL(next, issuer).href);
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get('location')!);
  const landed = await browser.get(callback.href);
  expect({ status: landed.status, text: await landed.text() }).toEqual({
    status: 200,
    text: 'Signed in as user0.\n',
  });
  return callback;
}

describe('examples/oidc-client.mjs (openid-client)', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp());
  });
  afterAll(() => t?.close());

  it('signs user0 in as demo-client on a free 127.0.0.1 port and prints the ID token claims and /userinfo', async () => {
    const run = runExample(issuer);
    try {
      const url = await waitFor(
        () => Promise.resolve(/^(http:\/\/\S+\/authorize\?\S+)$/m.exec(run.stdout())?.[1]),
        (found) => found !== undefined || run.child.exitCode !== null,
        15_000,
      );
      expect({ url, stderr: run.stderr() }).toEqual({ url: expect.any(String), stderr: '' });
      const asked = new URL(url!);
      expect(Object.fromEntries(asked.searchParams)).toMatchObject({
        client_id: 'demo-client',
        response_type: 'code',
        scope: 'openid profile',
        code_challenge_method: 'S256',
        redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/),
      });

      const callback = await signIn(url!, issuer);
      expect(`${callback.origin}${callback.pathname}`).toBe(asked.searchParams.get('redirect_uri'));

      expect(await run.closed).toBe(0);
      const printed = JSON.parse(run.stdout().slice(run.stdout().indexOf('{'))) as {
        id_token_claims: Record<string, unknown>;
        userinfo: Record<string, unknown>;
      };
      expect(printed.id_token_claims).toMatchObject({
        iss: issuer,
        aud: 'demo-client',
        sub: 'user0',
        amr: ['pwd'],
      });
      expect(printed.userinfo).toMatchObject({ sub: 'user0', preferred_username: 'user0' });
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGTERM');
    }
  });

  it('takes its redirect URI on the port --port names', async () => {
    const port = await freePort();
    const run = runExample(issuer, ['--port', String(port)]);
    try {
      const url = await waitFor(
        () => Promise.resolve(/^(http:\/\/\S+\/authorize\?\S+)$/m.exec(run.stdout())?.[1]),
        (found) => found !== undefined || run.child.exitCode !== null,
        15_000,
      );
      expect(new URL(url!).searchParams.get('redirect_uri')).toBe(
        `http://127.0.0.1:${port}/callback`,
      );
    } finally {
      run.child.kill('SIGTERM');
      await exitOf(run.child);
    }
  });

  it('without a server says in one line how to start one, no stack trace', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = runExample(closed);
    expect(await run.closed).toBe(1);
    expect({ stdout: run.stdout(), stderr: run.stderr() }).toEqual({
      stdout: '',
      stderr: `No OpenID Provider answers at ${closed}/ (ECONNREFUSED): start one with \`npm start\`, or set PROOFGATE_URL.\n`,
    });
  });
});
