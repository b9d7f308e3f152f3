/**
 * An operator locks an account down (#31 item 3): `proofgate-admin users disable` takes the
 * account of a username, a subject or a wallet, and then no method signs it in (its password,
 * each of its wallets at /wallet/verify and /login/siwe, its passkeys at /login/passkey and
 * /passkeys/authentication/verify, a code issued before), its login sessions are gone and its
 * grants revoked (refresh tokens at /token, access tokens at /api/me and /introspect).
 * `users enable` lets it sign in again; the grants stay revoked. Wallets sign with viem, the
 * passkey with the software authenticator, the CLI runs against the test app's database.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { ACCOUNT_DISABLED } from '../../../src/accounts/accounts.errors';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { adminCli } from '../../support/admin-cli';
import { basic, exchangeCode, obtainCode, refresh, type Agent } from '../../support/oauth';
import { signedSiweMessage, walletPageLogin } from '../../support/wallet-login';
import { registerPasskey } from '../../support/passkeys';
import { csrfOf } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const PASSWORD = 'a-locked-down-secret-1';
const REFUSAL = { error: 'access_denied', error_description: ACCOUNT_DISABLED };

describe('an operator locks an account down (users disable / enable)', () => {
  let names = 0;

  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  const server = () => t.app.getHttpServer();
  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;
  const bearer = (token: string) => `Bearer ${token}`;

  /** POST /wallet/verify for the built-in public `wallet` client, answered `status`. */
  async function walletVerify(account: PrivateKeyAccount, status: number) {
    const signed = await signedSiweMessage(t, account);
    return t.http().post('/wallet/verify').send(signed).expect(status);
  }

  async function passkeyOptions(): Promise<{ challenge: string }> {
    const res = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    return res.body as { challenge: string };
  }

  /** POST /login/passkey in a fresh browser. */
  async function passkeyPageLogin(authenticator: SoftwareAuthenticator) {
    const agent = request.agent(server());
    const page = await agent.get('/login').expect(200);
    const response = authenticator.assert(await passkeyOptions());
    const res = await agent
      .post('/login/passkey')
      .send({ response, csrf_token: csrfOf(page.text), return_to: '/' });
    return { agent, res };
  }

  async function passkeyVerify(authenticator: SoftwareAuthenticator, status: number) {
    const response = authenticator.assert(await passkeyOptions());
    return t.http().post('/passkeys/authentication/verify').send({ response }).expect(status);
  }

  /** The real /login form with `username` and `password`, in a fresh browser. */
  async function passwordLogin(username: string, password: string, accept = 'text/html') {
    const agent = request.agent(server());
    const page = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .set('Accept', accept)
      .send({ username, password, csrf_token: csrfOf(page.text), return_to: '/' });
    return { agent, res };
  }

  async function tokensOf(agent: Agent, scope = 'openid account') {
    const { code, verifier } = await obtainCode(agent, { scope, nonce: 'n-1' });
    const res = await exchangeCode(server(), code, verifier).expect(200);
    return res.body as { access_token: string; refresh_token: string };
  }

  const me = (token: string) => t.http().get('/api/me').set('Authorization', bearer(token));
  const introspect = (token: string) =>
    t
      .http()
      .post('/introspect')
      .type('form')
      .set('Authorization', basic('demo-client', 'demo-secret'))
      .send({ token });
  const refreshPublic = (refreshToken: string) =>
    t
      .http()
      .post('/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'wallet' });

  /**
   * A wallet account with every kind of method: its own wallet, a password it set, a passkey it
   * registered, and a second wallet an operator linked.
   */
  async function fullAccount() {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const second = privateKeyToAccount(generatePrivateKey());
    const username = `locked-${++names}`;
    const { browser: agent } = await walletPageLogin(t, wallet);
    const { access_token } = await tokensOf(agent);
    await t
      .http()
      .post('/account/methods/password')
      .set('Authorization', bearer(access_token))
      .send({ username, password: PASSWORD })
      .expect(201);
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    await registerPasskey(t, access_token, authenticator);
    const linked = await adminCli(t, [
      'accounts',
      'link',
      '--user',
      username,
      '--wallet',
      walletOf(second),
    ]);
    expect(linked.code).toBe(0);
    return { wallet, second, username, authenticator, browser: agent, sub: walletOf(wallet) };
  }

  it('refuses every method of the account alike, ends its sessions and revokes its grants', async () => {
    const account = await fullAccount();
    // What is out before the lock-down: sessions of two methods, grants of four ways in, and a
    // code issued but not redeemed yet.
    const { agent: passwordBrowser } = await passwordLogin(account.username, PASSWORD);
    const codeGrant = await tokensOf(passwordBrowser);
    const walletGrant = (await walletVerify(account.second, 200)).body as {
      access_token: string;
      refresh_token: string;
    };
    const passkeyGrant = (await passkeyVerify(account.authenticator, 200)).body as {
      access_token: string;
      refresh_token: string;
    };
    const pending = await obtainCode(account.browser, { scope: 'openid' });
    await me(codeGrant.access_token).expect(200);

    const disabled = await adminCli(t, ['--json', 'users', 'disable', account.username]);

    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toEqual({
      username: account.username,
      sub: account.sub,
      status: 'disabled',
      changed: true,
      sessions_ended: 2,
      // The code grant of fullAccount's own token, the password browser's, the wallet's, the passkey's.
      grants_revoked: 4,
    });

    // Tokens already out: refused at the resource, inactive at introspection, no refresh.
    for (const grant of [codeGrant, walletGrant, passkeyGrant]) {
      const res = await me(grant.access_token).expect(401);
      expect(res.body.error).toBe('invalid_token');
      expect((await introspect(grant.access_token).expect(200)).body).toEqual({ active: false });
    }
    expect((await refresh(server(), codeGrant.refresh_token).expect(400)).body.error).toBe(
      'invalid_grant',
    );
    expect((await refreshPublic(walletGrant.refresh_token).expect(400)).body.error).toBe(
      'invalid_grant',
    );
    // The sessions are gone: /authorize sends both browsers to /login again.
    for (const browser of [account.browser, passwordBrowser]) {
      const res = await browser.get('/account').expect(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    // A code issued before the lock-down opens no grant.
    expect((await exchangeCode(server(), pending.code, pending.verifier).expect(403)).body).toEqual(
      REFUSAL,
    );

    // Every method, every way: one answer.
    expect((await walletVerify(account.wallet, 403)).body).toEqual(REFUSAL);
    expect((await walletVerify(account.second, 403)).body).toEqual(REFUSAL);
    const siwe = await walletPageLogin(t, account.second);
    expect(siwe.res.status).toBe(403);
    expect(siwe.res.body).toEqual(REFUSAL);
    expect(JSON.stringify(siwe.res.headers['set-cookie'] ?? [])).not.toMatch(/pg_session=[^;]/);
    expect((await passkeyVerify(account.authenticator, 403)).body).toEqual(REFUSAL);
    const passkeyPage = await passkeyPageLogin(account.authenticator);
    expect(passkeyPage.res.status).toBe(403);
    expect(passkeyPage.res.body).toEqual(REFUSAL);
    const json = await passwordLogin(account.username, PASSWORD, 'application/json');
    expect(json.res.status).toBe(403);
    expect(json.res.body).toEqual(REFUSAL);
    const form = await passwordLogin(account.username, PASSWORD);
    expect(form.res.status).toBe(403);
    expect(form.res.text).toContain('This account is disabled');
    // Only after the right password: a wrong one is told nothing more.
    expect((await passwordLogin(account.username, 'not-the-password-1')).res.status).toBe(401);
    // No session was left behind by the refused logins.
    expect(await t.connection.collection('sessions').countDocuments({ sub: account.sub })).toBe(0);
    const listed = await adminCli(t, ['--json', 'users', 'list']);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ username: account.username, sub: account.sub, status: 'disabled' }),
    );

    // Enabled by a wallet of the account, in lower case: sign-in works again, grants stay revoked.
    const lower = `eip155:1:${account.second.address.toLowerCase()}`;
    const enabled = await adminCli(t, ['--json', 'users', 'enable', lower]);
    expect(JSON.parse(enabled.stdout)).toEqual({
      username: lower,
      sub: account.sub,
      status: 'active',
      changed: true,
    });
    await walletVerify(account.wallet, 200);
    await passkeyVerify(account.authenticator, 200);
    expect((await passwordLogin(account.username, PASSWORD)).res.status).toBe(303);
    await me(codeGrant.access_token).expect(401);
    expect((await refreshPublic(walletGrant.refresh_token).expect(400)).body.error).toBe(
      'invalid_grant',
    );
  });

  it('takes a wallet account by its wallet, even one that never linked anything', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const tokens = (await walletVerify(wallet, 200)).body as { access_token: string };

    const disabled = await adminCli(t, ['--json', 'users', 'disable', walletOf(wallet)]);

    expect(JSON.parse(disabled.stdout)).toMatchObject({
      sub: walletOf(wallet),
      changed: true,
      grants_revoked: 1,
    });
    await me(tokens.access_token).expect(401);
    expect((await walletVerify(wallet, 403)).body).toEqual(REFUSAL);
    const again = await adminCli(t, ['users', 'disable', walletOf(wallet)]);
    expect(again.stdout).toBe(
      `${walletOf(wallet)} was already disabled: ended 0 login session(s), revoked 0 grant(s).\n`,
    );
    // Its methods are what they were: the lock-down lists nothing on the account.
    const methods = await adminCli(t, [
      '--json',
      'accounts',
      'methods',
      '--user',
      walletOf(wallet),
    ]);
    expect(JSON.parse(methods.stdout)).toEqual([
      expect.objectContaining({ method: walletOf(wallet), type: 'wallet' }),
    ]);
    expect(await adminCli(t, ['users', 'enable', walletOf(wallet)])).toMatchObject({ code: 0 });
    await walletVerify(wallet, 200);
  });

  it('a password user by username; an unknown user or account is an error (exit 1)', async () => {
    const disabled = await adminCli(t, ['--json', 'users', 'disable', 'user1']);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ sub: 'user1', changed: true });
    const refused = await passwordLogin('user1', 'password1', 'application/json');
    expect(refused.res.status).toBe(403);
    expect(refused.res.body).toEqual(REFUSAL);
    await adminCli(t, ['users', 'enable', 'user1']);
    expect((await passwordLogin('user1', 'password1')).res.status).toBe(303);

    expect(await adminCli(t, ['users', 'disable', 'nobody'])).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: no user or account nobody\n',
    });
    expect(await adminCli(t, ['users', 'enable', 'passkey:AAAA'])).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: no account has the sign-in method passkey:AAAA\n',
    });
  });
});
