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
import { connectOnWalletDemo, signInAndOutOnWalletDemo } from '../../support/wallet-demo';
import { newSolanaWallet } from '../../support/solana';

const DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';

describe('GET /demo/wallet with a Solana wallet (browser)', () => {
  const spec = useBrowserApp(
    { SIWS_CHAINS: 'solana:devnet' },
    { watch: (watched) => watchPageProblems(watched, () => true) },
  );

  it('connects a devnet wallet, signs in, shows /api/me and signs out', async () => {
    const { issuer, page } = spec;
    const key = newSolanaWallet();
    const wallet = await installSolanaTestWallet(page, key, ['solana:devnet']);

    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siwe').textContent()).resolves.toBe(
      'No Ethereum wallet found in this browser',
    );
    await connectOnWalletDemo(
      spec,
      'siws',
      `Connected (Proofgate Solana Test Wallet, solana:devnet): ${key.address}`,
    );
    await signInAndOutOnWalletDemo(spec, 'siws', `${DEVNET}:${key.address}`, () => {
      expect(wallet.signedMessages).toHaveLength(1);
      expect(wallet.signedMessages[0]).toContain('\nChain ID: solana:devnet\n');
    });
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
