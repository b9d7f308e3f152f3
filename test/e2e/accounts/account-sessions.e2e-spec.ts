/**
 * An owner locks their own account down (#31 item 3): removing a sign-in method ends the login
 * sessions and revokes the grants that method started (and only those); a password can be
 * removed while another method remains, and then signs in nowhere; the owner sees where the
 * account is signed in (GET /account/sessions, the /account page) and signs out everywhere
 * (DELETE /account/sessions, the page's form), the current session and token included. Wallets
 * sign with viem, passkeys with the software authenticator, all over HTTP.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { SIGNED_OUT_EVERYWHERE } from '../../../src/login/account/account-sessions.dto';
import { UserAccountService } from '../../../src/accounts/users/user-account.service';
import { AccountService } from '../../../src/accounts/account.service';
import { AccountRepository } from '../../../src/accounts/account.repository';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { exchangeCode, login, obtainCode, refresh, type Agent } from '../../support/oauth';
import { signedSiweMessage, walletBrowser } from '../../support/wallet-login';
import { registerPasskey } from '../../support/passkeys';
import { csrfOf } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';
import { expectRefusal } from '../../support/refusal';

const ISSUER = 'http://localhost:25000';
const PASSWORD = 'an-owners-own-secret-1';

interface Tokens {
  access_token: string;
  refresh_token: string;
}

describe('an owner ends sessions and grants: method removal, sign out everywhere', () => {
  let names = 0;

  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  const server = () => t.app.getHttpServer();
  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;
  const bearer = (token: string) => `Bearer ${token}`;
  const newName = () => `owner-${++names}`;

  async function passkeyOptions(): Promise<{ challenge: string }> {
    const res = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    return res.body as { challenge: string };
  }

  async function passkeyBrowser(authenticator: SoftwareAuthenticator): Promise<Agent> {
    const agent = request.agent(server());
    const page = await agent.get('/login').expect(200);
    const response = authenticator.assert(await passkeyOptions());
    await agent
      .post('/login/passkey')
      .send({ response, csrf_token: csrfOf(page.text), return_to: '/' })
      .expect(200);
    return agent;
  }

  async function passwordBrowser(username: string, password = PASSWORD): Promise<Agent> {
    const agent = request.agent(server());
    await login(agent, '/', username, password);
    return agent;
  }

  async function passwordLoginStatus(username: string, password = PASSWORD): Promise<number> {
    const agent = request.agent(server());
    const page = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ username, password, csrf_token: csrfOf(page.text), return_to: '/' });
    return res.status;
  }

  async function tokensOf(agent: Agent, scope = 'openid account'): Promise<Tokens> {
    const { code, verifier } = await obtainCode(agent, { scope, nonce: 'n-1' });
    return (await exchangeCode(server(), code, verifier).expect(200)).body as Tokens;
  }

  async function addPasskey(token: string): Promise<SoftwareAuthenticator> {
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    return registerPasskey(t, token, authenticator);
  }

  const me = (token: string) => t.http().get('/api/me').set('Authorization', bearer(token));
  const sessionsOf = (token: string) =>
    t.http().get('/account/sessions').set('Authorization', bearer(token));
  const removeMethod = (token: string, key: string) =>
    t
      .http()
      .delete(`/account/methods/${encodeURIComponent(key)}`)
      .set('Authorization', bearer(token));
  /** Whether the browser's session lives: /account shows the page, else sends it to /login. */
  const signedIn = async (agent: Agent) => (await agent.get('/account')).status === 200;

  it('removing a passkey ends the sessions and revokes the grants it started, and only those', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const walletSession = await walletBrowser(t, wallet);
    const walletTokens = await tokensOf(walletSession);
    const authenticator = await addPasskey(walletTokens.access_token);
    const passkeyGrant = (
      await t
        .http()
        .post('/passkeys/authentication/verify')
        .send({ response: authenticator.assert(await passkeyOptions()) })
        .expect(200)
    ).body as Tokens;
    const passkeySession = await passkeyBrowser(authenticator);
    const passkeyTokens = await tokensOf(passkeySession);
    const passkeyKey = `passkey:${authenticator.id}`;

    const listed = await sessionsOf(walletTokens.access_token).expect(200);
    expect(listed.headers['cache-control']).toBe('no-store');
    expect(listed.body).toEqual({
      sub: walletOf(wallet),
      sessions: [
        {
          auth_method: 'passkey',
          method: passkeyKey,
          auth_time: expect.any(String),
          expires_at: expect.any(String),
        },
        {
          auth_method: 'siwe',
          method: walletOf(wallet),
          auth_time: expect.any(String),
          expires_at: expect.any(String),
        },
      ],
      grants: expect.arrayContaining([
        expect.objectContaining({
          client_id: 'demo-client',
          auth_method: 'siwe',
          method: walletOf(wallet),
        }),
        expect.objectContaining({
          client_id: 'wallet',
          auth_method: 'passkey',
          method: passkeyKey,
        }),
        expect.objectContaining({
          client_id: 'demo-client',
          auth_method: 'passkey',
          method: passkeyKey,
        }),
      ]),
    });
    expect(listed.body.grants).toHaveLength(3);

    await removeMethod(walletTokens.access_token, passkeyKey).expect(200);

    // What the passkey started is over ...
    await me(passkeyGrant.access_token).expect(401);
    await me(passkeyTokens.access_token).expect(401);
    expect((await refresh(server(), passkeyTokens.refresh_token).expect(400)).body.error).toBe(
      'invalid_grant',
    );
    expect(await signedIn(passkeySession)).toBe(false);
    // ... what the wallet started lives on.
    await me(walletTokens.access_token).expect(200);
    expect(await signedIn(walletSession)).toBe(true);
    const after = await sessionsOf(walletTokens.access_token).expect(200);
    expect(after.body).toMatchObject({
      sessions: [{ auth_method: 'siwe', method: walletOf(wallet) }],
      grants: [{ client_id: 'demo-client', method: walletOf(wallet) }],
    });
  });

  it('a password is removed while another method remains; it then signs in nowhere', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const walletTokens = await tokensOf(await walletBrowser(t, wallet));
    const username = newName();
    await t
      .http()
      .post('/account/methods/password')
      .set('Authorization', bearer(walletTokens.access_token))
      .send({ username, password: PASSWORD })
      .expect(201);
    const passwordSession = await passwordBrowser(username);
    const passwordTokens = await tokensOf(passwordSession);

    const left = await removeMethod(walletTokens.access_token, `password:${username}`).expect(200);

    expect(left.body).toEqual({
      sub: walletOf(wallet),
      methods: [{ method: walletOf(wallet), type: 'wallet', added_at: expect.any(String) }],
    });
    expect(await passwordLoginStatus(username)).toBe(401);
    await me(passwordTokens.access_token).expect(401);
    expect(await signedIn(passwordSession)).toBe(false);
    await me(walletTokens.access_token).expect(200);
    // A password set for the account frees its username when removed.
    await t
      .http()
      .post('/account/methods/password')
      .set('Authorization', bearer(walletTokens.access_token))
      .send({ username, password: `${PASSWORD}-2` })
      .expect(201);
    expect(await passwordLoginStatus(username, `${PASSWORD}-2`)).toBe(303);
  });

  it('a password user removes its own password once a passkey remains; its username stays its own, and sets a password again under it', async () => {
    const username = newName();
    await t.app.get(UserAccountService).register(username, PASSWORD);
    const passwordTokens = await tokensOf(await passwordBrowser(username));
    // Its only method: never removed.
    const last = await removeMethod(passwordTokens.access_token, `password:${username}`).expect(
      409,
    );
    expect(last.body).toEqual({
      error: 'last_sign_in_method',
      error_description: 'An account keeps at least one sign-in method',
    });
    const authenticator = await addPasskey(passwordTokens.access_token);

    await removeMethod(passwordTokens.access_token, `password:${username}`).expect(200);

    expect(await passwordLoginStatus(username)).toBe(401);
    await me(passwordTokens.access_token).expect(401);
    // The name is not free: a new user of that name would get this account's subject.
    await expect(t.app.get(UserAccountService).register(username, PASSWORD)).rejects.toThrow(
      `user ${username} already exists`,
    );
    const passkeyTokens = await tokensOf(await passkeyBrowser(authenticator));
    expect((await me(passkeyTokens.access_token).expect(200)).body).toMatchObject({
      sub: username,
      auth_method: 'passkey',
    });
    // A later link does not list the removed password again.
    const linked = privateKeyToAccount(generatePrivateKey());
    await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(passkeyTokens.access_token))
      .send(await signedSiweMessage(t, linked, linked, { linkTo: passkeyTokens.access_token }))
      .expect(201);
    const methods = await t
      .http()
      .get('/account/methods')
      .set('Authorization', bearer(passkeyTokens.access_token))
      .expect(200);
    expect((methods.body as { methods: { type: string }[] }).methods.map((m) => m.type)).toEqual([
      'passkey',
      'wallet',
    ]);

    // Its owner sets a password again, under the account's own name only, and it signs in.
    const setPassword = (name: string, password = 'a-second-secret-2') =>
      t
        .http()
        .post('/account/methods/password')
        .set('Authorization', bearer(passkeyTokens.access_token))
        .send({ username: name, password });
    expectRefusal(
      await setPassword(`${username}-2`),
      400,
      'invalid_request',
      `This account is named ${username}: its password signs in with that username`,
    );
    expectRefusal(
      await setPassword(username, 'short'),
      400,
      'invalid_request',
      'password must be at least 8 characters',
    );
    expect(await passwordLoginStatus(username, 'short')).toBe(401);
    expect((await setPassword(username).expect(201)).body).toEqual({
      method: `password:${username}`,
      type: 'password',
      added_at: expect.any(String),
    });
    expect(await passwordLoginStatus(username, 'a-second-secret-2')).toBe(303);
    expect(await passwordLoginStatus(username)).toBe(401);
    expectRefusal(
      await setPassword(username),
      409,
      'password_already_set',
      'This account signs in with a password already',
    );

    // A set cut short after its listing, before its hash, is finished by trying again.
    await removeMethod(passkeyTokens.access_token, `password:${username}`).expect(200);
    await t.app.get(AccountService).link(username, `password:${username}`, 'operator');
    expect(await passwordLoginStatus(username, 'a-third-secret-3')).toBe(401);
    await setPassword(username, 'a-third-secret-3').expect(201);
    expect(await passwordLoginStatus(username, 'a-third-secret-3')).toBe(303);

    // A removal cut short after its unlisting, before its hash went: set again, over that hash.
    await t.app.get(AccountRepository).release(username, `password:${username}`, t.clock.now());
    // Its hash matches, but the account no longer lists it: refused as a removed method.
    expect(await passwordLoginStatus(username, 'a-third-secret-3')).toBe(403);
    await setPassword(username, 'a-fourth-secret-4').expect(201);
    expect(await passwordLoginStatus(username, 'a-fourth-secret-4')).toBe(303);
    expect(await passwordLoginStatus(username, 'a-third-secret-3')).toBe(401);
  });

  it('DELETE /account/sessions signs out everywhere, this token included, and says so', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const first = await walletBrowser(t, wallet);
    const second = await walletBrowser(t, wallet);
    const firstTokens = await tokensOf(first);
    const secondTokens = await tokensOf(second, 'openid profile');

    // The account scope is needed, as for /account/methods.
    const scopeless = await t
      .http()
      .delete('/account/sessions')
      .set('Authorization', bearer(secondTokens.access_token))
      .expect(403);
    expect(scopeless.body.error).toBe('insufficient_scope');
    await t.http().get('/account/sessions').expect(401);

    const res = await t
      .http()
      .delete('/account/sessions')
      .set('Authorization', bearer(firstTokens.access_token))
      .expect(200);

    expect(res.body).toEqual({
      sessions_ended: 2,
      grants_revoked: 2,
      message: SIGNED_OUT_EVERYWHERE,
    });
    for (const tokens of [firstTokens, secondTokens]) {
      await me(tokens.access_token).expect(401);
      expect((await refresh(server(), tokens.refresh_token).expect(400)).body.error).toBe(
        'invalid_grant',
      );
    }
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(second)).toBe(false);
    // Signing in again works: nothing is locked.
    expect(await signedIn(await walletBrowser(t, wallet))).toBe(true);
  });

  it('the /account page lists sessions and grants, and its form signs out everywhere', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = await walletBrowser(t, wallet);
    const other = await walletBrowser(t, wallet);
    const tokens = await tokensOf(other);

    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('<table id="account-sessions">');
    // The method each began with, in the page's words, and as the tokens' `auth_method` names it.
    const wallets = /<tr><td data-auth-method="siwe">Ethereum wallet<\/td><td><code>eip155:1:0x/g;
    expect(page.text.match(wallets)).toHaveLength(2);
    expect(page.text).toContain(
      `<tr><td data-client-id="demo-client">Demo confidential client <span class="muted">demo-client</span></td><td>openid account</td><td data-auth-method="siwe">Ethereum wallet</td><td><code>${walletOf(wallet)}</code>`,
    );
    expect(page.text).toContain('action="/account/sign-out-everywhere"');

    // A cross-site form cannot sign the owner out everywhere.
    const forged = await browser
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ csrf_token: 'forged' })
      .expect(400);
    expect(forged.body.error).toBe('invalid_request');
    expect(await signedIn(browser)).toBe(true);

    const done = await browser
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ csrf_token: csrfOf(page.text) })
      .expect(200);

    expect(done.text).toContain(SIGNED_OUT_EVERYWHERE.slice(0, 40));
    expect(done.text).toContain('<strong id="sessions-ended">2</strong>');
    expect(done.text).toContain('<strong id="grants-revoked">1</strong>');
    expect(await signedIn(browser)).toBe(false);
    expect(await signedIn(other)).toBe(false);
    await me(tokens.access_token).expect(401);
  });
});
