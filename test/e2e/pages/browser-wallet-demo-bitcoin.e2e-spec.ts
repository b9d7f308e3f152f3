/**
 * The demo dApp (GET /demo/wallet) with a Bitcoin wallet (issue #33 item 4), in headless Chromium
 * with a UniSat-style provider (`window.unisat`) whose key the test holds: connect, sign in
 * (nonce, signMessage of the Sign in with Bitcoin text, POST /wallet/verify), see /api/me for the
 * CAIP-10 account, sign out and see the old access token refused.
 */
import { installBitcoinTestWallet, watchPageProblems } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { connectOnWalletDemo, signInAndOutOnWalletDemo } from '../../support/wallet-demo';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';

describe('GET /demo/wallet with a Bitcoin wallet (browser)', () => {
  const spec = useBrowserApp({}, { watch: (watched) => watchPageProblems(watched, () => true) });

  it('connects a taproot wallet, signs in, shows /api/me and signs out', async () => {
    const { issuer, page } = spec;
    const wallet = await installBitcoinTestWallet(page, 'p2tr');

    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siws').textContent()).resolves.toBe(
      'No Solana wallet found in this browser',
    );
    await connectOnWalletDemo(spec, 'siwb', `Connected (${MAINNET}): ${wallet.address}`);
    await signInAndOutOnWalletDemo(spec, 'siwb', `${MAINNET}:${wallet.address}`, () => {
      expect(wallet.signed).toHaveLength(1);
      expect(wallet.signed[0].kind).toBe('bip322-simple');
      expect(wallet.signed[0].message).toContain(`\nChain ID: ${MAINNET}\n`);
    });
  });

  it('says when the browser has no Bitcoin wallet', async () => {
    const { issuer, page, problems } = spec;
    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siwb').textContent()).resolves.toBe(
      'No Bitcoin wallet found in this browser',
    );
    await expect(page.locator('#connect-siwb').isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
