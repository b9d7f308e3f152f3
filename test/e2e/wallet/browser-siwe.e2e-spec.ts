/**
 * "Sign in with Ethereum" on the login page, in headless Chromium with an injected EIP-1193
 * wallet (a viem local account): a pending /authorize request of the public client demo-spa is
 * completed by clicking the button, and the code, exchanged with the PKCE verifier, gives tokens
 * for the wallet's CAIP-10 account. The app listens on a real port; the issuer, the SIWE domain
 * and the browser all use 127.0.0.1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { installTestWallet, relayAuthorizeRedirects, screenshot } from '../../support/browser';
import { openPage, startBrowserApp } from '../../support/browser-app';
import { DEMO_SPA, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import type { TestApp } from '../../support/test-app';

describe('Sign in with Ethereum on the login page (browser)', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ t, issuer, browser } = await startBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '100000' }));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    ({ context, page, problems } = await openPage(browser, { client: DEMO_SPA }));
  });
  afterEach(() => context?.close());

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

    const answers = await relayAuthorizeRedirects(page, issuer, DEMO_SPA.redirectUri);

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
