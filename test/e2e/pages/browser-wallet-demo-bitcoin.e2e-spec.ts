/**
 * The demo dApp (GET /demo/wallet) with a Bitcoin wallet (issue #33 item 4), in headless Chromium
 * with a UniSat-style provider (`window.unisat`) whose key the test holds: connect, sign in
 * (nonce, signMessage of the Sign in with Bitcoin text, POST /wallet/verify), see /api/me for the
 * CAIP-10 account, sign out and see the old access token refused.
 */
import { installBitcoinTestWallet, screenshot, watchPageProblems } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';

describe('GET /demo/wallet with a Bitcoin wallet (browser)', () => {
  const spec = useBrowserApp({}, { watch: (watched) => watchPageProblems(watched, () => true) });

  it('connects a taproot wallet, signs in, shows /api/me and signs out', async () => {
    const { issuer, page, problems } = spec;
    const wallet = await installBitcoinTestWallet(page, 'p2tr');
    const sub = `${MAINNET}:${wallet.address}`;
    const verified = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/wallet/verify',
    );

    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.locator('#connect-siws').textContent()).resolves.toBe(
      'No Solana wallet found in this browser',
    );
    await page.locator('#connect-siwb').click();
    await page.locator('#wallet-status', { hasText: 'Connected' }).waitFor();
    await expect(page.locator('#wallet-status').textContent()).resolves.toBe(
      `Connected (${MAINNET}): ${wallet.address}`,
    );
    await expect(page.locator('#connect-siwb').isDisabled()).resolves.toBe(true);

    await page.locator('#sign-in').click();
    await page.locator('#identity').waitFor({ state: 'visible' });
    const tokens = (await (await verified).json()) as { access_token: string };
    expect(wallet.signed).toHaveLength(1);
    expect(wallet.signed[0].kind).toBe('bip322-simple');
    expect(wallet.signed[0].message).toContain(`\nChain ID: ${MAINNET}\n`);
    const shown = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
    expect(shown).toMatchObject({ sub, auth_method: 'siwb', client_id: 'wallet' });
    await expect(page.locator('#session-status').getAttribute('title')).resolves.toBe(sub);
    await screenshot(page, 'siwb-demo-signed-in');

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
