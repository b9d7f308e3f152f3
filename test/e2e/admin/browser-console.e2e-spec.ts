/**
 * The admin console at /admin (issue #77) in the project's Chromium at 1,280 px: an operator (the
 * CLI granted the role) adds a passkey of a CDP virtual authenticator on the account page, signs
 * in to the console with it (Proofgate's own /authorize, PKCE, DPoP from the page's WebCrypto
 * key), opens each page, creates a client, edits it and rotates its secret with an overlap, all
 * through the console; the result is checked over HTTP with an admin client's own token, and the
 * secrets the console showed authenticate at /revoke. Screenshots go to docs/images/console-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type OpenedPage, openPage, startBrowserApp } from '../../support/browser-app';
import { passwordLogin } from '../../support/login-page';
import { adminCli } from '../../support/admin-cli';
import { basic } from '../../support/oauth';
import type { TestApp } from '../../support/test-app';
import {
  addVirtualAuthenticator,
  withoutConditionalMediation,
} from '../../support/virtual-authenticator';
import type { Browser } from 'playwright-core';

const IMAGES = join(__dirname, '..', '..', '..', 'docs', 'images');
const AUDITOR = { id: 'console-check', secret: 'console-check-secret-1234' };

describe('the admin console in the browser', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let opened: OpenedPage | undefined;

  beforeAll(async () => {
    ({ t, issuer, browser } = await startBrowserApp(
      {
        RATE_LIMIT_LOGIN_PER_IP: '1000',
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: AUDITOR.id,
            client_secret: AUDITOR.secret,
            grant_types: ['client_credentials'],
            admin_scopes: ['admin:read'],
          },
        ]),
      },
      'localhost',
    ));
    expect(await adminCli(t, ['operators', 'add', 'user0'])).toMatchObject({ code: 0 });
    mkdirSync(IMAGES, { recursive: true });
  });
  afterAll(async () => {
    await opened?.context.close();
    await browser?.close();
    await t?.close();
  });

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: join(IMAGES, `console-${name}.png`), fullPage: true });
  }

  async function openTab(page: Page, name: string) {
    await page.click(`.console-tabs a[data-page="${name}"]`);
    await page.locator(`[data-console-page="${name}"]`).waitFor();
  }

  /** The admin API as an independent admin client sees it. */
  async function overApi(path: string) {
    const token = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(AUDITOR.id, AUDITOR.secret))
      .send({ grant_type: 'client_credentials', scope: 'admin:read' })
      .expect(200);
    return t
      .http()
      .get(path)
      .set('Authorization', `Bearer ${(token.body as { access_token: string }).access_token}`);
  }

  /** Whether `secret` authenticates `clientId` at /revoke (RFC 7009: 200 for any token). */
  async function authenticates(clientId: string, secret: string): Promise<boolean> {
    const res = await t
      .http()
      .post('/revoke')
      .type('form')
      .set('Authorization', basic(clientId, secret))
      .send({ token: 'not-a-token' });
    return res.status === 200;
  }

  it('signs an operator in with a passkey, opens each page, creates a client and rotates its secret', async () => {
    opened = await openPage(browser);
    const { context, page, problems } = opened;
    // The outboxes are shown only where the admin API serves them: a 404 there is asked for.
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400)
        refused.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await withoutConditionalMediation(page);
    await addVirtualAuthenticator(context, page);
    await passwordLogin(page, issuer, 'user0', 'password0', '/account');
    await page.locator('#add-passkey').waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), page.click('#add-passkey')]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();

    // The console: signed out, then Proofgate's login page asks for the passkey (the session's
    // password sign-in does not do), and the console comes back signed in.
    await page.goto(`${issuer}/admin/`);
    await page.locator('#console-sign-in').waitFor({ state: 'visible' });
    await shot(page, 'sign-in');
    await page.click('#console-sign-in');
    await page.waitForURL(/\/login\?/);
    await Promise.all([page.waitForURL(`${issuer}/admin/#overview`), page.click('#passkey-login')]);
    await page.locator('[data-console-page="overview"]').waitFor();
    await expect(page.locator('#console-status').textContent()).resolves.toContain(
      'Signed in as user0 (operator)',
    );
    await shot(page, 'overview');

    await openTab(page, 'users');
    await page.locator('button[data-user="user1"]').waitFor();
    await shot(page, 'users');
    await openTab(page, 'keys');
    await shot(page, 'keys');
    await openTab(page, 'grants');
    await page.fill('#f-user', 'user0');
    await page.click('#grants-search button[type="submit"]');
    await page
      .locator('[data-console-page="grants"] caption', { hasText: 'Login sessions' })
      .waitFor();
    await shot(page, 'grants');

    // A client, created through the console: its secret shown once.
    await openTab(page, 'clients');
    await page.fill('#f-client_id', 'made-in-console');
    await page.fill('#f-client_name', 'Made in the console');
    await page.fill('#f-redirect_uris', 'https://app.example/callback');
    await page.click('#client-add button[type="submit"]');
    const first = (await page.locator('#shown-secret').textContent())!;
    expect(first.length).toBeGreaterThan(20);
    const created = await overApi('/admin/v1/clients/made-in-console');
    expect(created.body).toMatchObject({
      client_id: 'made-in-console',
      client_name: 'Made in the console',
      redirect_uris: ['https://app.example/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(await authenticates('made-in-console', first)).toBe(true);

    // Edited, then its secret rotated with a 2-hour overlap: both secrets work meanwhile.
    await page.click('.console-tabs a[data-page="clients"]');
    await page.locator('[data-console-page="clients"]').waitFor();
    await page.locator('button', { hasText: 'Edit' }).first().click();
    await page.locator('#client-edit').waitFor();
    await page.fill('#client-edit #f-client_name', 'Renamed in the console');
    await page.click('#client-edit button[type="submit"]');
    await page.locator('td', { hasText: 'Renamed in the console' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('2'));
    await page.click('button[data-rotate="made-in-console"]');
    await page.locator('#shown-secret').waitFor();
    const second = (await page.locator('#shown-secret').textContent())!;
    expect(second).not.toBe(first);
    await shot(page, 'clients');
    const secrets = await overApi('/admin/v1/clients/made-in-console/secrets');
    const items = (secrets.body as { items: { expires_at: string | null }[] }).items;
    expect(items).toHaveLength(2);
    const overlapEnds = items.map((item) => item.expires_at).filter((at) => at !== null);
    expect(overlapEnds).toHaveLength(1);
    const hours = (new Date(overlapEnds[0]).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect(await authenticates('made-in-console', first)).toBe(true);
    expect(await authenticates('made-in-console', second)).toBe(true);
    expect((await overApi('/admin/v1/clients/made-in-console')).body).toMatchObject({
      client_name: 'Renamed in the console',
    });

    await openTab(page, 'audit');
    await page.locator('td', { hasText: 'clients.add_secret' }).first().waitFor();
    await shot(page, 'audit');
    const trail = await overApi('/admin/v1/audit?actor=user0');
    expect(
      (trail.body as { items: { action: string }[] }).items.map((record) => record.action),
    ).toEqual(['clients.add_secret', 'clients.update', 'clients.create']);
    const outboxes = refused.filter((line) => /^404 \/admin\/v1\/outboxes\//.test(line));
    expect(refused).toEqual(outboxes);
    expect(problems.filter((problem) => !/status of 404/.test(problem))).toEqual([]);
    expect(problems).toHaveLength(outboxes.length);
  });
});
