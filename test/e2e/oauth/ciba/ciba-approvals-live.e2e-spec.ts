/**
 * /account/approvals stays live (src/public/account-approvals.js) in the project's Chromium: a
 * request made while the page is open appears without a reload, and one answered elsewhere goes;
 * so does the word saying how many are pending past the list, when only that count changed.
 * The page's timers run on Playwright's clock (`runFor`), so nothing waits on real seconds; the
 * page's own problems (CSP violations among them) fail the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { openPage, startBrowserApp } from '../../../support/browser-app';
import { passwordLogin } from '../../../support/login-page';
import { basic } from '../../../support/oauth';
import { addOperatorClient } from '../../../support/operator-clients';
import type { TestApp } from '../../../support/test-app';

const AGENT = 'live-agent';
/** With AGENT, enough clients at their cap (CIBA_MAX_PENDING_PER_CLIENT, 5) for 21 requests. */
const MORE_AGENTS = ['live-agent-1', 'live-agent-2', 'live-agent-3', 'live-agent-4'];
/** The script's period (EVERY_MS). */
const TICK_MS = 4000;

describe('the approvals page, live (CIBA)', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    ({ t, issuer, browser } = await startBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '1000' }));
    for (const clientId of [AGENT, ...MORE_AGENTS]) {
      secrets[clientId] = (await addOperatorClient(t, {
        clientId,
        name: 'Live agent',
        grantTypes: [CIBA_GRANT_TYPE],
      }))!;
    }
    ({ context, page, problems } = await openPage(browser));
    await page.clock.install();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  async function ask(
    message: string,
    clientId = AGENT,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const res = await t
      .http()
      .post('/backchannel')
      .type('form')
      .set('Authorization', basic(clientId, secrets[clientId]))
      .send({ scope: 'openid', login_hint: 'user1', binding_message: message, ...extra });
    expect(res.status).toBe(200);
  }

  const card = (message: string) =>
    page.locator('#approvals-list [data-approval-id]', { hasText: message });

  it('shows a new request without a reload, and drops one answered elsewhere', async () => {
    await passwordLogin(page, issuer, 'user1', 'password1', '/account/approvals');
    await page.locator('#approvals-none').waitFor();
    // Set on this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as unknown as { unreloaded: boolean }).unreloaded = true;
    });

    await ask('live request');
    await page.clock.runFor(TICK_MS);
    await card('live request').waitFor();
    await expect(page.locator('#approvals-none').count()).resolves.toBe(0);

    // Answered from another tab of the same session (here: the page's own fetch).
    const denied = await page.evaluate(async () => {
      const list = (await (
        await fetch('/account/approvals', { headers: { accept: 'application/json' } })
      ).json()) as { approvals: { id: string }[]; csrf_token: string };
      const answer = await fetch(`/account/approvals/${list.approvals[0].id}/deny`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ csrf_token: list.csrf_token }),
      });
      return answer.status;
    });
    expect(denied).toBe(200);
    await page.clock.runFor(TICK_MS);
    await card('live request').waitFor({ state: 'detached' });
    await page.locator('#approvals-none').waitFor();

    // The swapped-in forms still work: a new request, denied with its own button.
    await ask('second request');
    await page.clock.runFor(TICK_MS);
    await card('second request').waitFor();
    await expect(
      page.evaluate(() => (globalThis as unknown as { unreloaded?: boolean }).unreloaded),
    ).resolves.toBe(true);
    await Promise.all([
      page.waitForURL(`${issuer}/account/approvals`),
      card('second request').locator('button.approval-deny').click(),
    ]);
    await page.locator('#approvals-none').waitFor();
    expect(problems).toEqual([]);
  });

  it('says how many are pending past the 20 listed, and drops the word when an unlisted one expires', async () => {
    // The oldest expires first; each request a second after the one before (the list is the newest).
    await ask('oldest', AGENT, { requested_expiry: '60' });
    const clients = [AGENT, ...MORE_AGENTS];
    for (let i = 1; i <= 20; i += 1) {
      t.clock.advance(1);
      await ask(`newer ${i}`, clients[Math.floor(i / 5)]);
    }
    await page.clock.runFor(TICK_MS);
    const unlisted = page.locator('#approvals-list #approvals-unlisted');
    await unlisted.waitFor();
    await expect(unlisted.textContent()).resolves.toBe(
      'Showing 20 of 21 pending requests: answer these to see the rest.',
    );
    await expect(page.locator('#approvals-list [data-approval-id]').count()).resolves.toBe(20);

    // The listed ones stay as they were; only how many are pending changed.
    t.clock.advance(60);
    await page.clock.runFor(TICK_MS);
    await unlisted.waitFor({ state: 'detached' });
    await expect(page.locator('#approvals-list [data-approval-id]').count()).resolves.toBe(20);
    expect(problems).toEqual([]);
  });
});
