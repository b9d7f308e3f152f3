/**
 * The demo OAuth client (`npm run demo:client`) in headless Chromium against an in-process
 * Proofgate: the full authorization code + PKCE flow through the real /login form, refresh
 * rotation, the redacted session page, the three negative tests of the home page, and callbacks
 * the client must refuse without a token exchange. The client listens on 25001 (demo-client's
 * registered redirect URI); Proofgate on a free port; browser and issuer both use `localhost`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type DemoClient, startDemoClient } from '../../../tools/demo-client/server';
import { launchBrowser, screenshot, watchPageProblems } from '../../support/browser';
import { exitOf, freePort, printed } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const DEMO_PORT = 25001;

interface ProofgateRequest {
  url: string;
  form: URLSearchParams;
}

const fingerprint = (secret: string) =>
  `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;

describe('demo OAuth client (browser)', () => {
  let t: TestApp;
  let issuer: string;
  let demo: DemoClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  /** Every request the demo client sends to Proofgate, with its form body. */
  let sent: ProofgateRequest[];
  const tokenRequests = () => sent.filter((r) => r.url === `${issuer}/token`);

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({ RATE_LIMIT_LOGIN_PER_IP: '100000' }, 'localhost'));
    demo = await startDemoClient({
      port: DEMO_PORT,
      authorizationServer: issuer,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        const body = init?.body;
        sent.push({
          url,
          form: new URLSearchParams(
            typeof body === 'string' ? body : (body as URLSearchParams | undefined),
          ),
        });
        return fetch(input, init);
      },
    }).catch((error: Error) => {
      throw new Error(`The demo client must listen on ${DEMO_PORT}: ${error.message}`);
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await t?.close();
  });

  beforeEach(async () => {
    sent = [];
    context = await browser.newContext();
    page = await context.newPage();
    // CSP violations (an inline script or style, a foreign stylesheet) appear as console errors;
    // error pages answer 400, so failed loads are judged per subresource instead.
    problems = watchPageProblems(
      page,
      (response) =>
        response.request().resourceType() !== 'document' &&
        new URL(response.url()).pathname !== '/favicon.ico',
    );
  });
  afterEach(() => context?.close());

  const cell = (p: Page, name: string) =>
    p
      .locator('tr', { has: p.locator(`th:text-is("${name}")`) })
      .locator('td')
      .textContent();

  async function logIn(p: Page): Promise<void> {
    await p.locator('#username').fill('user0');
    await p.locator('#password').fill('password0');
    await Promise.all([
      p.waitForURL((url) => url.origin === demo.url && url.pathname === '/callback'),
      p.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
  }

  /**
   * Logs user0 in at Proofgate, then runs one authorization request of the demo client with
   * redirects not followed, so the callback URL (with a fresh code) is not delivered yet.
   * (Playwright cannot intercept a navigation that arrives by redirect.)
   */
  async function heldCallback(): Promise<URL> {
    await page.goto(`${issuer}/login`);
    await page.locator('#username').fill('user0');
    await page.locator('#password').fill('password0');
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login'),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    const start = await page.request.get(`${demo.url}/login`, { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const authorize = await page.request.get(start.headers().location, { maxRedirects: 0 });
    expect(authorize.status()).toBe(302);
    const callback = new URL(authorize.headers().location);
    expect(`${callback.origin}${callback.pathname}`).toBe('http://localhost:25001/callback');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    return callback;
  }

  it('signs user0 in with PKCE, shows the tokens and /api/me, refreshes, and redacts its session', async () => {
    await page.goto(demo.url);
    await screenshot(page, 'demo-client-home');
    await page.getByRole('link', { name: 'Start authorization' }).click();
    await page.waitForURL(`${issuer}/login?**`);
    const authorize = new URL(new URL(page.url()).searchParams.get('return_to')!, issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'demo-client',
      redirect_uri: 'http://localhost:25001/callback',
      scope: 'profile api',
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });

    // The session while the request is pending, seen from another tab of the same browser.
    const debugTab = await context.newPage();
    await debugTab.goto(`${demo.url}/debug/state`);
    const pendingText = (await debugTab.locator('#session').textContent())!;
    const pending = JSON.parse(pendingText).pending_authorization;
    expect(pending).toMatchObject({
      kind: 'authorize',
      code_verifier: expect.stringMatching(/^sha256:[0-9a-f]{8}$/),
      state: fingerprint(authorize.searchParams.get('state')!),
      code_challenge: authorize.searchParams.get('code_challenge'),
    });
    await screenshot(debugTab, 'demo-client-debug-pending');
    await debugTab.close();

    await logIn(page);
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in');
    const callbackUrl = new URL(page.url());
    expect(callbackUrl.searchParams.get('iss')).toBe(issuer);

    // The code was redeemed server to server, with the verifier the URL never carried.
    expect(tokenRequests()).toHaveLength(1);
    const redemption = tokenRequests()[0].form;
    expect(redemption.get('grant_type')).toBe('authorization_code');
    expect(redemption.get('code')).toBe(callbackUrl.searchParams.get('code'));
    const verifier = redemption.get('code_verifier')!;
    expect(verifier).toMatch(/^[\w-]{43}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorize.searchParams.get('code_challenge'),
    );
    expect(page.url()).not.toContain(verifier);
    expect(pendingText).not.toContain(verifier);
    expect(pending.code_verifier).toBe(fingerprint(verifier));

    await expect(cell(page, 'code (already redeemed, single use)')).resolves.toBe(
      callbackUrl.searchParams.get('code'),
    );
    await expect(cell(page, 'scope')).resolves.toBe('profile api');
    await expect(cell(page, 'expires_in')).resolves.toBe('900');
    const accessToken = (await cell(page, 'access_token'))!;
    const refreshToken = (await cell(page, 'refresh_token'))!;
    expect(accessToken.split('.')).toHaveLength(3);
    const me = JSON.parse((await page.locator('#api-me').textContent())!);
    expect(me).toMatchObject({
      status: 200,
      body: {
        sub: 'user0',
        auth_method: 'password',
        client_id: 'demo-client',
        scope: 'profile api',
      },
    });
    // The token on the page is the one Proofgate issued for user0.
    const direct = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    await expect(direct.json()).resolves.toMatchObject({ sub: 'user0' });
    await screenshot(page, 'demo-client-callback');

    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    await page.waitForURL(`${demo.url}/refresh`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Tokens refreshed');
    expect(tokenRequests()).toHaveLength(2);
    expect(Object.fromEntries(tokenRequests()[1].form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    const newAccessToken = (await cell(page, 'access_token'))!;
    const newRefreshToken = (await cell(page, 'refresh_token'))!;
    expect(newAccessToken).not.toBe(accessToken);
    expect(newRefreshToken).not.toBe(refreshToken);
    await expect(cell(page, 'previous refresh_token (now spent)')).resolves.toBe(refreshToken);
    expect(JSON.parse((await page.locator('#api-me').textContent())!).body.sub).toBe('user0');
    await screenshot(page, 'demo-client-refreshed');

    await page.goto(`${demo.url}/debug/state`);
    const debugText = (await page.locator('#session').textContent())!;
    for (const secret of [verifier, accessToken, refreshToken, newAccessToken, newRefreshToken]) {
      expect(debugText).not.toContain(secret);
    }
    const state = JSON.parse(debugText);
    expect(state.pending_authorization).toBeUndefined();
    expect(state.tokens).toMatchObject({
      access_token: fingerprint(newAccessToken),
      refresh_token: fingerprint(newRefreshToken),
      scope: 'profile api',
    });
    expect(state.last_code).toBe(fingerprint(callbackUrl.searchParams.get('code')!));
    await screenshot(page, 'demo-client-debug-state');
    expect(problems).toEqual([]);
  });

  it.each([
    ['missing state', 'missing-state', 'state is required'],
    ['missing PKCE', 'missing-pkce', 'code_challenge is required (PKCE)'],
    ['plain method', 'plain-method', 'code_challenge_method "plain" is not supported; use S256'],
  ])('negative test "%s" ends in invalid_request', async (link, name, description) => {
    await page.goto(demo.url);
    await Promise.all([
      page.waitForURL((url) => url.origin === demo.url && url.pathname === '/callback'),
      page.getByRole('link', { name: link }).click(),
    ]);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Authorization refused by Proofgate',
    );
    await expect(cell(page, 'error')).resolves.toBe('invalid_request');
    await expect(cell(page, 'error_description')).resolves.toBe(description);
    await expect(cell(page, 'iss')).resolves.toBe(issuer);
    expect(tokenRequests()).toEqual([]);
    await screenshot(page, `demo-client-negative-${name}`);
    expect(problems).toEqual([]);
  });

  it('refuses a callback with a wrong state without exchanging the code', async () => {
    const callback = await heldCallback();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    await page.goto(forged.href);
    await expect(page.locator('h1').textContent()).resolves.toBe('Callback refused');
    await expect(page.locator('p.error').textContent()).resolves.toBe(
      'state does not match the one this session sent. No code exchange was attempted.',
    );
    await screenshot(page, 'demo-client-wrong-state');
    expect(tokenRequests()).toEqual([]);

    // The code was not spent: the genuine callback still redeems it.
    await page.goto(callback.href);
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in');
    expect(tokenRequests()).toHaveLength(1);

    // A callback in a browser session that started nothing is refused too.
    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    await strangerPage.goto(callback.href);
    await expect(strangerPage.locator('p.error').textContent()).resolves.toBe(
      'No authorization request is in progress in this browser session. No code exchange was attempted.',
    );
    await stranger.close();
    expect(tokenRequests()).toHaveLength(1);

    // Refresh needs this session's CSRF token.
    const refused = await page.request.post(`${demo.url}/refresh`, {
      form: { csrf_token: 'not-the-token' },
    });
    expect(refused.status()).toBe(403);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('shows a token endpoint error as error and error_description', async () => {
    const callback = await heldCallback();
    t.clock.advance(120); // past AUTH_CODE_TTL_SECONDS (60)
    await page.goto(callback.href);
    await expect(page.locator('h1').textContent()).resolves.toBe('Token endpoint error');
    await expect(cell(page, 'error')).resolves.toBe('invalid_grant');
    await expect(cell(page, 'error_description')).resolves.toBe('Authorization code expired');
    expect(tokenRequests()).toHaveLength(1);
    await screenshot(page, 'demo-client-token-error');
  });
});

describe('npm run demo:client off demo-client’s port', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let issuer: string;
  let registeredPort: number;
  const SECRET = 'a-secret-for-the-demo-client-on-another-port';
  const WEB_REDIRECT = 'https://web.example/callback';

  beforeAll(async () => {
    registeredPort = await freePort();
    ({ t, issuer } = await startListeningApp(
      {
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: 'my-demo-client',
            client_secret: SECRET,
            redirect_uris: [`http://localhost:${registeredPort}/callback`],
            first_party: true,
          },
          // A web client: its redirect URI fixed, port and all (RFC 9700 §4.1.3).
          { client_id: 'web-client', client_secret: SECRET, redirect_uris: [WEB_REDIRECT] },
        ]),
      },
      'localhost',
    ));
  });
  afterAll(() => t.close());

  function demoClient(env: Record<string, string>): ChildProcess {
    return spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'tools', 'demo-client', 'main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: 'tsconfig.jest.json',
          PROOFGATE_URL: issuer,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }

  it('serves as demo-client on any other port, at http://127.0.0.1:N (RFC 8252 §7.3), with --port', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(ROOT, 'tools', 'demo-client', 'main.ts'),
        '--port',
        String(port),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.jest.json', PROOFGATE_URL: issuer },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const site = `http://127.0.0.1:${port}`;
      const ready = await printed(child, `Demo client on ${site} `, 30_000);
      expect({ ...ready, exited: child.exitCode }).toMatchObject({ printed: true, exited: null });
      // Its authorization request names the redirect URI on that port, and Proofgate takes it.
      const start = await fetch(`${site}/login`, { redirect: 'manual' });
      const authorize = new URL(start.headers.get('location')!);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${site}/callback`);
      expect((await fetch(authorize, { redirect: 'manual' })).status).toBe(302);
    } finally {
      child.kill('SIGINT');
      await exitOf(child);
    }
  });

  it('refuses to start as a client without that redirect URI, printing the OAUTH_CLIENTS line and the variables to use', async () => {
    const port = await freePort();
    const child = demoClient({ DEMO_CLIENT_PORT: String(port), DEMO_CLIENT_ID: 'web-client' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(err).toContain(`web-client has no redirect URI http://localhost:${port}/callback`);
    const line = /OAUTH_CLIENTS='([^']+)'/.exec(err)?.[1];
    expect(JSON.parse(line ?? '[]')).toEqual([
      {
        client_id: 'my-demo-client',
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as string,
        redirect_uris: [`http://localhost:${port}/callback`],
        first_party: true,
      },
    ]);
    expect(err).toMatch(
      new RegExp(
        `DEMO_CLIENT_ID=my-demo-client DEMO_CLIENT_SECRET=[A-Za-z0-9_-]{32} DEMO_CLIENT_PORT=${port}`,
      ),
    );
  });

  it('also prints the proofgate-admin command that registers it without a restart, which works as printed', async () => {
    const port = await freePort();
    const child = demoClient({ DEMO_CLIENT_PORT: String(port), DEMO_CLIENT_ID: 'web-client' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    const command = /^ {2}proofgate-admin (clients add .*)$/m.exec(err)?.[1];
    expect(command).toBe(
      `clients add my-demo-client --redirect-uri http://localhost:${port}/callback --first-party`,
    );
    expect(err).toContain(
      `and start this client with DEMO_CLIENT_ID=my-demo-client DEMO_CLIENT_SECRET=<that secret> DEMO_CLIENT_PORT=${port}.`,
    );
  });

  it('starts as the client those variables name, and its page names that client', async () => {
    const child = demoClient({
      DEMO_CLIENT_PORT: String(registeredPort),
      DEMO_CLIENT_ID: 'my-demo-client',
      DEMO_CLIENT_SECRET: SECRET,
    });
    try {
      const ready = await printed(
        child,
        `Demo client on http://localhost:${registeredPort} `,
        30_000,
      );
      expect({ ...ready, exited: child.exitCode }).toMatchObject({ printed: true, exited: null });
      const res = await fetch(`http://localhost:${registeredPort}/`);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('A confidential OAuth client (<code>my-demo-client</code>)');
      expect(page).not.toContain('<code>demo-client</code>');
    } finally {
      child.kill('SIGINT');
      await exitOf(child);
    }
  });
});
