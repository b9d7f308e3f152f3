/**
 * The demo client (`npm run demo:client`) steps up by itself (RFC 9470): the API it calls
 * (DEMO_CLIENT_API) answers `401 insufficient_user_authentication, acr_values="phr"` to a password
 * sign-in's token; the client sends the browser to /authorize again with `acr_values=phr`, the
 * user signs in with a passkey (a virtual authenticator in headless Chromium), and the retried
 * call succeeds. The API is /api/me of a second instance on the same database whose
 * ACR_REQUIRED_BY_RESOURCE demands phr (the first, the authorization server, demands nothing).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type DemoClient, startDemoClient } from '../../../tools/demo-client/server';
import { launchBrowser, screenshot } from '../../support/browser';
import { passwordLogin } from '../../support/login-page';
import {
  addVirtualAuthenticator,
  withoutConditionalMediation,
} from '../../support/virtual-authenticator';
import {
  TestApp,
  createTestApp,
  listenOnFreePort,
  startListeningApp,
} from '../../support/test-app';

const DEMO_PORT = 25001;

describe('demo client steps up on insufficient_user_authentication (browser, passkey)', () => {
  let as: TestApp;
  let api: TestApp;
  let issuer: string;
  let apiUrl: string;
  let demo: DemoClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let resourceCalls: string[];

  beforeAll(async () => {
    const env = { RATE_LIMIT_LOGIN_PER_IP: '100000' };
    ({ t: as, issuer } = await startListeningApp(env, 'localhost'));
    // The resource server: another instance of the issuer, which demands acr phr for its API.
    api = await createTestApp({
      ...env,
      ISSUER: issuer,
      ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [as.config.tokens.audience]: 'phr' }),
    });
    apiUrl = `http://127.0.0.1:${await listenOnFreePort(api)}/api/me`;
    demo = await startDemoClient({
      port: DEMO_PORT,
      authorizationServer: issuer,
      api: apiUrl,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url === apiUrl) resourceCalls.push(url);
        return fetch(input, init);
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await api?.close({ dropDatabase: false });
    await as?.close();
  });

  beforeEach(async () => {
    resourceCalls = [];
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await withoutConditionalMediation(page);
    await addVirtualAuthenticator(context, page);
  });
  afterEach(() => context?.close());

  it('a password sign-in’s token is refused; the client steps up through the passkey and the retried call succeeds', async () => {
    await passwordLogin(page, issuer, 'user0', 'password0', '/account');
    const add = page.locator('#add-passkey');
    await add.waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), add.click()]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();

    await page.goto(demo.url);
    await page.getByRole('link', { name: 'Start authorization' }).click();
    // The password session's code is redeemed, the API refuses its token, and the client sends
    // the browser back to /authorize with acr_values=phr: the login page, offering the passkey
    // (acr_values is a voluntary claim: the other ways stay offered beside it).
    await page.waitForURL((url) => url.origin === issuer && url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('acr_preferred')).toBe('phr');
    await page.locator('#step-up-offer').waitFor();
    expect(resourceCalls).toHaveLength(1);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${demo.url}/callback`)),
      page.locator('#passkey-login').click(),
    ]);
    await screenshot(page, 'demo-client-step-up');
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in, stepped up');
    const me = JSON.parse((await page.locator('#api-me').textContent()) ?? '') as unknown;
    expect(me).toMatchObject({
      status: 200,
      body: { sub: 'user0', auth_method: 'passkey', client_id: 'demo-client' },
    });
    expect(resourceCalls).toHaveLength(2);
  });
});
