/**
 * The demo dApp (GET /demo/wallet) driven in a browser spec's page, for any chain: connect the
 * chain's wallet, then sign in, read /api/me as the page shows it, sign out and see the old
 * access token refused.
 */
import type { BrowserSpec } from './browser-app';
import { screenshot } from './browser';

/** Clicks the chain's connect button (#connect-<method>): the status then reads `status`. */
export async function connectOnWalletDemo(
  { page }: BrowserSpec,
  method: 'siwe' | 'siws' | 'siwb',
  status: string,
): Promise<void> {
  await page.locator(`#connect-${method}`).click();
  await page.locator('#wallet-status', { hasText: 'Connected' }).waitFor();
  await expect(page.locator('#wallet-status').textContent()).resolves.toBe(status);
  await expect(page.locator(`#connect-${method}`).isDisabled()).resolves.toBe(true);
}

/**
 * Signs in with the connected wallet: the page shows /api/me for `sub` (auth_method `method`,
 * the built-in wallet client), then `check` runs and a screenshot `<method>-demo-signed-in` is
 * taken; signs out: the page says the old access token is refused, and GET /api/me does refuse
 * it (the page's only problem).
 */
export async function signInAndOutOnWalletDemo(
  { issuer, page, problems }: BrowserSpec,
  method: 'siwe' | 'siws' | 'siwb',
  sub: string,
  check: () => void,
): Promise<void> {
  const verified = page.waitForResponse(
    (response) => new URL(response.url()).pathname === '/wallet/verify',
  );
  await page.locator('#sign-in').click();
  await page.locator('#identity').waitFor({ state: 'visible' });
  const tokens = (await (await verified).json()) as { access_token: string };
  check();
  const shown = JSON.parse((await page.locator('#me').textContent()) ?? '') as unknown;
  expect(shown).toMatchObject({ sub, auth_method: method, client_id: 'wallet' });
  await expect(page.locator('#session-status').getAttribute('title')).resolves.toBe(sub);
  await screenshot(page, `${method}-demo-signed-in`);

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
}
