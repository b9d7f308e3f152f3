/**
 * Passkeys in the project's Chromium with a virtual authenticator (Chrome DevTools Protocol
 * `WebAuthn.addVirtualAuthenticator`: a CTAP2 platform authenticator with resident keys and user
 * verification): a real ceremony through the pages. user0 signs in with a password, adds a
 * passkey on GET /account, signs out, then signs in with the passkey inside an authorization
 * request of demo-client, whose code gives tokens for user0 (amr pop + user). The issuer is
 * http://localhost (a secure context, and a valid RP ID; an IP address is not).
 */
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { relayAuthorizeRedirects, screenshot } from '../../support/browser';
import { openPage, startBrowserApp } from '../../support/browser-app';
import { passwordLogin } from '../../support/login-page';
import { addVirtualAuthenticator } from '../../support/virtual-authenticator';
import { DEMO_CLIENT, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import type { TestApp } from '../../support/test-app';

describe('passkeys in the browser (virtual authenticator)', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let problems: string[];

  beforeAll(async () => {
    // localhost, not 127.0.0.1: browsers refuse an IP address as a WebAuthn RP ID.
    ({ t, issuer, browser } = await startBrowserApp(
      { RATE_LIMIT_LOGIN_PER_IP: '100000' },
      'localhost',
    ));
    ({ context, page, problems } = await openPage(browser, { client: DEMO_CLIENT }));
    await relayAuthorizeRedirects(page, issuer, DEMO_CLIENT.redirectUri);
    ({ cdp, authenticatorId } = await addVirtualAuthenticator(context, page));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('adds a passkey on the account page, then signs in with it inside an authorization of demo-client', async () => {
    // The virtual authenticator would answer a login page's conditional (autofill) request on
    // its own, racing the clicks below (and signing in from the login page sign-out lands on):
    // every page of this test is told the browser has no conditional mediation.
    await page.addInitScript(() => {
      const browserGlobals = globalThis as unknown as { PublicKeyCredential: object };
      Object.defineProperty(browserGlobals.PublicKeyCredential, 'isConditionalMediationAvailable', {
        value: () => Promise.resolve(false),
      });
    });

    // A password login that returns to the account page.
    await passwordLogin(page, issuer, 'user0', 'password0', '/account');
    await expect(page.locator('#account-sub').textContent()).resolves.toBe('user0');

    // Add a passkey: navigator.credentials.create() answered by the virtual authenticator.
    const add = page.locator('#add-passkey');
    await add.waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), add.click()]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();
    await screenshot(page, 'account-page-with-passkey');
    const stored = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(stored.credentials).toHaveLength(1);
    expect(stored.credentials[0].isResidentCredential).toBe(true);

    // Signed in, the login page also has the header's sign-out form (its return_to is the login
    // page): the passkey sign-in still continues to the login form's return_to.
    await page.goto(`${issuer}/login?return_to=%2Faccount`);
    await expect(page.locator('#nav-session').isVisible()).resolves.toBe(true);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login'),
      page.locator('#passkey-login').click(),
    ]);
    expect(page.url()).toBe(`${issuer}/account`);

    // Sign out.
    await Promise.all([page.waitForURL(`${issuer}/login`), page.click('#sign-out')]);

    // An authorization request of demo-client: the login page, then the passkey button.
    const { verifier, challenge } = pkcePair();
    await page.goto(
      `${issuer}${authorizePath({
        response_type: 'code',
        client_id: DEMO_CLIENT.id,
        redirect_uri: DEMO_CLIENT.redirectUri,
        state: 'passkey-state',
        scope: 'openid profile',
        nonce: 'passkey-nonce',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#passkey-login');
    await button.waitFor({ state: 'visible' });
    await expect(button.textContent()).resolves.toBe('Sign in with a passkey');
    await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === DEMO_CLIENT.redirectUri),
      button.click(),
    ]);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('passkey-state');
    const code = callback.searchParams.get('code')!;

    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken).toMatchObject({ sub: 'user0', nonce: 'passkey-nonce', amr: ['pop', 'user'] });
    const me = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await me.json()).toMatchObject({
      sub: 'user0',
      auth_method: 'passkey',
      client_id: DEMO_CLIENT.id,
    });
    expect(problems).toEqual([]);
  });
});
