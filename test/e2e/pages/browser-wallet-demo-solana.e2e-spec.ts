/**
 * The demo dApp (GET /demo/wallet) with a Solana wallet (issue #21), in headless Chromium with a
 * Wallet Standard test wallet registered in the page: connect, sign in (nonce, signMessage of the
 * Sign In With Solana text, POST /wallet/verify), see /api/me for the CAIP-10 account, sign out
 * and see the old access token refused. With both kinds of wallet, both are offered.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  installSolanaTestWallet,
  installTestWallet,
  watchPageProblems,
  screenshot,
} from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { newSolanaWallet } from '../../support/solana';

const DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';

describe('GET /demo/wallet with a Solana wallet (browser)', () => {
  const spec = useBrowserApp(
    { SIWS_CHAINS: 'solana:devnet' },
    { watch: (watched) => watchPageProblems(watched, () => true) },
  );

  it('connects a devnet wallet, signs in, shows /api/me and signs out', async () => {
    const { issuer, page, problems } = spec;
    const key = newSolanaWallet();
    const sub = `${DEVNET}:${key.address}`;
    const wallet = await installSolanaTestWallet(page, key, ['solana:devnet']);
    const verified = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/wallet/verify',
    );

    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siwe').textContent()).resolves.toBe(
      'No Ethereum wallet found in this browser',
    );
    await page.locator('#connect-siws').click();
    await page.locator('#wallet-status', { hasText: 'Connected' }).waitFor();
    await expect(page.locator('#wallet-status').textContent()).resolves.toBe(
      `Connected (Proofgate Solana Test Wallet, solana:devnet): ${key.address}`,
    );
    await expect(page.locator('#connect-siws').isDisabled()).resolves.toBe(true);

    await page.locator('#sign-in').click();
    await page.locator('#identity').waitFor({ state: 'visible' });
    const tokens = (await (await verified).json()) as { access_token: string };
    expect(wallet.signedMessages).toHaveLength(1);
    expect(wallet.signedMessages[0]).toContain('\nChain ID: solana:devnet\n');
    const shown = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
    expect(shown).toMatchObject({ sub, auth_method: 'siws', client_id: 'wallet' });
    await expect(page.locator('#session-status').getAttribute('title')).resolves.toBe(sub);
    await screenshot(page, 'siws-demo-signed-in');

    await page.locator('#sign-out').click();
    await page.locator('#after-sign-out').waitFor({ state: 'visible' });
    await expect(page.locator('#revocation').textContent()).resolves.toBe(
      'The old access token is refused by GET /api/me: 401.',
    );
    const me = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(401);
    expect(problems).toEqual([`401 ${issuer}/api/me`]);
  });

  it('offers both wallets when the browser has both', async () => {
    const { issuer, page, problems } = spec;
    await installTestWallet(page, privateKeyToAccount(generatePrivateKey()));
    await installSolanaTestWallet(page, newSolanaWallet());
    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siwe').isEnabled()).resolves.toBe(true);
    await expect(page.locator('#connect-siws').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'wallet-demo-both-wallets');
    expect(problems).toEqual([]);
  });
});
