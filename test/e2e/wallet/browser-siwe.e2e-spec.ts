/**
 * "Sign in with Ethereum" on the login page, in headless Chromium with an injected EIP-1193
 * wallet (a viem local account): a pending /authorize request of the public client demo-spa is
 * completed by clicking the button, and the code, exchanged with the PKCE verifier, gives tokens
 * for the wallet's CAIP-10 account. The app listens on a real port; the issuer, the SIWE domain
 * and the browser all use 127.0.0.1.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { installTestWallet, screenshot } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import {
  authorizeUrl,
  expectMissingCookieRefusal,
  signInToCallback,
} from '../../support/login-page';
import { DEMO_SPA, exchangeCode, pkcePair } from '../../support/oauth';

describe('Sign in with Ethereum on the login page (browser)', () => {
  const spec = useBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '100000' }, { client: DEMO_SPA });
  const authorizeRequest = (challenge: string) =>
    authorizeUrl(spec.issuer, DEMO_SPA, { challenge, state: 'browser-state', scope: 'profile' });

  it('completes the authorization request with the wallet, for the CAIP-10 account', async () => {
    const { t, issuer, page, problems } = spec;
    const account = privateKeyToAccount(generatePrivateKey());
    await installTestWallet(page, account);
    const { verifier, challenge } = pkcePair();

    await page.goto(authorizeRequest(challenge));
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#siwe-login');
    await expect(button.isEnabled()).resolves.toBe(true);
    await expect(button.textContent()).resolves.toBe('Sign in with Ethereum');
    await screenshot(page, 'siwe-login-page');

    const code = await signInToCallback(page, issuer, DEMO_SPA, '#siwe-login', 'browser-state');
    await screenshot(page, 'siwe-login-callback');

    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier, DEMO_SPA).expect(200);
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
    const { context, page } = spec;
    await installTestWallet(page, privateKeyToAccount(generatePrivateKey()));
    const { challenge } = pkcePair();
    await page.goto(authorizeRequest(challenge));
    // Without the SameSite=Strict CSRF cookie, POST /login/siwe must refuse.
    await context.clearCookies();
    await expectMissingCookieRefusal(page, 'siwe');
  });

  it('disables the button when the browser has no Ethereum wallet', async () => {
    const { issuer, page, problems } = spec;
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
