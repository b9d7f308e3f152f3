/**
 * The admin console at /admin (issue #77) in the project's Chromium at 1,280 px: an operator (the
 * CLI granted the role) adds a passkey of a CDP virtual authenticator on the account page, signs
 * in to the console with it (Proofgate's own /authorize, PKCE, DPoP from the page's WebCrypto
 * key), opens each page, sees on the overview a security event a replayed code caused, creates a
 * client with a registered scope (one no one grants refused first), edits it (its scope emptied,
 * which removes it, then set again), rotates its secret with an overlap asked in the page's own dialog, and removes
 * it after the page's confirmation (cancelled once by keyboard), all through the console: never a
 * browser dialog (prompt, confirm). The result is checked over HTTP with an admin client's own
 * token, and the secrets the console showed authenticate at /revoke. Screenshots go to
 * docs/images/console-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { accessibilityViolations } from '../../support/accessibility';
import { type OpenedPage, openPage, startBrowserApp } from '../../support/browser-app';
import request from 'supertest';
import { passwordLogin } from '../../support/login-page';
import { adminCli } from '../../support/admin-cli';
import { basic, exchangeCode, login, obtainCode } from '../../support/oauth';
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
    // A security event for the overview: a code redeemed, then replayed by its client.
    const agent = request.agent(t.app.getHttpServer());
    await login(agent, '/', 'user1', 'password1');
    const { code, verifier } = await obtainCode(agent);
    await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    await exchangeCode(t.app.getHttpServer(), code, verifier).expect(400);
    mkdirSync(IMAGES, { recursive: true });
  });
  afterAll(async () => {
    await opened?.context.close();
    await browser?.close();
    await t?.close();
  });

  /** What axe-core finds on the console's pages where they are shown (docs/LANGUAGES.md). */
  const inaccessible: string[] = [];

  /**
   * The whole page; `viewport`: what the window shows (a modal dialog over its backdrop). Each
   * page shown is checked with axe-core too.
   */
  async function shot(page: Page, name: string, fullPage = true) {
    await page.screenshot({ path: join(IMAGES, `console-${name}.png`), fullPage });
    inaccessible.push(...(await accessibilityViolations(page, `console ${name}`)));
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
    // The console asks in the page: a browser dialog (prompt, confirm, alert) fails the test.
    const nativeDialogs: string[] = [];
    page.on('dialog', (dialog) => {
      nativeDialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
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
    // The replayed code, beside health, keys, outboxes and the audit.
    const recent = page.locator('#overview-security-events tbody tr');
    await expect(recent.count()).resolves.toBe(1);
    await expect(recent.locator('td').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      'authorization_code_replay',
      'client_id=demo-client',
      '1',
      expect.stringMatching(/^\d{4}-/),
    ]);
    await shot(page, 'overview');

    await openTab(page, 'security');
    await page.selectOption('#f-type', 'refresh_token_reuse');
    await page.click('#security-filter button[type="submit"]');
    await page.waitForURL(/#security\?type=refresh_token_reuse$/);
    await page.locator('[data-console-page="security"] td', { hasText: 'None.' }).waitFor();
    await page.selectOption('#f-type', '');
    await page.click('#security-filter button[type="submit"]');
    await page.waitForURL(/#security$/);
    await page
      .locator('[data-console-page="security"] td', { hasText: 'outcome=grant_revoked' })
      .waitFor();
    await shot(page, 'security');

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

    // A client, created through the console: its secret shown once. A scope no one grants is
    // refused first, in the admin API's words, and nothing is made.
    await openTab(page, 'clients');
    const rowOf = (clientId: string) =>
      page.locator('[data-console-page="clients"] tbody tr', {
        has: page.locator('td', { hasText: new RegExp(`^${clientId}$`) }),
      });
    // A client without a registered scope may ask for any (RFC 7591 §2).
    await expect(rowOf('demo-client').locator('td').nth(4).textContent()).resolves.toBe('any');
    await page.fill('#f-client_id', 'made-in-console');
    await page.fill('#f-client_name', 'Made in the console');
    await page.fill('#f-redirect_uris', 'https://app.example/callback');
    await page.fill('#f-scope', 'openid nobody:grants');
    await page.click('#client-add button[type="submit"]');
    await page.locator('#console-alert', { hasText: 'nobody:grants' }).waitFor();
    await expect(page.locator('#console-alert').textContent()).resolves.toBe(
      "scope names nobody:grants, neither this server's scope nor one RESOURCE_SERVERS declares",
    );
    expect((await overApi('/admin/v1/clients/made-in-console')).status).toBe(404);
    await page.fill('#f-scope', 'openid  profile');
    await page.click('#client-add button[type="submit"]');
    const first = (await page.locator('#shown-secret').textContent())!;
    expect(first.length).toBeGreaterThan(20);
    const created = await overApi('/admin/v1/clients/made-in-console');
    expect(created.body).toMatchObject({
      client_id: 'made-in-console',
      client_name: 'Made in the console',
      redirect_uris: ['https://app.example/callback'],
      scope: 'openid profile',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(await authenticates('made-in-console', first)).toBe(true);
    await expect(rowOf('made-in-console').locator('td').nth(4).textContent()).resolves.toBe(
      'openid profile',
    );

    // Edited (its scope emptied, which removes it; then renamed, a scope set again), then its
    // secret rotated with a 2-hour overlap: both secrets work meanwhile.
    await page.click('.console-tabs a[data-page="clients"]');
    await page.locator('[data-console-page="clients"]').waitFor();
    const edit = async () => {
      await page.locator('button', { hasText: 'Edit' }).first().click();
      await page.locator('#client-edit').waitFor();
    };
    await edit();
    await expect(page.inputValue('#client-edit #f-scope')).resolves.toBe('openid profile');
    // Emptied, the scope is removed (PATCH sends null): the client may ask for any again.
    const hint = await page.locator('#client-edit #f-scope').getAttribute('aria-describedby');
    await expect(page.locator(`#${hint}`).textContent()).resolves.toBe(
      "The only scopes it may ask for; empty: any. Emptying a client's scope removes the limit.",
    );
    await page.fill('#client-edit #f-scope', '');
    await page.click('#client-edit button[type="submit"]');
    await page.locator('#client-edit').waitFor({ state: 'detached' });
    await expect(rowOf('made-in-console').locator('td').nth(4).textContent()).resolves.toBe('any');
    const unscoped = await overApi('/admin/v1/clients/made-in-console');
    expect(unscoped.body).toMatchObject({ client_name: 'Made in the console' });
    expect(unscoped.body).not.toHaveProperty('scope');
    await edit();
    await expect(page.inputValue('#client-edit #f-scope')).resolves.toBe('');
    await page.fill('#client-edit #f-client_name', 'Renamed in the console');
    await page.fill('#client-edit #f-scope', 'openid');
    await page.click('#client-edit button[type="submit"]');
    await page.locator('td', { hasText: 'Renamed in the console' }).waitFor();
    await expect(rowOf('made-in-console').locator('td').nth(4).textContent()).resolves.toBe(
      'openid',
    );
    // An overlap past CLIENT_SECRET_OVERLAP_MAX_SECONDS (30 days) is refused in the units a
    // person reads, not in the API's seconds alone; no secret is made.
    await page.click('button[data-rotate="made-in-console"]');
    await page.fill('#f-overlap_hours', '1000');
    await page.locator('dialog#rotate-dialog button[type="submit"]').click();
    await page.locator('#console-alert', { hasText: 'at most' }).waitFor();
    await expect(page.locator('#console-alert').textContent()).resolves.toBe(
      'the previous secret may keep working at most 30d (CLIENT_SECRET_OVERLAP_MAX_SECONDS: 2592000 s), not 1000h',
    );
    expect((await overApi('/admin/v1/clients/made-in-console/secrets')).body.items).toHaveLength(1);
    // The overlap is asked in the page's own dialog, its field focused first.
    await page.click('button[data-rotate="made-in-console"]');
    const rotation = page.locator('dialog#rotate-dialog');
    await rotation.waitFor();
    // A modal <dialog> (showModal): open, the rest of the page inert, its field focused.
    await expect(rotation.getAttribute('open')).resolves.toBe('');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('f-overlap_hours');
    await page.fill('#f-overlap_hours', '2');
    await shot(page, 'rotate', false);
    await rotation.locator('button[type="submit"]').click();
    await page.locator('#shown-secret').waitFor();
    await expect(rotation.count()).resolves.toBe(0);
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
      scope: 'openid',
    });

    // Removal asks first, in the page: Escape cancels (nothing removed), the button confirms.
    await page.click('button[data-remove="made-in-console"]');
    const removal = page.locator('dialog#remove-dialog');
    await removal.waitFor();
    await expect(removal.locator('h2').textContent()).resolves.toBe('Remove made-in-console?');
    await page.keyboard.press('Escape');
    await removal.waitFor({ state: 'detached' });
    await expect(page.evaluate("document.activeElement.getAttribute('data-remove')")).resolves.toBe(
      'made-in-console',
    );
    expect((await overApi('/admin/v1/clients/made-in-console')).status).toBe(200);
    await page.click('button[data-remove="made-in-console"]');
    await removal.locator('button', { hasText: 'Remove made-in-console' }).click();
    await page.locator('button[data-remove="made-in-console"]').waitFor({ state: 'detached' });
    expect((await overApi('/admin/v1/clients/made-in-console')).status).toBe(404);
    expect(await authenticates('made-in-console', second)).toBe(false);

    await openTab(page, 'audit');
    await page.locator('td', { hasText: 'clients.add_secret' }).first().waitFor();
    await shot(page, 'audit');
    const trail = await overApi('/admin/v1/audit?actor=user0');
    expect(
      (trail.body as { items: { action: string; outcome: string }[] }).items.map(
        (record) => `${record.action} ${record.outcome}`,
      ),
    ).toEqual([
      'clients.delete done',
      'clients.add_secret done',
      'clients.add_secret refused',
      'clients.update done',
      'clients.update done',
      'clients.create done',
      'clients.create refused',
    ]);
    expect(nativeDialogs).toEqual([]);
    expect(inaccessible).toEqual([]);
    // Refused: the outboxes nobody configured, and (above) the scope no one grants and the
    // overlap asked too long.
    const outboxes = refused.filter((line) => /^404 \/admin\/v1\/outboxes\//.test(line));
    const unknownScope = '400 /admin/v1/clients';
    const tooLong = '400 /admin/v1/clients/made-in-console/secrets';
    expect(refused).toEqual(expect.arrayContaining(outboxes));
    expect(refused.filter((line) => !outboxes.includes(line))).toEqual([unknownScope, tooLong]);
    expect(problems.filter((problem) => !/status of (404|400)/.test(problem))).toEqual([]);
    expect(problems).toHaveLength(outboxes.length + 2);
  });
});
