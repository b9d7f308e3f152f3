/**
 * Email sign-in end to end, against the embedded SMTP catcher on loopback (a real SMTP server):
 * the login page's form, POST /login/email/start and /verify as a script and as a plain form, the
 * mail's code and link, and every refusal with its own test: 5 wrong codes, a replay, another
 * browser's code, the link in another browser, expiry (the Clock, not a wait), the per-address
 * limit (429, Retry-After, no mail), the account-creation limit, malformed input.
 */
import type { mongo } from 'mongoose';
import { ACCOUNT_METHOD_COLLECTION } from '../../../src/accounts/persistence/account-method.schema';
import { ACCOUNT_COLLECTION } from '../../../src/accounts/persistence/account.schema';
import { USER_COLLECTION } from '../../../src/accounts/users/persistence/user.schema';
import { CHALLENGE_COLLECTION } from '../../../src/challenges/persistence/challenge.schema';
import { MAIL_DELIVERY_COLLECTION } from '../../../src/mail/persistence/mail-delivery.schema';
import {
  type Agent,
  browser,
  emailLoginForm,
  mailTo,
  mailbox,
  requestCode,
  signInByEmail,
} from '../../support/email';
import { sample } from '../../support/metrics';
import { createTestApp, type TestApp } from '../../support/test-app';
import { INVALID_CODE } from '../../../src/email/email-sign-in.service';
import { PROOF_CHALLENGE } from '../../../src/platform/http/proof-challenge';
import { mintSubject } from '../../../src/accounts/account';
import { AccountService } from '../../../src/accounts/account.service';
import { placeInWindow } from '../../support/rate-limit-window';
import { de } from '../../../src/platform/i18n/messages/de';
import { en } from '../../../src/platform/i18n/messages/en';
import { escapeHtml } from '../../../src/platform/http/html';

const FAST = {
  MAIL_POLL_INTERVAL_MS: '50',
  RATE_LIMIT_LOGIN_PER_IP: '1000',
  RATE_LIMIT_EMAIL_CODES_PER_IP: '1000',
  RATE_LIMIT_EMAIL_CODES_PER_BROWSER: '1000',
  ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
};

let counter = 0;
/** An address no other test of the file uses. */
const fresh = (name = 'user') => `${name}-${++counter}-${Date.now()}@example.test`;

/** The subject the browser's login session signs in, from the login page. */
async function signedInAs(agent: Agent): Promise<string | undefined> {
  const page = await agent.get('/login').expect(200);
  return /Signed in as <strong>([^<]+)<\/strong>/.exec(page.text)?.[1];
}

/** POST /login/email/verify from `agent` (JSON): the code and the login page's fields. */
const verify = (agent: Agent, body: object) => agent.post('/login/email/verify').send(body);

/** The right code on a spent challenge: 401 invalid_code, and the browser still signed out. */
async function expectRefusedForGood(agent: Agent, body: object): Promise<void> {
  const res = await verify(agent, body).expect(401);
  expect(res.body).toEqual({ error: 'invalid_code', error_description: INVALID_CODE });
  expect(res.headers['www-authenticate']).toBe(PROOF_CHALLENGE);
  expect(await signedInAs(agent)).toBeUndefined();
}

/** A mail's link opened in `agent`'s browser: its token and the confirmation form's CSRF token. */
async function openLink(agent: Agent, link: string) {
  const token = new URL(link).searchParams.get('token');
  const page = await agent.get(`/login/email/link?token=${token}`).expect(200);
  return { token, csrf: /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1] };
}

/**
 * What `act` answered, and the database commands it sent on `collections` (`find challenges`...,
 * sorted): the same commands for two requests are the same work, so the same time within noise.
 */
