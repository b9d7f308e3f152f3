/**
 * A newcomer signs in by email in headless Chromium, as the README tells them to: a pending
 * /authorize request of demo-client lands on the login page, they type an address and press
 * "Email me a code", open /dev/mailbox in another tab of the same browser (the code page links
 * there), and either open the mail's link (then Continue) or type its code. Plain forms, no
 * script: the strict Content-Security-Policy reports nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { screenshot } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { authorizeUrl } from '../../support/login-page';
import { DEMO_CLIENT, exchangeCode, pkcePair } from '../../support/oauth';
import { decodeJwt } from 'jose';

describe('email sign-in in a browser, from /dev/mailbox', () => {
  const spec = useBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '100000', MAIL_POLL_INTERVAL_MS: '100' });
  /**
   * demo-client's own callback, listening on a loopback port (it takes any): the sign-in ends in a
   * 303 to /authorize and its 302 here, redirect hops a test route cannot answer.
   */
  let callbackServer: Server;
  let client: typeof DEMO_CLIENT;
  beforeAll(async () => {
    callbackServer = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><title>demo-client</title>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    const { port } = callbackServer.address() as AddressInfo;
    client = { ...DEMO_CLIENT, redirectUri: `http://127.0.0.1:${port}/callback` };
  });
  afterAll(() => new Promise<void>((resolve) => callbackServer.close(() => resolve())));

  /** From the authorization request to the code page: the address typed, the code asked for. */
  async function askForCode(email: string, state: string) {
    const { issuer, page } = spec;
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl(issuer, client, { challenge, state, scope: 'openid email' }));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#email', email);
    await screenshot(page, 'email-login-page');
    await Promise.all([
      page.waitForURL(`${issuer}/login/email/start`),
      page.click('form#email-login button[type="submit"]'),
    ]);
    await expect(page.textContent('h1')).resolves.toBe('Check your inbox');
    await expect(page.locator('#dev-mailbox a[href="/dev/mailbox"]').count()).resolves.toBe(1);
    await screenshot(page, 'email-code-page');
    // The mailbox, in another tab of the same browser.
    const mailbox = await spec.context.newPage();
    await mailbox.goto(`${issuer}/dev/mailbox`);
    for (
      let i = 0;
      i < 50 && (await mailbox.locator(`.mail-to:text-is("${email}")`).count()) === 0;
      i++
    ) {
      await mailbox.waitForTimeout(100);
      await mailbox.reload();
    }
    const mail = mailbox.locator('article.mail').first();
    await expect(mail.locator('.mail-to').textContent()).resolves.toBe(email);
    await screenshot(mailbox, 'email-dev-mailbox');
    return { verifier, mailbox, mail };
  }

  function callbackCode(state: string): string {
    const callback = new URL(spec.page.url());
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    return callback.searchParams.get('code')!;
  }

  it('signs in by the mail’s link, opened from the mailbox in the same browser', async () => {
    const { t, problems } = spec;
    const email = `newcomer-${Date.now()}@example.com`;
    const { verifier, mailbox, mail } = await askForCode(email, 'email-link');
    await Promise.all([
      mailbox.waitForURL(/\/login\/email\/link\?token=/),
      mail.locator('a[href*="/login/email/link?token="]').click(),
    ]);
    await screenshot(mailbox, 'email-link-page');
    await Promise.all([
      mailbox.waitForURL((url) => url.href.startsWith(client.redirectUri)),
      mailbox.click('form#email-link button[type="submit"]'),
    ]);
    spec.page = mailbox;
    const code = callbackCode('email-link');
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier, client).expect(200);
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
      email,
      email_verified: true,
      amr: ['otp'],
      sub: expect.stringMatching(/^account:/),
    });
    expect(problems).toEqual([]);
  });

  it('signs in by the code typed on the code page', async () => {
    const { t, page, problems } = spec;
    const email = `typist-${Date.now()}@example.com`;
    const { verifier, mail } = await askForCode(email, 'email-code');
    const text = (await mail.locator('.mail-text').textContent()) ?? '';
    const typed = /^\s+(\d{8})$/m.exec(text)?.[1];
    expect(typed).toMatch(/^\d{8}$/);
    await page.fill('#code', typed!);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(client.redirectUri)),
      page.click('form#email-verify button[type="submit"]'),
    ]);
    const code = callbackCode('email-code');
    await exchangeCode(t.app.getHttpServer(), code, verifier, client).expect(200);
    expect(problems).toEqual([]);
  });
});
