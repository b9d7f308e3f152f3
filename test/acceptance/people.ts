/**
 * The people of the acceptance suite, through the service's pages and JSON only: a browser signed
 * in with a password (the demo users), or with a wallet at /login/siwe; an `account`-scoped access
 * token of the first-party demo-client (the code flow with PKCE); a passkey added with it is in
 * people-passkeys.ts (the lab's software authenticator), so that this file imports nothing of src/.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrivateKeyAccount } from 'viem/accounts';
import { CookieBrowser, passwordSignIn } from '../support/cookie-browser';
import { csrfOf } from '../support/login-form';

export type Json = Record<string, unknown>;

/** The demo data of a development database (README, Quick start). */
export const DEMO_CLIENT = {
  id: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A browser signed in at the login page with a demo user's password. */
export async function passwordBrowser(
  issuer: string,
  username: string,
  password = `password${username.slice(-1)}`,
): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  await passwordSignIn(browser, issuer, { username, password });
  return browser;
}

/** A browser signed in at the login page with an Ethereum wallet (POST /wallet/nonce, /login/siwe). */
export async function walletBrowser(
  issuer: string,
  account: PrivateKeyAccount,
): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  const page = await browser.get(`${issuer}/login?return_to=%2F`);
  const csrf = csrfOf(await page.text());
  const nonce = await browser.postJson(`${issuer}/wallet/nonce`, {
    address: account.address,
    chainId: 1,
  });
  expect(nonce.status).toBe(201);
  const { message } = (await nonce.json()) as { message: string };
  const signedIn = await browser.postJson(`${issuer}/login/siwe`, {
    message,
    signature: await account.signMessage({ message }),
    csrf_token: csrf,
    return_to: '/',
  });
  expect(signedIn.status).toBe(200);
  return browser;
}

/**
 * Where /authorize sends a signed-in browser for demo-client's code flow (PKCE S256) of `scope`
 * (first-party: no consent screen): its Location, and the request's verifier.
 */
export async function authorize(
  issuer: string,
  browser: CookieBrowser,
  scope: string,
  extra: Record<string, string>,
): Promise<{ status: number; location: URL; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const answer = await browser.get(
    `${issuer}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: DEMO_CLIENT.id,
      redirect_uri: DEMO_CLIENT.redirectUri,
      scope,
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    }).toString()}`,
  );
  const location = new URL(answer.headers.get('location') ?? '', issuer);
  return { status: answer.status, location, verifier };
}

/** Where /authorize sends a signed-in browser for demo-client and `scope`: its Location. */
export async function authorizeLocation(
  issuer: string,
  browser: CookieBrowser,
  scope: string,
  extra: Record<string, string> = {},
): Promise<URL> {
  return (await authorize(issuer, browser, scope, extra)).location;
}

/** The token response of demo-client's code flow for `scope`, in a signed-in browser. */
export async function demoClientTokens(
  issuer: string,
  browser: CookieBrowser,
  scope: string,
  extra: Record<string, string> = {},
): Promise<Json> {
  const { status, location, verifier } = await authorize(issuer, browser, scope, extra);
  const code = location.searchParams.get('code');
  if (status !== 302 || code === null) {
    throw new Error(`/authorize answered ${status} to ${location.href}`);
  }
  const tokens = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: DEMO_CLIENT.redirectUri,
      code_verifier: verifier,
    }),
  });
  expect(tokens.status).toBe(200);
  return (await tokens.json()) as Json;
}

/** The account's subject, as GET /account/methods names it. */
export async function subjectOf(issuer: string, accountToken: string): Promise<string> {
  const methods = await fetch(`${issuer}/account/methods`, {
    headers: { authorization: `Bearer ${accountToken}` },
  });
  expect(methods.status).toBe(200);
  return ((await methods.json()) as { sub: string }).sub;
}
