/**
 * Issue #76's email findings, driven against the running service over HTTP only (mail read at
 * /dev/mailbox, as a development instance keeps it): every refused code answers the same, a code
 * live in another browser costs that browser nothing, an internationalised domain and its
 * punycode are one account, invisible characters and non-ASCII local parts are refused (by the
 * operator's CLI too), and one mailbox has one mail budget whatever its subaddresses.
 */
import { randomBytes } from 'node:crypto';
import { CookieBrowser } from '../support/cookie-browser';
import { requestCodeAt, signInByEmailAt } from '../support/email';
import { useAcceptanceService } from './service';

const service = useAcceptanceService();

/** An address of its own for each test: `<name>-<random>@<domain>`. */
const fresh = (name: string, domain = 'example.test') =>
  `${name}-${randomBytes(4).toString('hex')}@${domain}`;

const WRONG = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, '0');

/** POST /login/email/verify from `browser`: its status and JSON body. */
async function verify(browser: CookieBrowser, body: object) {
  const res = await browser.postJson(`${service().issuer}/login/email/verify`, body);
  return { status: res.status, body: await res.json() };
}

/** The subject `browser`'s login session signs in, from its login page. */
async function signedInAs(browser: CookieBrowser): Promise<string | undefined> {
  const page = await (await browser.get(`${service().issuer}/login`)).text();
  return /Signed in as <strong>([^<]+)<\/strong>/.exec(page)?.[1];
}

/** The login page's email form fields of a new browser. */
async function emailForm(browser: CookieBrowser) {
  const page = await (await browser.get(`${service().issuer}/login`)).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
  return { csrf_token: field('csrf_token')!, return_to: '/' };
}

/** POST /login/email/start for `email` from a new browser: its status and JSON body. */
async function start(email: string) {
  const browser = new CookieBrowser();
  const res = await browser.postJson(`${service().issuer}/login/email/start`, {
    email,
    ...(await emailForm(browser)),
  });
  return { status: res.status, body: await res.json() };
}

describe('email codes (issue #76)', () => {
  it('answers a code live in another browser as it answers any wrong code, and the code still signs in where it was sent', async () => {
    const owner = new CookieBrowser();
    const { code, fields } = await requestCodeAt(service().issuer, owner, fresh('owner'));
    const guesser = new CookieBrowser();
    const own = await requestCodeAt(service().issuer, guesser, fresh('guesser'));
    const matched = await verify(guesser, { ...own.fields, code });
    const missed = await verify(guesser, { ...own.fields, code: WRONG(code) });
    expect(matched.status).toBe(401);
    expect(matched.body).toMatchObject({ error: 'invalid_code' });
    expect(missed).toEqual(matched);
    // A browser without a code of its own is answered the same, both ways.
    const stranger = new CookieBrowser();
    const strangerFields = await emailForm(stranger);
    expect(await verify(stranger, { ...strangerFields, code })).toEqual(matched);
    expect(await verify(stranger, { ...strangerFields, code: WRONG(code) })).toEqual(matched);
    // Those two tries cost the owner nothing: 4 wrong codes of its own, then its code signs in.
    for (let i = 0; i < 4; i++)
      expect(await verify(owner, { ...fields, code: WRONG(code) })).toEqual(matched);
    expect((await verify(owner, { ...fields, code })).status).toBe(200);
    expect(await signedInAs(guesser)).toBeUndefined();
    expect(await signedInAs(owner)).toMatch(/^account:/);
  });

  it('signs an internationalised domain and its punycode in to one account', async () => {
    const name = `idn-${randomBytes(4).toString('hex')}`;
    const unicode = new CookieBrowser();
    await signInByEmailAt(service().issuer, unicode, `${name}@B\u00DCCHER.test`);
    const punycode = new CookieBrowser();
    await signInByEmailAt(service().issuer, punycode, `${name}@xn--bcher-kva.test`);
    expect(await signedInAs(unicode)).toMatch(/^account:/);
    expect(await signedInAs(punycode)).toBe(await signedInAs(unicode));
  });

  it('refuses an address with a format character or a local part that is not ASCII, at the login page and in the CLI', async () => {
    expect(await start('evil\u202Egpj.com@example.test')).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          'email must not contain control or format characters (such as U+202E or U+200B)',
      },
    });
    expect(await start('p\u0430ypal@example.test')).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          'email must have an ASCII part before the @ (internationalised mailboxes are not sent)',
      },
    });
    const linked = await service().admin([
      'accounts',
      'link',
      '--user',
      'user0',
      '--email',
      'a\u200B@example.test',
    ]);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toBe(
      'proofgate-admin: not an email address Proofgate takes: it must not contain control or format characters (such as U+202E or U+200B)\n',
    );
  });

  it('sends one mailbox at most 10 codes per 15 minutes, whatever its subaddresses', async () => {
    const victim = `victim-${randomBytes(4).toString('hex')}`;
    for (let i = 1; i <= 10; i++) {
      expect(await start(`${victim}+${i}@example.test`)).toEqual({
        status: 200,
        body: { sent: true },
      });
    }
    for (const email of [`${victim}+11@example.test`, `${victim}@example.test`]) {
      expect(await start(email)).toMatchObject({
        status: 429,
        body: { error: 'too_many_requests' },
      });
    }
    expect((await start(`${victim}-other+1@example.test`)).status).toBe(200);
  });
});
