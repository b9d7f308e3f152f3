/**
 * The demo dApp (GET /demo/wallet) in headless Chromium with an injected EIP-1193 wallet (a viem
 * local account): connect, sign in (nonce, personal_sign, POST /wallet/verify), see /api/me for
 * the CAIP-10 account, sign out (POST /revoke of the refresh token) and see the old access token
 * refused. The issuer, the SIWE domain and the browser all use 127.0.0.1.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { installTestWallet, screenshot, watchPageProblems } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';

describe('GET /demo/wallet (browser)', () => {
  const spec = useBrowserApp({}, { watch: watchPageProblems });

  async function apiMe(accessToken: string): Promise<Response> {
    return fetch(`${spec.issuer}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  it('connects, signs in, shows /api/me and the token lifetimes, and signs out', async () => {
    const { t, issuer, page, problems } = spec;
    const account = privateKeyToAccount(generatePrivateKey());
    const sub = `eip155:1:${account.address}`;
    await installTestWallet(page, account);
    // Read the tokens off the wire, to check them independently of what the page shows.
    const verified = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/wallet/verify',
    );

    await page.goto(`${issuer}/demo/wallet`);
    await expect(page.title()).resolves.toBe('Wallet dApp demo · Proofgate');
    await expect(page.locator('#sign-in').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'siwe-demo-1-start');

    await page.locator('#connect-siwe').click();
    // Connecting is asynchronous (the wallet answers eth_requestAccounts from the test process):
    // wait for the status to change before reading it exactly.
    const walletStatus = page.locator('#wallet-status');
    await page.locator('#wallet-status', { hasText: 'Connected:' }).waitFor();
    await expect(walletStatus.textContent()).resolves.toBe(`Connected: ${account.address}`);
    await expect(page.locator('#connect-siwe').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'siwe-demo-2-connected');

    await page.locator('#sign-in').click();
    await page.locator('#identity').waitFor({ state: 'visible' });
    const tokens = (await (await verified).json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
    };
    const shown = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
    expect(shown).toMatchObject({ sub, auth_method: 'siwe', client_id: 'wallet' });
    const status = page.locator('#session-status');
    await expect(status.textContent()).resolves.toBe(
      `Signed in as ${sub.slice(0, 19)}…${sub.slice(-4)}`,
    );
    await expect(status.getAttribute('title')).resolves.toBe(sub);
    // Lifetimes: 15 minutes for the access token (counting down), 30 days for the refresh family.
    expect(tokens.expires_in).toBe(t.config.tokens.accessTokenTtlSeconds);
    await expect(page.locator('#access-remaining').textContent()).resolves.toMatch(/^1[45]:\d\d$/);
    await expect(page.locator('#access-expires-at').textContent()).resolves.not.toBe('');
    await expect(page.locator('#refresh-remaining').textContent()).resolves.toMatch(/^(29|30) d /);
    // Memory only: nothing in Web Storage.
    await expect(page.evaluate('localStorage.length + sessionStorage.length')).resolves.toBe(0);
    expect((await apiMe(tokens.access_token)).status).toBe(200);
    await screenshot(page, 'siwe-demo-3-signed-in');

    await page.locator('#sign-out').click();
    await page.locator('#after-sign-out').waitFor({ state: 'visible' });
    await expect(page.locator('#revocation').textContent()).resolves.toBe(
      'The old access token is refused by GET /api/me: 401.',
    );
    const oldTokenAnswer = JSON.parse(
      (await page.locator('#old-token-answer').textContent()) ?? '',
    ) as unknown;
    expect(oldTokenAnswer).toEqual({
      error: 'invalid_token',
      error_description: 'The access token has been revoked',
    });
    await expect(page.locator('#identity').isHidden()).resolves.toBe(true);
    await expect(page.locator('#me').textContent()).resolves.toBe('');
    await expect(page.locator('#session-status').textContent()).resolves.toBe('Signed out.');
    await expect(page.locator('#sign-in').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'siwe-demo-4-signed-out');

    // Independently of the page: the grant is over, both tokens are dead.
    expect((await apiMe(tokens.access_token)).status).toBe(401);
    const refreshed = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'wallet',
      }).toString(),
    });
    expect(refreshed.status).toBe(400);
    // The only failure is the expected 401 for the old token.
    expect(problems).toEqual([`401 ${issuer}/api/me`]);
  });

  it('says so when the browser has no Ethereum wallet', async () => {
    const { issuer, page, problems } = spec;
    await page.goto(`${issuer}/demo/wallet`);
    const connect = page.locator('#connect-siwe');
    await expect(connect.textContent()).resolves.toBe('No Ethereum wallet found in this browser');
    await expect(connect.isDisabled()).resolves.toBe(true);
    await expect(page.locator('#sign-in').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'siwe-demo-no-wallet');
    expect(problems).toEqual([]);
  });
});
