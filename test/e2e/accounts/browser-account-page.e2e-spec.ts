/**
 * The account page in the project's Chromium, as a user goes through it: user1 signs in with a
 * password, links the browser's Ethereum wallet (an injected EIP-1193 wallet backed by a viem
 * account, as on the demo dApp) with "Link a wallet", sees it listed, and SIWE with that address
 * then signs in user1. Removing the wallet takes it off the list and out of the account; the last
 * method offers no Remove; Sign out ends the session. Every chain has its link button: a Bitcoin
 * wallet links the same way. The issuer is http://localhost.
 */
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import {
  installBitcoinTestWallet,
  installTestWallet,
  screenshot,
  watchPageProblems,
} from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { passwordLogin } from '../../support/login-page';
import { walletLogin as signInWithWallet } from '../../support/wallet-login';
import { getMe } from '../../support/oauth';

describe('the account page in a browser', () => {
  const spec = useBrowserApp(
    { RATE_LIMIT_LOGIN_PER_IP: '100000' },
    { host: 'localhost', watch: watchPageProblems },
  );

  /** The `sub` /wallet/verify and /api/me give the wallet now (SIWE over a fresh nonce). */
  async function subjectOf(wallet: PrivateKeyAccount): Promise<string> {
    const tokens = await signInWithWallet(spec.t, wallet);
    const me = await getMe(spec.t, tokens.access_token).expect(200);
    return me.body.sub as string;
  }

  type Cell = { textContent: string | null };
  const methodKeys = () =>
    spec.page.$$eval('#account-methods code', (codes: Cell[]) =>
      codes.map((code) => code.textContent),
    );

  it('links the browser’s wallet with a password login; SIWE then signs in the user; remove, last method, sign out', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const walletKey = `eip155:1:${wallet.address}`;
    const { issuer, page, problems } = spec;
    await installTestWallet(page, wallet);

    await passwordLogin(page, issuer, 'user1', 'password1', '/account');
    await expect(page.locator('#account-sub').textContent()).resolves.toBe('user1');
    // A password account: no "Set a password"; the last method offers no Remove.
    await expect(page.locator('#set-password').count()).resolves.toBe(0);
    await expect(page.locator('#account-methods button').count()).resolves.toBe(0);

    // Link a wallet: the page's script has the wallet sign a fresh SIWE nonce.
    const link = page.locator('#link-siwe');
    await expect(link.isEnabled()).resolves.toBe(true);
    await Promise.all([page.waitForEvent('load'), link.click()]);
    await page.locator('tr[data-method-type="wallet"]').waitFor();
    await screenshot(page, 'account-page-with-wallet');
    await expect(methodKeys()).resolves.toEqual(['password:user1', walletKey]);
    expect(await subjectOf(wallet)).toBe('user1');

    // Remove the wallet: off the list, and it signs in its own subject again.
    await Promise.all([
      page.waitForURL(`${issuer}/account`),
      page.click('tr[data-method-type="wallet"] button:has-text("Remove")'),
    ]);
    await expect(methodKeys()).resolves.toEqual(['password:user1']);
    expect(await subjectOf(wallet)).toBe(walletKey);

    // Sign out: back to the login page, and the account page asks to sign in again.
    await Promise.all([page.waitForURL(`${issuer}/login`), page.click('#sign-out')]);
    await page.goto(`${issuer}/account`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(problems).toEqual([]);
  });

  it('links a Bitcoin wallet with its own button; chains without a wallet say so', async () => {
    const { issuer, page, problems } = spec;
    const wallet = await installBitcoinTestWallet(page, 'p2wpkh');
    const walletKey = `bip122:000000000019d6689c085ae165831e93:${wallet.address}`;

    await passwordLogin(page, issuer, 'user1', 'password1', '/account');
    await expect(page.locator('#link-siwe').textContent()).resolves.toBe(
      'No Ethereum wallet found in this browser',
    );
    await expect(page.locator('#link-siwe').isDisabled()).resolves.toBe(true);
    const link = page.locator('#link-siwb');
    await expect(link.textContent()).resolves.toBe('Link Bitcoin wallet');
    await expect(link.isEnabled()).resolves.toBe(true);
    await Promise.all([page.waitForEvent('load'), link.click()]);
    await page.locator('tr[data-method-type="wallet"]').waitFor();
    await expect(methodKeys()).resolves.toEqual(['password:user1', walletKey]);
    // The wallet signed the link message: it says so, and names this account's purpose.
    expect(wallet.signed).toHaveLength(1);
    expect(wallet.signed[0].message).toMatch(/link/i);
    expect(problems).toEqual([]);
  });
});