async function databaseWork<T>(
  t: TestApp,
  collections: readonly string[],
  act: () => Promise<T>,
): Promise<{ answer: T; commands: string[] }> {
  const commands: string[] = [];
  const seen = (event: mongo.CommandStartedEvent) => {
    const collection = event.command[event.commandName] as unknown;
    if (typeof collection === 'string' && collections.includes(collection)) {
      commands.push(`${event.commandName} ${collection}`);
    }
  };
  t.connection.getClient().on('commandStarted', seen);
  try {
    return { answer: await act(), commands: commands.sort() };
  } finally {
    t.connection.getClient().off('commandStarted', seen);
  }
}

const WRONG = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, '0');

/** A code for `email` asked (by default from a new browser): 429 with Retry-After, no mail queued. */
async function expectNoMoreCodesFor(t: TestApp, email: string, agent = browser(t)): Promise<void> {
  const fields = await emailLoginForm(agent);
  const queued = await t.connection.collection(MAIL_DELIVERY_COLLECTION).countDocuments();
  const res = await agent
    .post('/login/email/start')
    .send({ email, ...fields })
    .expect(429);
  expect(res.body).toMatchObject({ error: 'too_many_requests' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  // At most the codes' window, 15 minutes.
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
  expect(await t.connection.collection(MAIL_DELIVERY_COLLECTION).countDocuments()).toBe(queued);
}

describe('email sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(FAST);
  });
  afterAll(() => t.close());

  it('offers form#email-login with email, csrf_token and return_to on the login page', async () => {
    const page = await browser(t).get('/login?return_to=%2Fauthorize%3Fclient_id%3Dx').expect(200);
    const form =
      /<form method="post" action="\/login\/email\/start" id="email-login">[\s\S]*?<\/form>/.exec(
        page.text,
      )?.[0];
    expect(form).toBeDefined();
    expect(form).toMatch(/<input id="email" name="email" type="email"/);
    expect(form).toMatch(/<input type="hidden" name="csrf_token" value="[^"]+">/);
    expect(form).toContain('<input type="hidden" name="return_to" value="/authorize?client_id=x">');
  });

  it('mails an 8-digit code and a link on the issuer’s origin, and the code signs in a new account, then the same one', async () => {
    const agent = browser(t);
    const email = fresh('alice');
    const mail = await requestCode(t, agent, email);
    expect(mail.subject).toMatch(/^Your sign-in code for /);
    expect(mail.code).toMatch(/^\d{8}$/);
    expect(new URL(mail.link).origin).toBe(t.config.server.issuer);
    expect(new URL(mail.link).searchParams.get('token')).toMatch(/^[\w-]{43}$/);
    const res = await verify(agent, { code: mail.code, ...mail.fields }).expect(200);
    expect(res.body).toEqual({ redirect: '/' });
    const sub = await signedInAs(agent);
    expect(sub).toMatch(/^account:[\w-]{22}$/);
    const method = await t.connection
      .collection(ACCOUNT_METHOD_COLLECTION)
      .findOne({ _id: `email:${email}` as never });
    expect(method).toMatchObject({ sub, type: 'email' });

    // The address signs in to that account again, from another browser too.
    const other = browser(t);
    await signInByEmail(t, other, email.toUpperCase());
    expect(await signedInAs(other)).toBe(sub);
  });

  it('keeps neither the address nor the code in clear in the challenge, nor the mail in the outbox', async () => {
    const agent = browser(t);
    const email = fresh('secret');
    const { code } = await requestCode(t, agent, email);
    const stored = JSON.stringify(
      await t.connection
        .collection(CHALLENGE_COLLECTION)
        .find({ kind: /^email_code/ })
        .toArray(),
    );
    expect(stored).not.toContain(email);
    expect(stored).not.toContain(code);
    const outbox = JSON.stringify(
      await t.connection.collection(MAIL_DELIVERY_COLLECTION).find().toArray(),
    );
    expect(outbox).not.toContain(email);
    expect(outbox).not.toContain(code);
  });

  it('answers an unknown address exactly as a known one, with the same work and no account read, and creates no account before a code is redeemed', async () => {
    const known = fresh('known');
    await signInByEmail(t, browser(t), known);
    const methods = () => t.connection.collection(ACCOUNT_METHOD_COLLECTION).countDocuments();
    const before = await methods();
    // The same work for both (so the same time, within noise): the database commands on the
    // challenges and on every account collection while each answer is made.
    const watched = [
      CHALLENGE_COLLECTION,
      ACCOUNT_COLLECTION,
      ACCOUNT_METHOD_COLLECTION,
      USER_COLLECTION,
    ];
    const answers = [];
    const work: string[][] = [];
    for (const email of [known, fresh('unknown')]) {
      const agent = browser(t);
      const fields = await emailLoginForm(agent);
      const { answer, commands } = await databaseWork(t, watched, async () => {
        const res = await agent.post('/login/email/start').send({ email, ...fields });
        return { status: res.status, body: res.body as unknown, type: res.headers['content-type'] };
      });
      answers.push(answer);
      work.push(commands);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual({
      status: 200,
      body: { sent: true },
      type: 'application/json; charset=utf-8',
    });
    expect(work[0].length).toBeGreaterThan(0);
    expect(work[1]).toEqual(work[0]);
    expect(work[0].filter((command) => !command.endsWith(` ${CHALLENGE_COLLECTION}`))).toEqual([]);
    expect(await methods()).toBe(before);
  });

  it('refuses malformed input with 400 invalid_request, before counting or sending anything', async () => {
    const agent = browser(t);
    const fields = await emailLoginForm(agent);
    const outbox = () => t.connection.collection(MAIL_DELIVERY_COLLECTION).countDocuments();
    const queued = await outbox();
    for (const email of ['not-an-address', 'a@b', '', 'x'.repeat(250) + '@example.test']) {
      const res = await agent
        .post('/login/email/start')
        .send({ email, ...fields })
        .expect(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
    }
    await agent.post('/login/email/start').send(fields).expect(400);
    for (const code of ['1234567', '123456789', 'abcdefgh', 12345678]) {
      const res = await verify(agent, { code, ...fields }).expect(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
    }
    // No CSRF token, or another browser's: invalid_request too.
    await agent
      .post('/login/email/start')
      .send({ email: fresh(), return_to: fields.return_to })
      .expect(400);
    const other = await emailLoginForm(browser(t));
    const res = await agent
      .post('/login/email/start')
      .send({ email: fresh(), ...other })
      .expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
    expect(await outbox()).toBe(queued);
  });

  it('refuses an address with a control or format character, or with a local part that is not ASCII or is quoted, saying why', async () => {
    const agent = browser(t);
    const fields = await emailLoginForm(agent);
    const outbox = () => t.connection.collection(MAIL_DELIVERY_COLLECTION).countDocuments();
    const queued = await outbox();
    const refusals: Record<string, string> = {
      'evil\u202Egpj.com@example.test':
        'email must not contain control or format characters (such as U+202E or U+200B)',
      'a@exa\u200Bmple.test':
        'email must not contain control or format characters (such as U+202E or U+200B)',
      'a@ex\u00ADample.test':
        'email must not contain control or format characters (such as U+202E or U+200B)',
      'p\u0430ypal@example.test':
        'email must have an ASCII part before the @ (internationalised mailboxes are not sent)',
      // The mailer unquotes these: each would be bob@'s inbox as another account and budget.
      ...Object.fromEntries(
        ['"bob"@example.test', '"b\\ob"@example.test', '"victim@gmail.com"@attacker.test'].map(
          (email) => [
            email,
            "email must have a plain part before the @: letters, digits, dots between them and !#$%&'*+-/=?^_`{|}~ (no quotes, spaces or backslashes)",
          ],
        ),
      ),
    };
    for (const [email, description] of Object.entries(refusals)) {
      const res = await agent
        .post('/login/email/start')
        .send({ email, ...fields })
        .expect(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    }
    expect(await outbox()).toBe(queued);
  });

  it('takes an internationalised domain and its punycode as one address: one account, one key, mail to the ASCII form', async () => {
    const name = `bob-${++counter}-${Date.now()}`;
    const unicode = `${name}@b\u00FCcher.test`;
    const punycode = `${name}@xn--bcher-kva.test`;
    const first = browser(t);
    await signInByEmail(t, first, unicode.toUpperCase());
    const sub = await signedInAs(first);
    const second = browser(t);
    await signInByEmail(t, second, punycode);
    expect(await signedInAs(second)).toBe(sub);
    expect((await mailbox(t)).filter((mail) => mail.to === punycode)).toHaveLength(2);
    const keys = await t.connection
      .collection(ACCOUNT_METHOD_COLLECTION)
      .find({ sub } as never)
      .toArray();
    expect(keys.map((method) => method._id)).toEqual([`email:${punycode}`]);
  });

  it('signs in to the account an earlier release keyed by the Unicode domain, rather than making another', async () => {
    const name = `legacy-${++counter}-${Date.now()}`;
    const sub = mintSubject();
    // What a release before addresses were normalised stored for a Unicode domain, as typed.
    await t.app.get(AccountService).link(sub, `email:${name}@b\u00FCcher.test`, 'operator');
    const agent = browser(t);
    await signInByEmail(t, agent, `${name}@xn--bcher-kva.test`);
    expect(await signedInAs(agent)).toBe(sub);
    expect(
      await t.connection
        .collection(ACCOUNT_METHOD_COLLECTION)
        .countDocuments({ _id: `email:${name}@xn--bcher-kva.test` } as never),
    ).toBe(0);
  });

  it('takes 5 wrong codes, then refuses the right one too: 401 invalid_code', async () => {
    const agent = browser(t);
    const { code, fields } = await requestCode(t, agent, fresh('guess'));
    for (let i = 0; i < 5; i++) {
      const res = await verify(agent, { code: WRONG(code), ...fields }).expect(401);
      expect(res.body).toEqual({ error: 'invalid_code', error_description: INVALID_CODE });
    }
    await expectRefusedForGood(agent, { code, ...fields });
  });

  it('signs in after 4 wrong codes (the fifth attempt is the right code)', async () => {
    const agent = browser(t);
    const { code, fields } = await requestCode(t, agent, fresh('typo'));
    for (let i = 0; i < 4; i++) {
      await verify(agent, { code: WRONG(code), ...fields }).expect(401);
    }
    await verify(agent, { code, ...fields }).expect(200);
  });

  it('redeems a code once: the same code again is 401 invalid_code, and so is the link', async () => {
    const agent = browser(t);
    const { code, link, fields } = await requestCode(t, agent, fresh('replay'));
    await verify(agent, { code, ...fields }).expect(200);
    const again = await verify(agent, { code, ...fields }).expect(401);
    expect(again.body).toMatchObject({ error: 'invalid_code' });
    const { token, csrf } = await openLink(agent, link);
    const res = await agent.post('/login/email/link').send({ token, csrf_token: csrf }).expect(401);
    expect(res.body).toMatchObject({ error: 'invalid_code' });
  });

  it('redeems a code once under concurrency: of 10 submissions at once, and of the code and link together, one signs in', async () => {
    const agent = browser(t);
    const { code, fields } = await requestCode(t, agent, fresh('race'));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => verify(agent, { code, ...fields })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, ...Array(9).fill(401)]);

    const other = browser(t);
    const both = await requestCode(t, other, fresh('race-link'));
    const { token, csrf } = await openLink(other, both.link);
    const [byCode, byLink] = await Promise.all([
      verify(other, { code: both.code, ...both.fields }),
      other.post('/login/email/link').send({ token, csrf_token: csrf }),
    ]);
    expect([byCode.status, byLink.status].sort()).toEqual([200, 401]);
  });

  it('counts wrong codes sent at once: 10 wrong together spend the challenge, the right one is then refused', async () => {
    const agent = browser(t);
    const { code, fields } = await requestCode(t, agent, fresh('burst'));
    const wrong = await Promise.all(
      Array.from({ length: 10 }, () => verify(agent, { code: WRONG(code), ...fields })),
    );
    expect(wrong.map((res) => res.status)).toEqual(Array(10).fill(401));
    await expectRefusedForGood(agent, { code, ...fields });
  });

  it('answers a code live in another browser exactly as any wrong code, with the same work, and it costs that browser nothing', async () => {
    const owner = browser(t);
    const { code, fields } = await requestCode(t, owner, fresh('owner'));
    // A browser with a code of its own, and one with none, each try the owner's code and a wrong one.
    const guesser = browser(t);
    const guesserFields = (await requestCode(t, guesser, fresh('guesser'))).fields;
    const stranger = browser(t);
    const strangerFields = await emailLoginForm(stranger);
    const guess = (agent: Agent, body: object) =>
      databaseWork(t, [CHALLENGE_COLLECTION], async () => {
        const res = await verify(agent, body);
        return { status: res.status, body: res.body as unknown };
      });
    for (const [agent, own] of [
      [guesser, guesserFields],
      [stranger, strangerFields],
    ] as const) {
      const matched = await guess(agent, { code, ...own });
      const missed = await guess(agent, { code: WRONG(code), ...own });
      expect(matched.answer).toEqual({
        status: 401,
        body: { error: 'invalid_code', error_description: INVALID_CODE },
      });
      expect(missed.answer).toEqual(matched.answer);
      expect(matched.commands.length).toBeGreaterThan(0);
      expect(missed.commands).toEqual(matched.commands);
    }
    expect(await signedInAs(guesser)).toBeUndefined();
    expect(await signedInAs(stranger)).toBeUndefined();
    // The owner still has all 5 attempts: 4 wrong codes, then its code signs in.
    for (let i = 0; i < 4; i++) {
      await verify(owner, { code: WRONG(code), ...fields }).expect(401);
    }
    await verify(owner, { code, ...fields }).expect(200);
  });

  it('signs in by the link opened in the same browser: a confirmation page, then a 303 to return_to', async () => {
    const agent = browser(t);
    const returnTo = '/authorize?client_id=demo-client&response_type=code';
    const { link } = await requestCode(t, agent, fresh('link'), returnTo);
    const page = await agent
      .get(new URL(link).pathname + new URL(link).search)
      .set('Accept', 'text/html')
      .expect(200);
    const form =
      /<form method="post" action="\/login\/email\/link" id="email-link">[\s\S]*?<\/form>/.exec(
        page.text,
      )?.[0];
    expect(form).toBeDefined();
    // Opening the link signed nobody in.
    expect(await signedInAs(agent)).toBeUndefined();
    const token = /name="token" value="([^"]+)"/.exec(form!)?.[1];
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(form!)?.[1];
    const res = await agent
      .post('/login/email/link')
      .set('Accept', 'text/html')
      .type('form')
      .send({ token, csrf_token: csrf })
      .expect(303);
    expect(res.headers.location).toBe(returnTo);
    expect(await signedInAs(agent)).toMatch(/^account:/);
  });

  it('refuses the link in another browser, and the code still works where it was asked for', async () => {
    const owner = browser(t);
    const { code, link, fields } = await requestCode(t, owner, fresh('link-thief'));
    const thief = browser(t);
    const { token, csrf } = await openLink(thief, link);
    const res = await thief.post('/login/email/link').send({ token, csrf_token: csrf }).expect(401);
    expect(res.body).toMatchObject({ error: 'invalid_code' });
    expect(await signedInAs(thief)).toBeUndefined();
    await verify(owner, { code, ...fields }).expect(200);
  });

  it('refuses a code after its 10 minutes (the service’s clock moved, nobody waited)', async () => {
    const agent = browser(t);
    const { code, fields } = await requestCode(t, agent, fresh('late'));
    t.clock.advance(601);
    try {
      const res = await verify(agent, { code, ...fields }).expect(401);
      expect(res.body).toMatchObject({ error: 'invalid_code' });
    } finally {
      t.clock.advance(-601);
    }
  });

  it('replaces the browser’s earlier code with a new one', async () => {
    const agent = browser(t);
    const email = fresh('twice');
    const first = await requestCode(t, agent, email);
    const second = await requestCode(t, agent, email);
    await verify(agent, { code: first.code, ...second.fields }).expect(401);
    await verify(agent, { code: second.code, ...second.fields }).expect(200);
  });

  it('goes back to a pending authorization request, as POST /login/siwe does', async () => {
    const returnTo = '/authorize?response_type=code&client_id=demo-client';
    expect(await signInByEmail(t, browser(t), fresh('pending'), returnTo)).toEqual({
      redirect: returnTo,
    });
    expect(await signInByEmail(t, browser(t), fresh('offsite'), 'https://evil.example/')).toEqual({
      redirect: '/',
    });
  });

  it('says why a plain form was refused in the page’s language', async () => {
    const agent = browser(t);
    const fields = await emailLoginForm(agent);
    const forged = await agent
      .post('/login/email/start')
      .set('Accept', 'text/html')
      .type('form')
      .send({ email: fresh('forged'), ...fields, csrf_token: 'forged', ui_locales: 'de' })
      .expect(400);
    expect(forged.text).toContain('<html lang="de">');
    expect(forged.text).toContain(
      `<p id="email-error" role="alert">${escapeHtml(de['login.error.csrf.mismatch'])}</p>`,
    );
    // A script still reads the server's words.
    const script = await agent
      .post('/login/email/start')
      .send({ email: fresh('forged'), ...fields, csrf_token: 'forged', ui_locales: 'de' })
      .expect(400);
    expect(script.body.error_description).toBe(en['login.error.csrf.mismatch']);
  });

  it('works as plain forms for a browser without the page’s script: the code page, then 303', async () => {
    const agent = browser(t);
    const email = fresh('form');
    const fields = await emailLoginForm(agent);
    const page = await agent
      .post('/login/email/start')
      .set('Accept', 'text/html')
      .type('form')
      .send({ email, ...fields })
      .expect(200);
    expect(page.text).toContain(
      '<form method="post" action="/login/email/verify" id="email-verify">',
    );
    expect(page.text).toContain('href="/dev/mailbox"');
    const { code } = await mailTo(t, email);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
    const wrong = await agent
      .post('/login/email/verify')
      .set('Accept', 'text/html')
      .type('form')
      .send({ code: WRONG(code), csrf_token: csrf, return_to: '/' })
      .expect(401);
    expect(wrong.text).toContain(`<p id="email-error" role="alert">${INVALID_CODE}</p>`);
    // RFC 9110 §15.5.2: the page's 401 challenges too; no browser prompts for this scheme.
    expect(wrong.headers['www-authenticate']).toBe(PROOF_CHALLENGE);
    const res = await agent
      .post('/login/email/verify')
      .set('Accept', 'text/html')
      .type('form')
      .send({ code, csrf_token: csrf, return_to: '/' })
      .expect(303);
    expect(res.headers.location).toBe('/');
  });

  it('feeds the email model’s series: codes issued and redeemed, proofs by outcome', async () => {
    await signInByEmail(t, browser(t), fresh('metrics'));
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(
      sample(metrics, 'proofgate_challenge_verifications_total', {
        model: 'email',
        outcome: 'success',
      }),
    ).toBeGreaterThan(0);
    expect(
      sample(metrics, 'proofgate_challenge_verifications_total', {
        model: 'email',
        outcome: 'invalid_code',
      }),
    ).toBeGreaterThan(0);
  });
});

