/**
 * examples/spa steps up by itself (RFC 9470): its API answers `401` with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="phr"` to the
 * token of a password sign-in; the page authorizes again with `acr_values=phr`, the user signs in
 * with a passkey (a virtual authenticator in headless Chromium), and the call, retried once with
 * the new tokens, succeeds. The API is /api/me of a second instance on the same database whose
 * ACR_REQUIRED_BY_RESOURCE demands phr of the tokens' audience (as after an operator turned the
 * setting on at the resource): the first instance, the authorization server, demands nothing, so
 * its first tokens are weaker. The issuer is http://localhost (a valid WebAuthn RP ID).
 */
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, CDPSession, Page, Request } from 'playwright-core';
import { launchBrowser, screenshot, until, watchPageProblems } from '../../support/browser';
import { passwordLogin } from '../../support/login-page';
import {
  addVirtualAuthenticator,
  withoutConditionalMediation,
} from '../../support/virtual-authenticator';
import { freePort } from '../../support/processes';
import { startSpaExample, stopSpaExample } from '../../support/spa-example';
import {
  TestApp,
  createTestApp,
  listenOnFreePort,
  startListeningApp,
} from '../../support/test-app';

const CLIENT_ID = 'spa-step-up';

describe('examples/spa steps up on insufficient_user_authentication (browser, passkey)', () => {
  let as: TestApp;
  let api: TestApp;
  let issuer: string;
  let apiUrl: string;
  let spaOrigin: string;
  let spa: ChildProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let problems: string[];
  let authorizeRequests: URL[];

  beforeAll(async () => {
    const spaPort = await freePort();
    spaOrigin = `http://127.0.0.1:${spaPort}`;
    const env = {
      RATE_LIMIT_LOGIN_PER_IP: '100000',
      OAUTH_CLIENTS: JSON.stringify([
        { client_id: CLIENT_ID, redirect_uris: [`${spaOrigin}/callback`], first_party: true },
      ]),
    };
    ({ t: as, issuer } = await startListeningApp(env, 'localhost'));
    // The resource server: another instance of the issuer, which demands acr phr for its API.
    api = await createTestApp({
      ...env,
      ISSUER: issuer,
      ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [as.config.tokens.audience]: 'phr' }),
    });
    apiUrl = `http://127.0.0.1:${await listenOnFreePort(api)}/api/me`;
    spa = await startSpaExample(spaPort, {
      PROOFGATE_URL: issuer,
      SPA_PORT: String(spaPort),
      SPA_CLIENT_ID: CLIENT_ID,
      SPA_API: apiUrl,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopSpaExample(spa);
    await api?.close({ dropDatabase: false });
    await as?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    problems = watchPageProblems(page);
    authorizeRequests = [];
    page.on('request', (request: Request) => {
      const url = new URL(request.url());
      if (url.origin === issuer && url.pathname === '/authorize') authorizeRequests.push(url);
    });
    await withoutConditionalMediation(page);
    ({ cdp, authenticatorId } = await addVirtualAuthenticator(context, page));
  });
  afterEach(() => context?.close());

  /** The `acr_values` of each authorization request the SPA started (one per `state`). */
  function authorizations(): Array<string | null> {
    const byState = new Map<string | null, string | null>();
    for (const url of authorizeRequests) {
      byState.set(url.searchParams.get('state'), url.searchParams.get('acr_values'));
    }
    return [...byState.values()];
  }

  /** `user` signs in with a password, adds a passkey on /account, and signs in on the SPA. */
  async function passwordSessionWithPasskey(user: string, password: string): Promise<void> {
    await passwordLogin(page, issuer, user, password, '/account');
    const add = page.locator('#add-passkey');
    await add.waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), add.click()]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();

    await page.goto(`${spaOrigin}/`);
    const signIn = page.locator('#sign-in');
    await until(() => signIn.isEnabled(), 10_000);
    // First-party and signed in: /authorize answers at once with a code, for a password login.
    await signIn.click();
  }

  it('a password sign-in’s token is refused; the SPA steps up through the passkey and the retried call succeeds', async () => {
    const apiAnswers: Array<{ status: number; challenge: string | null }> = [];
    page.on('response', (response) => {
      if (response.url() === apiUrl && response.request().method() === 'GET') {
        apiAnswers.push({
          status: response.status(),
          challenge: response.headers()['www-authenticate'] ?? null,
        });
      }
    });
    await passwordSessionWithPasskey('user1', 'password1');

    // The API's challenge sends the SPA back to /authorize with acr_values=phr: the login page,
    // recommending the passkey (acr_values is a voluntary claim: the password stays offered).
    await page.waitForURL((url) => url.origin === issuer && url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('acr_preferred')).toBe('phr');
    const button = page.locator('#passkey-login');
    await button.waitFor({ state: 'visible' });
    await page.locator('#step-up-offer').waitFor();
    await expect(page.locator('#password').count()).resolves.toBe(1);
    await screenshot(page, 'spa-step-up-1-passkey');
    await button.click();

    // Back on the SPA (Proofgate's own pages have a #signed-in too): the retried call's answer.
    await page.waitForURL(`${spaOrigin}/`);
    const status = page.locator('#status');
    await until(async () => (await status.textContent())?.startsWith('Signed in') === true, 10_000);
    await screenshot(page, 'spa-step-up-2-signed-in');
    await expect(page.locator('#status').textContent()).resolves.toBe(
      'Signed in, stepped up (acr_values=phr).',
    );
    const me = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
    expect(me).toMatchObject({ sub: 'user1', auth_method: 'passkey', client_id: CLIENT_ID });

    // Two authorization requests of the SPA (two `state`s): the first without acr_values, the
    // step-up with it (which the login page returns to after the passkey); two API calls: the
    // refused one (RFC 9470's challenge) and the one retried with the new token.
    expect(authorizations()).toEqual([null, 'phr']);
    expect(apiAnswers.map((answer) => answer.status)).toEqual([401, 200]);
    expect(apiAnswers[0].challenge).toMatch(/^Bearer .*error="insufficient_user_authentication"/);
    expect(apiAnswers[0].challenge).toContain('acr_values="phr"');
    expect(page.url()).toBe(`${spaOrigin}/`);
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    // The one refusal is the only failed load of the page.
    expect(problems).toEqual([`401 ${apiUrl}`]);
  });

  it('the user cancels the passkey: the login page says so; Cancel and go back: the SPA shows access_denied, asked once (no loop)', async () => {
    await passwordSessionWithPasskey('user0', 'password0');
    await page.waitForURL((url) => url.origin === issuer && url.pathname === '/login');
    // The authenticator refuses (as when the user cancels the prompt): navigator.credentials.get fails.
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    const button = page.locator('#passkey-login');
    await button.waitFor({ state: 'visible' });
    await button.click();
    const refusal = page.locator('#passkey-error');
    await until(async () => ((await refusal.textContent()) ?? '').trim() !== '', 10_000);
    await expect(refusal.textContent()).resolves.toMatch(/passkey/i);
    await screenshot(page, 'spa-step-up-3-cancelled');
    expect(new URL(page.url()).pathname).toBe('/login');
    // No passkey to give: "Cancel and go back" returns the SPA an error, which it shows.
    await Promise.all([
      page.waitForURL((url) => url.origin === spaOrigin),
      page.locator('#cancel-authorization button').click(),
    ]);
    const status = page.locator('#status');
    await until(async () => /refused/.test((await status.textContent()) ?? ''), 10_000);
    await expect(status.textContent()).resolves.toMatch(/^Step-up refused: access_denied/);
    expect(authorizeRequests.map((url) => url.searchParams.get('acr_values'))).toEqual([
      null,
      'phr',
    ]);
  });
});
