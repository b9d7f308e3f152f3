/**
 * A wallet-only account sets a password (#20: "a proof of the new method (... a password set)"):
 * with an account-scoped token of a login at most 10 minutes old (POST /account/methods/password)
 * or on the account page (session and CSRF token, POST /account/password). The username then
 * signs in at /login with the wallet's subject; grants from before keep working; the password
 * never reaches a log line.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { exchangeCode, login, obtainCode, refresh, type Agent } from '../../support/oauth';
import { signedSiweMessage, walletBrowser } from '../../support/wallet-login';
import { expectRefusal } from '../../support/refusal';
import { csrfOf } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

const PASSWORD = 'a-wallet-users-secret-1';

describe('a wallet-only account sets a password', () => {
  const log = new CapturedLog();
  let names = 0;

  const t = useTestApp({ LOG_LEVEL: 'debug', RATE_LIMIT_LOGIN_PER_IP: '1000' }, [
    [LogDestination, log],
  ]);

  const server = () => t.app.getHttpServer();
  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;
  const bearer = (token: string) => `Bearer ${token}`;
  const newUsername = () => `wallet-user-${++names}`;

  const signed = (account: PrivateKeyAccount) => signedSiweMessage(t, account);

  async function tokensOf(agent: Agent, scope = 'openid account') {
    const { code, verifier } = await obtainCode(agent, { scope, nonce: 'n-1' });
    const res = await exchangeCode(server(), code, verifier).expect(200);
    return res.body as { access_token: string; id_token: string; refresh_token: string };
  }

  async function me(token: string) {
    return (await t.http().get('/api/me').set('Authorization', bearer(token)).expect(200)).body as {
      sub: string;
      auth_method: string;
    };
  }

  function setPassword(token: string, body: object) {
    return t
      .http()
      .post('/account/methods/password')
      .set('Authorization', bearer(token))
      .send(body);
  }

  it('API: the username then signs in at /login with the wallet’s sub; grants from before keep working', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const before = await tokensOf(await walletBrowser(t, wallet));
    const username = newUsername();

    const linked = await setPassword(before.access_token, { username, password: PASSWORD }).expect(
      201,
    );
    expect(linked.body).toEqual({
      method: `password:${username}`,
      type: 'password',
      added_at: expect.any(String),
    });

    // A password login, through the real form, and tokens for demo-client.
    const browser = request.agent(server());
    await login(browser, '/', username, PASSWORD);
    const after = await tokensOf(browser);
    expect(await me(after.access_token)).toEqual(
      expect.objectContaining({ sub: walletOf(wallet), auth_method: 'password' }),
    );
    expect(decodeJwt(after.id_token)).toMatchObject({ sub: walletOf(wallet), amr: ['pwd'] });

    // The grant from before the password: its access token and its refresh token still work.
    expect((await me(before.access_token)).sub).toBe(walletOf(wallet));
    const refreshed = await refresh(server(), before.refresh_token).expect(200);
    expect((await me(refreshed.body.access_token as string)).sub).toBe(walletOf(wallet));
    // The wallet still signs in the same account.
    const walletTokens = await t
      .http()
      .post('/wallet/verify')
      .send(await signed(wallet))
      .expect(200);
    expect((await me(walletTokens.body.access_token as string)).sub).toBe(walletOf(wallet));

    const listed = await t
      .http()
      .get('/account/methods')
      .set('Authorization', bearer(after.access_token))
      .expect(200);
    expect(listed.body).toEqual({
      sub: walletOf(wallet),
      methods: [
        { method: walletOf(wallet), type: 'wallet', added_at: expect.any(String) },
        { method: `password:${username}`, type: 'password', added_at: expect.any(String) },
      ],
    });

    // One password per account.
    const again = await setPassword(after.access_token, {
      username: newUsername(),
      password: PASSWORD,
    });
    expectRefusal(again, 409, 'password_already_set', 'This account has a password already');
  });

  it('API refusals: a taken username (409), a weak or empty password (400), a password user, a stale login, no account scope', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await walletBrowser(t, wallet));

    const taken = await setPassword(access_token, { username: 'user0', password: PASSWORD }).expect(
      409,
    );
    expect(taken.body).toEqual({
      error: 'username_taken',
      error_description: 'This username is taken; choose another',
    });
    const weak = await setPassword(access_token, {
      username: newUsername(),
      password: 'short',
    });
    expectRefusal(weak, 400, 'invalid_request', 'password must be at least 8 characters');
    const empty = await setPassword(access_token, {
      username: newUsername(),
      password: '',
    }).expect(400);
    expect(empty.body.error).toBe('invalid_request');
    const colon = await setPassword(access_token, {
      username: 'eip155:1:0xabc',
      password: PASSWORD,
    }).expect(400);
    expect(colon.body.error_description).toMatch(/^username must be 1-64 characters/);
    await setPassword(access_token, { username: newUsername() }).expect(400);

    // None of the refusals left a password behind: the account still has none.
    const listed = await t
      .http()
      .get('/account/methods')
      .set('Authorization', bearer(access_token))
      .expect(200);
    expect(listed.body.methods).toEqual([{ method: walletOf(wallet), type: 'wallet' }]);

    // A password user has one.
    const passwordUser = request.agent(server());
    await login(passwordUser, '/', 'user1', 'password1');
    const own = await setPassword((await tokensOf(passwordUser)).access_token, {
      username: newUsername(),
      password: PASSWORD,
    });
    expectRefusal(
      own,
      409,
      'password_already_set',
      'This account signs in with a password already',
    );

    // The account's login must be at most 10 minutes old.
    t.clock.advance(601);
    try {
      const stale = await setPassword(access_token, {
        username: newUsername(),
        password: PASSWORD,
      }).expect(401);
      expect(stale.body.error).toBe('insufficient_user_authentication');
      expect(stale.headers['www-authenticate']).toContain('max_age="600"');
    } finally {
      t.clock.advance(-601);
    }
    const profileOnly = await tokensOf(await walletBrowser(t, wallet), 'openid profile');
    await setPassword(profileOnly.access_token, {
      username: newUsername(),
      password: PASSWORD,
    }).expect(403);
  });

  it('two requests racing to set a password: one wins, the other 409 password_already_set', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await walletBrowser(t, wallet));
    const [first, second] = [newUsername(), newUsername()];

    const answers = await Promise.all(
      [first, second].map((username) =>
        setPassword(access_token, { username, password: PASSWORD }).then((res) => res),
      ),
    );

    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    const loser = answers.find((res) => res.status === 409)!;
    expect(loser.body).toEqual({
      error: 'password_already_set',
      error_description: 'This account has a password already',
    });
    const listed = await t
      .http()
      .get('/account/methods')
      .set('Authorization', bearer(access_token))
      .expect(200);
    const passwords = (listed.body.methods as { type: string }[]).filter(
      (method) => method.type === 'password',
    );
    expect(passwords).toHaveLength(1);
  });

  it('the account page: Set a password (CSRF token, recent login), refusals shown on the page', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = await walletBrowser(t, wallet);
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('id="set-password"');
    const csrf = csrfOf(page.text);
    const username = newUsername();

    // Without the page's CSRF token: refused, nothing set.
    await browser
      .post('/account/password')
      .type('form')
      .send({ username, password: PASSWORD })
      .expect(400);
    // A weak password, a taken username: the page again, with the reason and the username.
    const weak = await browser
      .post('/account/password')
      .type('form')
      .send({ csrf_token: csrf, username, password: 'short' })
      .expect(400);
    expect(weak.text).toContain(
      '<p id="account-error" role="alert">password must be at least 8 characters</p>',
    );
    expect(weak.text).toContain(`value="${username}"`);
    expect(weak.text).not.toContain('value="short"');
    const taken = await browser
      .post('/account/password')
      .type('form')
      .send({ csrf_token: csrf, username: 'user1', password: PASSWORD })
      .expect(409);
    expect(taken.text).toContain('This username is taken; choose another');

    const set = await browser
      .post('/account/password')
      .type('form')
      .send({ csrf_token: csrf, username, password: PASSWORD })
      .expect(303);
    expect(set.headers.location).toBe('/account');
    const after = await browser.get('/account').expect(200);
    expect(after.text).toContain(`<code>password:${username}</code>`);
    expect(after.text).not.toContain('id="set-password"');
    // Only the password is offered for removal: the wallet is the account's own subject (its
    // login would still give it).
    expect(after.text.match(/>Remove<\/button>/g)).toHaveLength(1);
    expect(after.text).toContain(
      `<input type="hidden" name="method" value="password:${username}"><button type="submit" class="secondary">Remove</button>`,
    );
    const own = await browser
      .post('/account/methods/remove')
      .type('form')
      .send({ csrf_token: csrf, method: walletOf(wallet) })
      .expect(400);
    expect(own.text).toContain(
      'This wallet is the account’s own subject and always signs in to it; it is not removed',
    );

    const passwordLogin = request.agent(server());
    await login(passwordLogin, '/', username, PASSWORD);
    expect((await me((await tokensOf(passwordLogin)).access_token)).sub).toBe(walletOf(wallet));

    // A stale login: the form is not offered, and a post is refused.
    const other = await walletBrowser(t, privateKeyToAccount(generatePrivateKey()));
    const fresh = await other.get('/account').expect(200);
    t.clock.advance(601);
    try {
      const stale = await other.get('/account').expect(200);
      expect(stale.text).not.toContain('id="set-password"');
      const refused = await other
        .post('/account/password')
        .type('form')
        .send({ csrf_token: csrfOf(fresh.text), username: newUsername(), password: PASSWORD })
        .expect(401);
      expect(refused.text).toContain('sign in again');
    } finally {
      t.clock.advance(-601);
    }
  });

  it('never logs the password', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.some((line) => line.includes('Password set for eip155:1:'))).toBe(true);
    expect(log.lines.filter((line) => line.includes(PASSWORD))).toEqual([]);
  });
});
