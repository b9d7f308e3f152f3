/**
 * "Sign in with Solana" on the login page (issue #21), in headless Chromium with a Wallet Standard
 * test wallet registered in the page (an Ed25519 keypair held by the test): a pending /authorize
 * request of the confidential client demo-client is completed by clicking the button, and the
 * code, exchanged with its secret and the PKCE verifier, gives tokens for the wallet's CAIP-10
 * account. The app listens on a real port; the issuer, the SIWS domain and the browser all use
 * 127.0.0.1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  installSolanaTestWallet,
  installTestWallet,
  relayAuthorizeRedirects,
  screenshot,
} from '../../support/browser';
import { openPage, startBrowserApp } from '../../support/browser-app';
import { DEMO_CLIENT, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import type { TestApp } from '../../support/test-app';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { newSolanaWallet } from '../../support/solana';

const MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

describe('Sign in with Solana on the login page (browser)', () => {
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
    ({ context, page, problems } = await openPage(browser, { client: DEMO_CLIENT }));
  });
  afterEach(() => context?.close());

  function authorizeUrl(challenge: string): string {
    return `${issuer}${authorizePath({
      response_type: 'code',
      client_id: DEMO_CLIENT.id,
      redirect_uri: DEMO_CLIENT.redirectUri,
      state: 'solana-state',
      scope: 'openid profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
  }

  it('completes the authorization request of demo-client with the Solana wallet', async () => {
    const key = newSolanaWallet();
    const wallet = await installSolanaTestWallet(page, key);
    const { verifier, challenge } = pkcePair();

    await page.goto(authorizeUrl(challenge));
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#siws-login');
    await expect(button.isEnabled()).resolves.toBe(true);
    await expect(button.textContent()).resolves.toBe('Sign in with Solana');
    // No Ethereum wallet in this browser: its button says so, the Solana one is unaffected.
    await expect(page.locator('#siwe-login').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'siws-login-page');

    const answers = await relayAuthorizeRedirects(page, issuer, DEMO_CLIENT.redirectUri);
    await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === DEMO_CLIENT.redirectUri),
      button.click(),
    ]);
    const callback = new URL(page.url());
    expect(answers).toEqual([{ status: 302, location: callback.href }]);
    expect(callback.searchParams.get('state')).toBe('solana-state');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const code = callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));

    // The wallet signed exactly one message: the Sign In With Solana text for its address.
    expect(wallet.signedMessages).toHaveLength(1);
    const [signed] = wallet.signedMessages;
    expect(signed.split('\n').slice(0, 2)).toEqual([
      '127.0.0.1:' + new URL(issuer).port + ' wants you to sign in with your Solana account:',
      key.address,
    ]);
    expect(signed).toContain('\nChain ID: solana:mainnet\n');

    const tokens = await exchangeCode(t.app.getHttpServer(), code!, verifier).expect(200);
    const me = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      sub: `${MAINNET}:${key.address}`,
      auth_method: 'siws',
      client_id: DEMO_CLIENT.id,
    });
    const idToken = JSON.parse(
      Buffer.from((tokens.body.id_token as string).split('.')[1], 'base64url').toString(),
    ) as { sub: string; amr: string[] };
    expect(idToken).toMatchObject({ sub: `${MAINNET}:${key.address}`, amr: ['siws'] });
    expect(problems).toEqual([]);
  });

  it('offers both wallets when the browser has both, and shows a refusal in the page', async () => {
    await installTestWallet(page, privateKeyToAccount(generatePrivateKey()));
    await installSolanaTestWallet(page, newSolanaWallet());
    const { challenge } = pkcePair();
    await page.goto(authorizeUrl(challenge));
    await expect(page.locator('#siwe-login').isEnabled()).resolves.toBe(true);
    await expect(page.locator('#siws-login').isEnabled()).resolves.toBe(true);
    // Without the SameSite=Strict CSRF cookie, POST /login/siwe must refuse.
    await context.clearCookies();

    await page.locator('#siws-login').click();
    const alert = page.locator('#siws-error[role="alert"]');
    await alert.waitFor({ state: 'visible' });
    await expect(alert.textContent()).resolves.toBe(
      'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
    );
    await expect(page.locator('#siws-login').isEnabled()).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'siws-login-error');
  });

  it('disables the button when the browser has no Solana wallet', async () => {
    await page.goto(`${issuer}/login`);
    const button = page.locator('#siws-login');
    await expect(button.textContent()).resolves.toBe('No Solana wallet found in this browser');
    await expect(button.isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
