/**
 * Passkeys in the project's Chromium with a virtual authenticator (Chrome DevTools Protocol
 * `WebAuthn.addVirtualAuthenticator`: a CTAP2 platform authenticator with resident keys and user
 * verification): a real ceremony through the pages. user0 signs in with a password, adds a
 * passkey on GET /account, signs out, then signs in with the passkey inside an authorization
 * request of demo-client, whose code gives tokens for user0 (amr pop + user). The issuer is
 * http://localhost (a secure context, and a valid RP ID; an IP address is not). Then the Signal
 * API: the account page tells the authenticator which passkeys remain, and the login page which
 * one no account holds.
 */
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { relayAuthorizeRedirects, screenshot } from '../../support/browser';
import { openPage, startBrowserApp } from '../../support/browser-app';
import { passwordLogin } from '../../support/login-page';
import { addVirtualAuthenticator } from '../../support/virtual-authenticator';
import { DEMO_CLIENT, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import { encodedUserHandleOf } from '../../../src/passkeys/user-handle';
import type { TestApp } from '../../support/test-app';
import { DISABLED_FEATURES } from '../../../src/platform/http/security-headers';

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
    // The page's Permissions-Policy leaves passkeys to this origin and turns off the rest, each a
    // feature this browser knows (an unknown one would be only a console warning on every page).
    await expect(
      page.evaluate<boolean[]>(
        `['publickey-credentials-create', 'publickey-credentials-get']
          .map((feature) => document.featurePolicy.allowsFeature(feature))`,
      ),
    ).resolves.toEqual([true, true]);
    const known = await page.evaluate<string[]>('document.featurePolicy.features()');
    const allowed = await page.evaluate<string[]>('document.featurePolicy.allowedFeatures()');
    expect(DISABLED_FEATURES.filter((feature) => !known.includes(feature))).toEqual([]);
    expect(DISABLED_FEATURES.filter((feature) => allowed.includes(feature))).toEqual([]);

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

  it('tells the authenticator what the account holds (Signal API): the passkeys left, and one it no longer knows', async () => {
    // What the pages ask of the Signal API, recorded here whether this Chromium has it or not
    // (a page feature-detects it: defined here, it is found).
    const signals: { name: string; options: Record<string, unknown> }[] = [];
    await page.exposeFunction('recordSignal', (name: string, options: Record<string, unknown>) => {
      signals.push({ name, options });
    });
    await page.addInitScript(() => {
      const globals = globalThis as unknown as {
        PublicKeyCredential: Record<string, unknown>;
        recordSignal: (name: string, options: unknown) => Promise<void>;
      };
      for (const name of ['signalAllAcceptedCredentials', 'signalUnknownCredential']) {
        Object.defineProperty(globals.PublicKeyCredential, name, {
          value: (options: unknown) => globals.recordSignal(name, options),
        });
      }
    });
    /** The options of the page's last call of `name` since the previous look (waited for). */
    const signalled = async (name: string) => {
      for (let waited = 0; !signals.some((s) => s.name === name); waited += 50) {
        if (waited > 5_000) throw new Error(`the page never called ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return signals
        .splice(0)
        .filter((s) => s.name === name)
        .at(-1)!.options;
    };
    const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId }))
      .credentials;
    const credentialId = Buffer.from(credential.credentialId, 'base64').toString('base64url');
    const userId = encodedUserHandleOf('user0');

    // Signed in with the passkey (the first test): the account page lists it as accepted.
    await page.goto(`${issuer}/account`);
    await expect(signalled('signalAllAcceptedCredentials')).resolves.toEqual({
      rpId: 'localhost',
      userId,
      allAcceptedCredentialIds: [credentialId],
    });

    // Removed on the account page: that ends the sessions it signed in (this one), and the next
    // load of the page, signed in with the password, accepts none of this account's.
    await Promise.all([
      // The page's language goes along (its forms post it): English here.
      page.waitForURL(`${issuer}/login?return_to=%2Faccount%3Fui_locales%3Den&ui_locales=en`),
      page.locator('tr[data-method-type="passkey"] button:has-text("Remove")').click(),
    ]);
    await page.fill('#username', 'user0');
    await page.fill('#password', 'password0');
    await Promise.all([
      page.waitForURL(`${issuer}/account?ui_locales=en`),
      page.click('button[type="submit"]:has-text("Sign in")'),
    ]);
    await expect(page.locator('tr[data-method-type="passkey"]').count()).resolves.toBe(0);
    await expect(signalled('signalAllAcceptedCredentials')).resolves.toEqual({
      rpId: 'localhost',
      userId,
      allAcceptedCredentialIds: [],
    });

    // The authenticator still offers it (this one ignores signals): the sign-in is refused as
    // unknown_credential, and the page tells the authenticator to forget it.
    await Promise.all([page.waitForURL(`${issuer}/login`), page.click('#sign-out')]);
    await page.locator('#passkey-login').click();
    await page.locator('#passkey-error').waitFor({ state: 'visible' });
    await expect(page.locator('#passkey-error').textContent()).resolves.toBe(
      'No account has this passkey',
    );
    await expect(signalled('signalUnknownCredential')).resolves.toEqual({
      rpId: 'localhost',
      credentialId,
    });
    // The refused sign-in's 401 is the browser's one console line.
    expect(problems.filter((line) => !line.includes('401'))).toEqual([]);
  });
});
