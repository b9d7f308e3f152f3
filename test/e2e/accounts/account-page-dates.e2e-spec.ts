/**
 * The /account page's times: readable, as the person's language writes them, in UTC, with the
 * exact instant in `<time datetime>`; and
 * the account's original method (the password of a password user) is not dated by the link
 * that first listed it, which is not when it was added.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AccountService } from '../../../src/accounts/account.service';
import { login } from '../../support/oauth';
import { useTestApp } from '../../support/use-test-app';

/** `Jan 31, 2026, 2:05 PM UTC` of an instant, as `locale` writes it (`31. Jan. 2026, 14:05 UTC`). */
const readable = (date: Date, locale = 'en') =>
  new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(date);

describe('GET /account: dates', () => {
  const t = useTestApp();

  it('shows each time readably in UTC, and no date of the link for the original method', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const walletKey = `eip155:1:${wallet.address}`;
    // user0's password predates this: the link is the account's first, which lists the password too.
    const linked = await t.app.get(AccountService).link('user0', walletKey, 'operator');

    const browser = request.agent(t.app.getHttpServer());
    await login(browser, '/account', 'user0', 'password0');
    const page = (await browser.get('/account').expect(200)).text;

    const rows = [...page.matchAll(/<tr data-method-type="(\w+)">(.*?)<\/tr>/g)].map((m) => m[2]);
    expect(rows).toHaveLength(2);
    const [password, linkedWallet] = rows;
    expect(password).toContain('<code>password:user0</code>');
    expect(password).toContain('<td><span class="muted">with the account</span></td>');
    expect(password).not.toContain('<time');
    expect(linkedWallet).toContain(`<code>${walletKey}</code>`);
    expect(linkedWallet).toContain(
      `<td><time datetime="${linked.addedAt.toISOString()}">${readable(linked.addedAt)}</time></td>`,
    );

    // The login session's times too: never a bare ISO timestamp in the text.
    const sessions = page.slice(page.indexOf('<table id="account-sessions">'));
    const [, instant, shown] = /<td><time datetime="([^"]+)">([^<]+)<\/time><\/td>/.exec(sessions)!;
    expect(shown).toBe(readable(new Date(instant)));
    const text = page.replace(/<[^>]*>/g, ' ');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);

    // In German, as German writes it.
    const german = (await browser.get('/account').set('Accept-Language', 'de').expect(200)).text;
    expect(german).toContain(
      `<time datetime="${linked.addedAt.toISOString()}">${readable(linked.addedAt, 'de')}</time>`,
    );
    expect(readable(linked.addedAt, 'de')).toMatch(/^\d{1,2}\. \S+ \d{4}, \d\d:\d\d UTC$/);
  });
});
