/**
 * examples/spa in headless Chromium: the SPA, served by its own script from its own origin (another
 * port than Proofgate's), signs a password user in with authorization code + PKCE through the
 * real login page and consent screen, exchanges the code with fetch to /token across origins
 * (CORS) and shows what /api/me answers for the token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { adminCli } from '../../support/admin-cli';
import { register } from '../../support/registration';
import { launchBrowser, screenshot, until, watchPageProblems } from '../../support/browser';
import { exitOf, freePort } from '../../support/processes';
import { SPA_EXAMPLE_SCRIPT, startSpaExample, stopSpaExample } from '../../support/spa-example';
import { TestApp, startListeningApp } from '../../support/test-app';

const CLIENT = { id: 'spa-example', name: 'SPA example' };

describe('examples/spa (browser)', () => {
  let t: TestApp;
  let issuer: string;
  let spaOrigin: string;
  let spa: ChildProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const spaPort = await freePort();
    spaOrigin = `http://127.0.0.1:${spaPort}`;
    ({ t, issuer } = await startListeningApp({
      // A public client whose redirect URI is on the SPA's origin, so /token answers it (CORS).
      // Not first-party: the user answers the consent screen.
      OAUTH_CLIENTS: JSON.stringify([
        { client_id: CLIENT.id, name: CLIENT.name, redirect_uris: [`${spaOrigin}/callback`] },
      ]),
    }));
    spa = await startSpaExample(spaPort, {
      PROOFGATE_URL: issuer,
      SPA_PORT: String(spaPort),
      SPA_CLIENT_ID: CLIENT.id,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopSpaExample(spa);
    await t?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchPageProblems(page);
  });
  afterEach(() => context?.close());

  it('signs user1 in with code + PKCE, exchanges the code across origins and shows /api/me', async () => {
    const tokenRequest = page.waitForRequest(
      (request) => request.url() === `${issuer}/token` && request.method() === 'POST',
    );

    await page.goto(`${spaOrigin}/`);
    const signIn = page.locator('#sign-in');
    // Enabled once the page has read Proofgate's metadata (RFC 8414), a cross-origin fetch.
    await until(() => signIn.isEnabled(), 10_000);
    await expect(page.locator('#status').textContent()).resolves.toBe('Signed out.');
    await screenshot(page, 'spa-1-start');
    await signIn.click();

    // Proofgate's login page, reached through /authorize.
    await page.waitForURL((url) => url.origin === issuer && url.pathname === '/login');
    await page.locator('#username').fill('user1');
    await page.locator('#password').fill('password1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Its consent screen, naming the client from the registry.
    await page.locator('#consent').waitFor({ state: 'visible' });
    await expect(page.locator('#consent-client').textContent()).resolves.toBe(CLIENT.name);
    await screenshot(page, 'spa-2-consent');
    await page.locator('button[name="decision"][value="allow"]').click();

    // Back on the SPA: the code exchanged, /api/me called, the subject shown.
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await screenshot(page, 'spa-3-signed-in');
    await expect(page.locator('#sub').textContent()).resolves.toBe('user1');
    const me = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
    expect(me).toMatchObject({ sub: 'user1', auth_method: 'password', client_id: CLIENT.id });

    // The exchange was the page's own cross-origin fetch, a public client proving PKCE.
    const exchange: Request = await tokenRequest;
    expect(await exchange.headerValue('origin')).toBe(spaOrigin);
    const form = new URLSearchParams(exchange.postData() ?? '');
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT.id);
    expect(form.get('redirect_uri')).toBe(`${spaOrigin}/callback`);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    const answer = await exchange.response();
    expect(answer?.status()).toBe(200);
    expect(await answer?.headerValue('access-control-allow-origin')).toBe(spaOrigin);

    // The code left the address bar, and the verifier and state left storage.
    expect(page.url()).toBe(`${spaOrigin}/`);
    await expect(page.evaluate('localStorage.length + sessionStorage.length')).resolves.toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('examples/spa off its registered origin', () => {
  let t: TestApp;
  let issuer: string;
  /**
   * A native app that registered itself on 127.0.0.1: any port at /authorize, but its CORS origin
   * is the registered one only (the any-port origins are those of configured clients).
   */
  let nativeApp: string;
  /** A client that registered an https redirect URI only. */
  let webApp: string;
  beforeAll(async () => {
    // No demo data: outside production the seeded clients' loopback origins take any port, and
    // /token's CORS answers origins, not clients.
    ({ t, issuer } = await startListeningApp({ SEED_DEMO_DATA: 'false' }));
    const registered = async (redirectUri: string) =>
      (
        await register(t, {
          client_name: 'Another app',
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'none',
        }).expect(201)
      ).body.client_id as string;
    nativeApp = await registered('http://127.0.0.1:7300/callback');
    webApp = await registered('https://app.example/callback');
  });
  afterAll(() => t?.close());

  /** Runs the example to its end (it should not start serving); what it printed. */
  async function runExample(
    env: Record<string, string>,
  ): Promise<{ code: number | null; err: string }> {
    const child = spawn(process.execPath, [SPA_EXAMPLE_SCRIPT], {
      env: { PATH: process.env.PATH, PROOFGATE_URL: issuer, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exitOf(child);
    clearTimeout(timer);
    return { code, err };
  }

  it('refuses to start as a client whose origin /token would refuse, printing the OAUTH_CLIENTS line to use', async () => {
    const port = await freePort();
    const { code, err } = await runExample({ SPA_PORT: String(port), SPA_CLIENT_ID: nativeApp });
    expect(code).toBe(1);
    // demo-spa's loopback redirect passes on any port; the browser's /token call would not (CORS).
    expect(err).toContain(`no client has a redirect URI on http://127.0.0.1:${port}`);
    expect(err).toContain(
      `OAUTH_CLIENTS='[{"client_id":"my-spa","redirect_uris":["http://127.0.0.1:${port}/callback"],"first_party":true}]'`,
    );
    expect(err).toContain(`SPA_CLIENT_ID=my-spa SPA_PORT=${port}`);
  });

  it('also prints the proofgate-admin command that registers it without a restart, which works as printed', async () => {
    const port = await freePort();
    const { code, err } = await runExample({ SPA_PORT: String(port), SPA_CLIENT_ID: nativeApp });
    expect(code).toBe(1);
    const command = /^ {2}proofgate-admin (clients add .*)$/m.exec(err)?.[1];
    expect(command).toBe(
      `clients add my-spa --redirect-uri http://127.0.0.1:${port}/callback --public --first-party`,
    );
    expect(err).toContain(`and start this example with SPA_CLIENT_ID=my-spa SPA_PORT=${port}.`);

    const added = await adminCli(t, command!.split(' '));
    expect(added).toMatchObject({ code: 0, stderr: '' });
    // The instance learns of the new client and its origin within CLIENT_CACHE_TTL_SECONDS (its
    // refusal of the origin above was cached), without a restart.
    t.clock.advance(t.config.clientAuth.registryCacheTtlSeconds + 1);
    const spa = await startSpaExample(port, {
      PROOFGATE_URL: issuer,
      SPA_PORT: String(port),
      SPA_CLIENT_ID: 'my-spa',
    });
    await stopSpaExample(spa);
  });

  it('names a client that lacks the redirect URI', async () => {
    const { code, err } = await runExample({
      SPA_PORT: String(await freePort()),
      SPA_CLIENT_ID: webApp,
    });
    expect(code).toBe(1);
    expect(err).toMatch(
      new RegExp(`${webApp} has no redirect URI http://127\\.0\\.0\\.1:\\d+/callback`),
    );
  });
});

describe('examples/spa as the seeded demo-spa on another port', () => {
  let issuer: string;
  let t: TestApp;
  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp());
  });
  afterAll(() => t?.close());

  it('serves as demo-spa on any port outside production (--port N)', async () => {
    const port = await freePort();
    const spa = await startSpaExample(port, { PROOFGATE_URL: issuer }, ['--port', String(port)]);
    try {
      const config = (await (await fetch(`http://127.0.0.1:${port}/config.json`)).json()) as {
        client_id: string;
        redirect_uri: string;
      };
      expect(config).toMatchObject({
        client_id: 'demo-spa',
        redirect_uri: `http://127.0.0.1:${port}/callback`,
      });
    } finally {
      await stopSpaExample(spa);
    }
  });
});