describe('email sign-in limits', () => {
  /** One more code asked for a new address from `agent`'s login page: refused, 429. */
  it('sends at most 5 codes to one address per 15 minutes: then 429 with Retry-After, and no mail', async () => {
    const t = await createTestApp({ ...FAST });
    try {
      // The codes' window is 15 minutes.
      placeInWindow([t], 0, true, 900);
      const email = fresh('flood');
      for (let i = 0; i < 5; i++) await requestCode(t, browser(t), email);
      await expectNoMoreCodesFor(t, email);
      // Another address is not held back by it.
      await requestCode(t, browser(t), fresh('other'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await mailbox(t)).filter((m) => m.to === email)).toHaveLength(5);
      expect(await t.connection.collection(MAIL_DELIVERY_COLLECTION).countDocuments()).toBe(6);
    } finally {
      await t.close();
    }
  });

  it('counts an internationalised domain and its punycode as one address, and subaddresses as one mailbox', async () => {
    const t = await createTestApp({ ...FAST });
    try {
      placeInWindow([t], 0, true, 900);
      const name = `flood-${++counter}-${Date.now()}`;
      // RATE_LIMIT_EMAIL_CODES_PER_ADDRESS (5): both forms of one address together.
      for (let i = 0; i < 5; i++) {
        await requestCode(t, browser(t), `${name}@${i % 2 ? 'xn--bcher-kva' : 'b\u00FCcher'}.test`);
      }
      await expectNoMoreCodesFor(t, `${name}@b\u00FCcher.test`);
      await expectNoMoreCodesFor(t, `${name}@xn--bcher-kva.test`);
      // RATE_LIMIT_EMAIL_CODES_PER_MAILBOX (10): victim+1@ ... victim+10@ fill victim@'s inbox.
      const victim = `victim-${counter}`;
      for (let i = 1; i <= 10; i++) await requestCode(t, browser(t), `${victim}+${i}@example.test`);
      await expectNoMoreCodesFor(t, `${victim}+11@example.test`);
      await expectNoMoreCodesFor(t, `${victim}@example.test`);
      // Another mailbox is not held back by it.
      await requestCode(t, browser(t), `${victim}x+1@example.test`);
    } finally {
      await t.close();
    }
  });

  it('limits codes per browser and per IP too', async () => {
    const t = await createTestApp({ ...FAST, RATE_LIMIT_EMAIL_CODES_PER_BROWSER: '2' });
    try {
      const agent = browser(t);
      await requestCode(t, agent, fresh());
      await requestCode(t, agent, fresh());
      await expectNoMoreCodesFor(t, fresh(), agent);
    } finally {
      await t.close();
    }
    const u = await createTestApp({ ...FAST, RATE_LIMIT_EMAIL_CODES_PER_IP: '1' });
    try {
      await requestCode(u, browser(u), fresh());
      await expectNoMoreCodesFor(u, fresh());
    } finally {
      await u.close();
    }
  });

  it('creates accounts under ACCOUNT_CREATIONS_PER_IP_PER_HOUR: a new address past it gets 429', async () => {
    const t = await createTestApp({ ...FAST, ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1' });
    try {
      placeInWindow([t], 0, true, 3600);
      const known = fresh('first');
      await signInByEmail(t, browser(t), known);
      const agent = browser(t);
      const { code, fields } = await requestCode(t, agent, fresh('second'));
      const res = await verify(agent, { code, ...fields }).expect(429);
      expect(res.body).toMatchObject({ error: 'too_many_requests' });
      expect(res.headers['retry-after']).toBeDefined();
      // An existing account still signs in: only creations are counted.
      await signInByEmail(t, browser(t), known);
    } finally {
      await t.close();
    }
  });

  it('is off with EMAIL_LOGIN=false: no form on the login page, 404 not_found at the endpoints', async () => {
    const t = await createTestApp({ EMAIL_LOGIN: 'false' });
    try {
      const agent = browser(t);
      const page = await agent.get('/login').expect(200);
      expect(page.text).not.toContain('id="email-login"');
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
      const res = await agent
        .post('/login/email/start')
        .send({ email: fresh(), csrf_token: csrf })
        .expect(404);
      expect(res.body).toMatchObject({ error: 'not_found' });
    } finally {
      await t.close();
    }
  });
});
