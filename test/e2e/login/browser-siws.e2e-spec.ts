/**
 * "Sign in with Solana" on the login page (issue #21), in headless Chromium with a Wallet Standard
 * test wallet registered in the page (an Ed25519 keypair held by the test): a pending /authorize
 * request of the confidential client demo-client is completed by clicking the button, and the
 * code, exchanged with its secret and the PKCE verifier, gives tokens for the wallet's CAIP-10
 * account. The app listens on a real port; the issuer, the SIWS domain and the browser all use
 * 127.0.0.1.
 */
import { installSolanaTestWallet, installTestWallet, screenshot } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import {
  authorizeUrl,
  expectMissingCookieRefusal,
  signInToCallback,
} from '../../support/login-page';
import { DEMO_CLIENT, exchangeCode, pkcePair } from '../../support/oauth';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { newSolanaWallet } from '../../support/solana';

const MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

describe('Sign in with Solana on the login page (browser)', () => {
  const spec = useBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '100000' }, { client: DEMO_CLIENT });
  const authorizeRequest = (challenge: string) =>
    authorizeUrl(spec.issuer, DEMO_CLIENT, {
      challenge,
      state: 'solana-state',
      scope: 'openid profile',
    });

  it('completes the authorization request of demo-client with the Solana wallet', async () => {
    const { t, issuer, page, problems } = spec;
    const key = newSolanaWallet();
    const wallet = await installSolanaTestWallet(page, key);
    const { verifier, challenge } = pkcePair();

    await page.goto(authorizeRequest(challenge));
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#siws-login');
    await expect(button.isEnabled()).resolves.toBe(true);
    await expect(button.textContent()).resolves.toBe('Sign in with Solana');
    // No Ethereum wallet in this browser: its button says so, the Solana one is unaffected.
    await expect(page.locator('#siwe-login').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'siws-login-page');

    const code = await signInToCallback(page, issuer, DEMO_CLIENT, '#siws-login', 'solana-state');

    // The wallet signed exactly one message: the Sign In With Solana text for its address.
    expect(wallet.signedMessages).toHaveLength(1);
    const [signed] = wallet.signedMessages;
    expect(signed.split('\n').slice(0, 2)).toEqual([
      '127.0.0.1:' + new URL(issuer).port + ' wants you to sign in with your Solana account:',
      key.address,
    ]);
    expect(signed).toContain('\nChain ID: solana:mainnet\n');

    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
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
    const { context, page } = spec;
    await installTestWallet(page, privateKeyToAccount(generatePrivateKey()));
    await installSolanaTestWallet(page, newSolanaWallet());
    const { challenge } = pkcePair();
    await page.goto(authorizeRequest(challenge));
    await expect(page.locator('#siwe-login').isEnabled()).resolves.toBe(true);
    await expect(page.locator('#siws-login').isEnabled()).resolves.toBe(true);
    // Without the SameSite=Strict CSRF cookie, POST /login/siwe must refuse.
    await context.clearCookies();
    await expectMissingCookieRefusal(page, 'siws');
  });

  it('disables the button when the browser has no Solana wallet', async () => {
    const { issuer, page, problems } = spec;
    await page.goto(`${issuer}/login`);
    const button = page.locator('#siws-login');
    await expect(button.textContent()).resolves.toBe('No Solana wallet found in this browser');
    await expect(button.isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
