/**
 * The steps browser specs take on the login page (GET /login): an authorization request that
 * lands there, a wallet button that completes it to the client's callback, a refusal shown in the
 * page, and the password form.
 */
import type { Page } from 'playwright-core';
import { relayAuthorizeRedirects, screenshot } from './browser';
import { authorizePath } from './oauth';

export interface BrowserClient {
  id: string;
  redirectUri: string;
}

/** The absolute /authorize URL of a PKCE (S256) request of `client`, as a browser opens it. */
export function authorizeUrl(
  issuer: string,
  client: BrowserClient,
  { challenge, state, scope }: { challenge: string; state: string; scope: string },
): string {
  return `${issuer}${authorizePath({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    state,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
}

/**
 * Clicks `button` (a wallet's sign-in button) on the login page of a pending authorization
 * request and follows it to the client's callback. Checks that the server itself answered
 * /authorize with the one redirect to the callback, carrying `state` and `iss` (RFC 9207), and
 * answers the code.
 */
export async function signInToCallback(
  page: Page,
  issuer: string,
  client: BrowserClient,
  button: string,
  state: string,
): Promise<string> {
  const answers = await relayAuthorizeRedirects(page, issuer, client.redirectUri);
  await Promise.all([
    page.waitForURL((url) => `${url.origin}${url.pathname}` === client.redirectUri),
    page.locator(button).click(),
  ]);
  const callback = new URL(page.url());
  expect(answers).toEqual([{ status: 302, location: callback.href }]);
  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(issuer);
  const code = callback.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  return code!;
}

/**
 * Clicks the `siwe` or `siws` button of a login page whose CSRF cookie is gone: the server
 * refuses, the page says why in its alert, stays on /login and lets the user try again.
 */
export async function expectMissingCookieRefusal(page: Page, wallet: 'siwe' | 'siws') {
  await page.locator(`#${wallet}-login`).click();
  const alert = page.locator(`#${wallet}-error[role="alert"]`);
  await alert.waitFor({ state: 'visible' });
  await expect(alert.textContent()).resolves.toBe(
    'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
  );
  await expect(page.locator(`#${wallet}-login`).isEnabled()).resolves.toBe(true);
  expect(new URL(page.url()).pathname).toBe('/login');
  await screenshot(page, `${wallet}-login-error`);
}

/** Signs in with the password form of /login?return_to=<returnTo> and waits for that page. */
export async function passwordLogin(
  page: Page,
  issuer: string,
  username: string,
  password: string,
  returnTo: string,
): Promise<void> {
  await page.goto(`${issuer}/login?return_to=${encodeURIComponent(returnTo)}`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL(`${issuer}${returnTo}`),
    page.click('button[type="submit"]:has-text("Sign in")'),
  ]);
}
