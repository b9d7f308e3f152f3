/**
 * examples/authjs in headless Chromium: an Express app on Auth.js (@auth/express), Proofgate its
 * OpenID Connect provider by discovery. The person goes from the app's Sign in to Proofgate's login
 * page, signs in with a password, a wallet or a passkey, answers the consent screen, and the app
 * shows its session: Proofgate's `sub` (the same for two methods of one account), `auth_method`
 * and `acr`. The authorization requests carry PKCE (S256), `state` and `nonce`.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { privateKeyToAccount } from 'viem/accounts';
import {
  installTestWallet,
  launchBrowser,
  screenshot,
  watchPageProblems,
} from '../../support/browser';
import { exitOf, freePort, printed, runScript, startScript } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';
import {
  addVirtualAuthenticator,
  withoutConditionalMediation,
} from '../../support/virtual-authenticator';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'authjs', 'server.mjs');
const CLIENT = {
  id: 'authjs-example',
  secret: 'authjs-example-secret-0123456789',
  name: 'Auth.js app',
};
/** Anvil's first account: a well-known test key. */
const WALLET = privateKeyToAccount(
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
);

describe('examples/authjs (browser)', () => {
  let t: TestApp;
  let issuer: string;
  let appUrl: string;
  let example: ChildProcess;
  let exampleOutput: { stdout: string; stderr: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let authorizeRequests: URL[];

  beforeAll(async () => {
    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    // localhost: a WebAuthn RP ID, for the passkey.
    ({ t, issuer } = await startListeningApp(
      {
        // Not first-party: the person answers the consent screen, as for any third-party app.
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: CLIENT.id,
            client_secret: CLIENT.secret,
            name: CLIENT.name,
            redirect_uris: [`${appUrl}/auth/callback/proofgate`],
          },
        ]),
      },
      'localhost',
    ));
    const running = startScript(SCRIPT, [], {
      PROOFGATE_URL: issuer,
      AUTHJS_PORT: String(appPort),
      AUTHJS_APP_URL: appUrl,
      AUTH_PROOFGATE_ID: CLIENT.id,
      AUTH_PROOFGATE_SECRET: CLIENT.secret,
      AUTH_SECRET: 'a-test-only-secret-of-the-authjs-example-0123',
    });
    example = running.child;
    exampleOutput = running.output;
    const ready = await printed(example, `Auth.js example on ${appUrl}\n`, 15_000);
    expect({ ...ready, exited: example.exitCode, stderr: exampleOutput.stderr }).toMatchObject({
      printed: true,
      exited: null,
      stderr: '',
    });
    expect((await fetch(`${appUrl}/`)).status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (example?.exitCode === null) {
      example.kill('SIGTERM');
      await exitOf(example);
    }
    await t?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = watchPageProblems(page);
    authorizeRequests = [];
    page.on('request', (request: Request) => {
      const url = new URL(request.url());
      if (url.origin === issuer && url.pathname === '/authorize') authorizeRequests.push(url);
    });
  });
  afterEach(() => context?.close());

  /** From the app's page to Proofgate's login page, through Auth.js's sign-in page. */
  async function toProofgateLogin(): Promise<void> {
    await page.goto(`${appUrl}/`);
    await expect(page.locator('#status').textContent()).resolves.toBe('Signed out.');
    await page.locator('#sign-in').click();
    await page.getByRole('button', { name: 'Sign in with Proofgate' }).click();
    await page.waitForURL((url) => url.origin === issuer && url.pathname === '/login');
  }

  /**
   * Allows the app on Proofgate's consent screen when it is asked (once per account and app), and
   * reads the session the app's page shows.
   */
  async function consentAndReturn(): Promise<Record<string, string | null>> {
    const consent = page.locator('#consent');
    const back = page.waitForURL(`${appUrl}/`);
    if (
      await Promise.race([
        consent.waitFor({ state: 'visible' }).then(() => true),
        back.then(() => false),
      ])
    ) {
      await expect(page.locator('#consent-client').textContent()).resolves.toBe(CLIENT.name);
      await page.locator('button[name="decision"][value="allow"]').click();
    }
    await back;
    await expect(page.locator('#status').textContent()).resolves.toBe('Signed in.');
    return {
      sub: await page.locator('#sub').textContent(),
      authMethod: await page.locator('#auth-method').textContent(),
      acr: await page.locator('#acr').textContent(),
    };
  }

  /**
   * The authorization request Auth.js sent (one `state`; the login page sends it again once signed
   * in): PKCE S256, state and nonce, the OIDC scope.
   */
  function expectChecksSent(): void {
    const states = new Set(authorizeRequests.map((url) => url.searchParams.get('state')));
    expect(states.size).toBe(1);
    const query = authorizeRequests[0].searchParams;
    expect(query.get('client_id')).toBe(CLIENT.id);
    expect(query.get('response_type')).toBe('code');
    expect(query.get('redirect_uri')).toBe(`${appUrl}/auth/callback/proofgate`);
    expect(query.get('scope')).toBe('openid profile');
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toEqual(expect.any(String));
    expect(query.get('nonce')).toEqual(expect.any(String));
  }

  /** Signs in on the login page with a password, and returns the app's session. */
  async function passwordSignIn(username: string, password: string) {
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    return consentAndReturn();
  }

  it('signs in with a password: the session shows sub, auth_method and acr; signing out ends it', async () => {
    await toProofgateLogin();
    await screenshot(page, 'authjs-1-login');
    const session = await passwordSignIn('user1', 'password1');
    await screenshot(page, 'authjs-2-signed-in');
    expect(session).toEqual({
      sub: 'user1',
      authMethod: 'password',
      acr: 'urn:proofgate:acr:1fa',
    });
    expectChecksSent();

    // Auth.js's sign-out page, then the app's page again: no session.
    await page.locator('#sign-out').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${appUrl}/`);
    await expect(page.locator('#status').textContent()).resolves.toBe('Signed out.');
    expect(problems).toEqual([]);
  });

  it('signs in with an Ethereum wallet (Sign-In with Ethereum on the login page)', async () => {
    await installTestWallet(page, WALLET);
    await toProofgateLogin();
    await page.locator('#siwe-login').click();
    const session = await consentAndReturn();
    // A wallet's own account: its `sub` is the CAIP-10 account id of the address it proved.
    expect(session).toEqual({
      sub: `eip155:1:${WALLET.address}`,
      authMethod: 'siwe',
      acr: 'urn:proofgate:acr:1fa',
    });
    expectChecksSent();
    expect(problems).toEqual([]);
  });

  it('signs in with a passkey: the account’s sub, as with its password, and acr phr', async () => {
    await withoutConditionalMediation(page);
    await addVirtualAuthenticator(context, page);
    // user0 signs in to the app with a password, then adds a passkey on Proofgate's account page.
    await toProofgateLogin();
    const byPassword = await passwordSignIn('user0', 'password0');
    await page.goto(`${issuer}/account`);
    const add = page.locator('#add-passkey');
    await add.waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), add.click()]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();

    // Signed out everywhere (the cookies of the app and of Proofgate gone), in again by the passkey.
    await context.clearCookies();
    authorizeRequests = [];
    await toProofgateLogin();
    await page.locator('#passkey-login').click();
    const byPasskey = await consentAndReturn();
    await screenshot(page, 'authjs-3-passkey');
    expect(byPasskey).toEqual({ sub: byPassword.sub, authMethod: 'passkey', acr: 'phr' });
    expectChecksSent();
    expect(problems).toEqual([]);
  });
});

describe('examples/authjs without its settings', () => {
  it('does not start, and says what to set and how to register the client', async () => {
    const run = await runScript(SCRIPT, {
      PROOFGATE_URL: 'http://localhost:25000',
      AUTHJS_PORT: '3999',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Set AUTH_PROOFGATE_ID');
    expect(run.stderr).toContain(
      'npm run admin -- clients add authjs-example --redirect-uri http://localhost:3999/auth/callback/proofgate',
    );
  });
});
