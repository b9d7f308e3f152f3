/**
 * "Sign in with Ethereum" on the login page, in headless Chromium with an injected EIP-1193
 * wallet (a viem local account): a pending /authorize request of the public client demo-spa is
 * completed by clicking the button, and the code, exchanged with the PKCE verifier, gives tokens
 * for the wallet's CAIP-10 account. The app listens on a real port; the issuer, the SIWE domain
 * and the browser all use 127.0.0.1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { installTestWallet, launchBrowser, screenshot } from '../../support/browser';
import { DEMO_SPA, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import { freePort } from '../../support/processes';
import { TestApp, createTestApp } from '../../support/test-app';
import { ipIssuer } from '../../support/ip-issuer';

const CALLBACK_PAGE = '<!DOCTYPE html><title>demo-spa</title><h1>demo-spa callback</h1>';

describe('Sign in with Ethereum on the login page (browser)', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ ...ipIssuer(issuer), RATE_LIMIT_LOGIN_PER_IP: '100000' });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    // Console errors include CSP violations: an inline script or a foreign connection would show.
    problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // Nothing listens on demo-spa's redirect URI: answer it here, as the SPA would.
    await context.route('http://127.0.0.1:25002/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: CALLBACK_PAGE }),
    );
  });
  afterEach(() => context?.close());

  /**
   * Playwright cannot intercept the hops of a redirect (microsoft/playwright#2617), so the 302
   * from /authorize to demo-spa's redirect URI would reach the network and fail. This relays it:
   * /authorize is fetched from the real server without following redirects, and a redirect to
   * the client becomes a page that navigates there, a new navigation the route above answers.
   */
  async function relayRedirectsToCallback(
    target: Page,
  ): Promise<Array<{ status: number; location: string | undefined }>> {
    const answers: Array<{ status: number; location: string | undefined }> = [];
    await target.route(
      (url) => url.origin === issuer && url.pathname === '/authorize',
      async (route) => {
        const response = await route.fetch({ maxRedirects: 0 });
        const location = response.headers().location;
        answers.push({ status: response.status(), location });
        if (location?.startsWith(`${DEMO_SPA.redirectUri}?`)) {
          const escaped = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
          await route.fulfill({
            status: 200,
            contentType: 'text/html',
            body: `<!DOCTYPE html><meta http-equiv="refresh" content="0;url=${escaped}">`,
          });
        } else {
          await route.fulfill({ response });
        }
      },
    );
    return answers;
  }

  function authorizeUrl(challenge: string): string {
    return `${issuer}${authorizePath({
      response_type: 'code',
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
      state: 'browser-state',
      scope: 'profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
  }

  it('completes the authorization request with the wallet, for the CAIP-10 account', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    await installTestWallet(page, account);
    const { verifier, challenge } = pkcePair();

    await page.goto(authorizeUrl(challenge));
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#siwe-login');
    await expect(button.isEnabled()).resolves.toBe(true);
    await expect(button.textContent()).resolves.toBe('Sign in with Ethereum');
    await screenshot(page, 'siwe-login-page');

    const answers = await relayRedirectsToCallback(page);

    await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === DEMO_SPA.redirectUri),
      button.click(),
    ]);
    const callback = new URL(page.url());
    // The server itself answered the authorization request with the redirect to the client.
    expect(answers).toEqual([{ status: 302, location: callback.href }]);
    expect(callback.searchParams.get('state')).toBe('browser-state');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const code = callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    await screenshot(page, 'siwe-login-callback');

    const tokens = await exchangeCode(t.app.getHttpServer(), code!, verifier, DEMO_SPA).expect(200);
    const me = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      sub: `eip155:1:${account.address}`,
      auth_method: 'siwe',
      client_id: DEMO_SPA.id,
    });
    expect(problems).toEqual([]);
  });

  it('shows a server refusal in the page and lets the user try again', async () => {
    await installTestWallet(page, privateKeyToAccount(generatePrivateKey()));
    const { challenge } = pkcePair();
    await page.goto(authorizeUrl(challenge));
    // Without the SameSite=Strict CSRF cookie, POST /login/siwe must refuse.
    await context.clearCookies();

    await page.locator('#siwe-login').click();
    const alert = page.locator('#siwe-error[role="alert"]');
    await alert.waitFor({ state: 'visible' });
    await expect(alert.textContent()).resolves.toBe(
      'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
    );
    await expect(page.locator('#siwe-login').isEnabled()).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'siwe-login-error');
  });

  it('disables the button when the browser has no Ethereum wallet', async () => {
    await page.goto(`${issuer}/login`);
    const button = page.locator('#siwe-login');
    await expect(button.textContent()).resolves.toBe('No Ethereum wallet found in this browser');
    await expect(button.isDisabled()).resolves.toBe(true);
    // The password form is still there.
    await expect(page.locator('#username').isVisible()).resolves.toBe(true);
    await screenshot(page, 'siwe-login-no-wallet');
    expect(problems).toEqual([]);
  });
});
