/**
 * Email addresses on accounts: adding one needs a recent login and the code mailed to it (the
 * account page's forms and the `account`-scoped API); an account signs in with its verified
 * address (recovery), and `email` / `email_verified` come with the `email` scope; but a login by
 * an email code alone never changes the methods of an account that holds a passkey, wallet or
 * password, and never achieves `phr`. The admin CLI lists, links and removes addresses.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { adminCli } from '../../support/admin-cli';
import { accountToken } from '../../support/accounts';
import { browser, mailTo, signInByEmail, unescapeHtml, type Agent } from '../../support/email';
import { login, tokensFor } from '../../support/oauth';
import { createTestApp, type TestApp } from '../../support/test-app';
import { INVALID_CODE } from '../../../src/email/email-sign-in.service';

let counter = 0;
const fresh = (name = 'user') => `${name}-${++counter}-${Date.now()}@example.test`;

const csrfOf = (html: string) => unescapeHtml(/name="csrf_token" value="([^"]+)"/.exec(html)![1]);

describe('email addresses on accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      MAIL_POLL_INTERVAL_MS: '50',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      RATE_LIMIT_EMAIL_CODES_PER_IP: '1000',
      RATE_LIMIT_EMAIL_CODES_PER_BROWSER: '1000',
      ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
    });
  });
  afterAll(() => t.close());

  /** The account page's token, and whether it offers to add an address. */
  async function accountPage(agent: Agent) {
    const page = await agent.get('/account').expect(200);
    return { html: page.text, csrf: csrfOf(page.text) };
  }

  it('adds an address on the account page with the code mailed to it; it then signs in to that account', async () => {
    const agent = browser(t);
    await login(agent, '/', 'user1', 'password1');
    const email = fresh('user1');
    const { html, csrf } = await accountPage(agent);
    expect(html).toContain('id="add-email"');
    const sent = await agent
      .post('/account/email/code')
      .type('form')
      .send({ email, csrf_token: csrf })
      .expect(200);
    expect(sent.text).toContain('id="confirm-email"');
    const { code } = await mailCode(t, email);
    // A wrong code: the page says why, the address is not added.
    const wrong = await agent
      .post('/account/email')
      .type('form')
      .send({ code: code === '00000000' ? '00000001' : '00000000', csrf_token: csrf })
      .expect(401);
    expect(wrong.text).toContain(`role="alert">${INVALID_CODE}</p>`);
    await agent.post('/account/email').type('form').send({ code, csrf_token: csrf }).expect(303);
    const methods = await adminCli(t, ['--json', 'emails', 'list', '--user', 'user1']);
    expect(JSON.parse(methods.stdout)).toEqual([
      expect.objectContaining({ method: `email:${email}`, type: 'email' }),
    ]);

    // Recovery: the address signs in to user1, in a browser that never had its password.
    const recovered = browser(t);
    await signInByEmail(t, recovered, email);
    const page = await recovered.get('/account').expect(200);
    expect(page.text).toContain('<strong id="account-sub">user1</strong>');
    // Email alone changes nothing of an account with a password: the page says so.
    expect(page.text).toContain('id="stronger-needed"');
    expect(page.text).not.toContain('id="add-email"');
    const removal = await recovered
      .post('/account/methods/remove')
      .type('form')
      .send({ method: 'password:user1', csrf_token: csrfOf(page.text) })
      .expect(401);
    expect(removal.text).toMatch(/a sign-in by email alone cannot change its sign-in methods/);
    const again = await recovered
      .post('/account/email/code')
      .type('form')
      .send({ email: fresh('attacker'), csrf_token: csrfOf(page.text) })
      .expect(401);
    expect(again.text).toMatch(/a sign-in by email alone cannot change/);
  });

  it('adds an address through the account API with an account-scoped token of a recent login', async () => {
    const token = await accountToken(t, 'user0');
    const email = fresh('user0');
    const api = () => request(t.app.getHttpServer());
    await api()
      .post('/account/methods/email/code')
      .set('Authorization', `Bearer ${token}`)
      .send({ email })
      .expect(202, { sent: true });
    const { code } = await mailCode(t, email);
    const wrong = await api()
      .post('/account/methods/email')
      .set('Authorization', `Bearer ${token}`)
      .send({ code: code === '11111111' ? '22222222' : '11111111' })
      .expect(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_code' });
    const added = await api()
      .post('/account/methods/email')
      .set('Authorization', `Bearer ${token}`)
      .send({ code })
      .expect(201);
    expect(added.body).toMatchObject({ method: `email:${email}`, type: 'email' });
    // The address of another account is not taken over: 409 once its code is proven.
    const other = await accountToken(t, 'user1');
    await api()
      .post('/account/methods/email/code')
      .set('Authorization', `Bearer ${other}`)
      .send({ email })
      .expect(202);
    const second = await mailCode(t, email, 2);
    const taken = await api()
      .post('/account/methods/email')
      .set('Authorization', `Bearer ${other}`)
      .send({ code: second.code })
      .expect(409);
    expect(taken.body).toMatchObject({ error: 'method_already_linked' });
    // Without a token, or malformed: refused before anything is mailed.
    await api().post('/account/methods/email/code').send({ email }).expect(401);
    await api()
      .post('/account/methods/email/code')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: 'nope' })
      .expect(400);
  });

  it('gives email and email_verified with the email scope, in the ID token and at /userinfo', async () => {
    const agent = browser(t);
    const email = fresh('claims');
    await signInByEmail(t, agent, email);
    const tokens = (await tokensFor(t.app.getHttpServer(), agent, {
      scope: 'openid email',
    })) as { access_token: string; id_token?: string };
    const idToken = decodeJwt(tokens.id_token!);
    expect(idToken).toMatchObject({ email, email_verified: true, amr: ['otp'] });
    // Never phishing-resistant.
    expect(idToken.acr).toBe('urn:proofgate:acr:1fa');
    const info = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `Bearer ${tokens.access_token}`)
      .expect(200);
    expect(info.body).toEqual({ sub: idToken.sub, email, email_verified: true });
    // Without the scope: no address.
    const plain = (await tokensFor(t.app.getHttpServer(), agent, { scope: 'openid' })) as {
      id_token?: string;
    };
    expect(decodeJwt(plain.id_token!)).not.toHaveProperty('email');
  });

  it('lets an account made by an address add a password, and a token of an email login change it only while it has no stronger key', async () => {
    const agent = browser(t);
    const email = fresh('onlyemail');
    await signInByEmail(t, agent, email);
    const { csrf } = await accountPage(agent);
    const username = `u${Date.now()}`;
    await agent
      .post('/account/password')
      .type('form')
      .send({ username, password: 'a long enough password', csrf_token: csrf })
      .expect(303);
    // Now the account has a password: the email login's token cannot change it any more.
    const token = (await tokensFor(t.app.getHttpServer(), agent, { scope: 'openid account' }))
      .access_token;
    const refused = await request(t.app.getHttpServer())
      .post('/account/methods/email/code')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: fresh('more') })
      .expect(401);
    expect(refused.body).toMatchObject({
      error: 'insufficient_user_authentication',
      error_description: expect.stringMatching(/a sign-in by email alone cannot change/),
    });
    await request(t.app.getHttpServer())
      .delete(`/account/methods/${encodeURIComponent(`password:${username}`)}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(401);
  });

  it('lets the operator link, list and remove addresses (proofgate-admin)', async () => {
    const email = fresh('ops');
    const linked = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--email', email]);
    expect(linked).toMatchObject({ code: 0, stdout: `Linked email:${email} to user0.\n` });
    const list = await adminCli(t, ['emails', 'list', '--user', `email:${email}`]);
    expect(list.stdout).toContain(email);
    const both = await adminCli(t, ['accounts', 'link', '--user', 'user0']);
    expect(both.code).toBe(2);
    const bad = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--email', 'nope']);
    expect(bad).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: not an email address Proofgate takes: it must be an email address\n',
    });
    // Nor one that would read otherwise, and whose refusal does not echo it to the terminal.
    const reversed = await adminCli(t, [
      'accounts',
      'link',
      '--user',
      'user0',
      '--email',
      'evil\u202Egpj.com@example.test',
    ]);
    expect(reversed).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: not an email address Proofgate takes: it must not contain control or format characters (such as U+202E or U+200B)\n',
    });
    const removed = await adminCli(t, ['emails', 'remove', '--user', 'user0', '--email', email]);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout).toMatch(new RegExp(`^Removed ${email} from user0`));
    const after = await adminCli(t, ['--json', 'emails', 'list', '--user', 'user0']);
    expect(JSON.parse(after.stdout)).not.toContainEqual(
      expect.objectContaining({ method: `email:${email}` }),
    );
  });
});

/** The code of the `nth` mail to `email`. */
async function mailCode(t: TestApp, email: string, nth = 1): Promise<{ code: string }> {
  return { code: (await mailTo(t, email, nth)).code };
}
