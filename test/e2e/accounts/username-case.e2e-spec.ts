/**
 * Usernames are unique whatever their case (#31): no `User0` beside `user0`, on every path that
 * creates one (POST /account/methods/password, the account page's form, the admin CLI's
 * `users add` through UserAccountService, the demo seeder), decided by a stored lower-case key
 * with a unique index. Records from before the key have none: a new name is matched against
 * them without case too, and a database that already holds two spellings keeps signing both in.
 * Signing in takes the exact spelling.
 */
import request from 'supertest';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { UserRecord } from '../../../src/accounts/users/persistence/user.schema';
import {
  UserAccountError,
  UserAccountService,
} from '../../../src/accounts/users/user-account.service';
import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';
import { exchangeCode, login, obtainCode, getMe } from '../../support/oauth';
import { walletBrowser } from '../../support/wallet-login';
import { csrfOf } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

const PASSWORD = 'a-wallet-users-secret-1';
const TAKEN = {
  error: 'username_taken',
  error_description: 'This username is taken; choose another',
};

describe('usernames are unique whatever their case', () => {
  const t = useTestApp({ RATE_LIMIT_LOGIN_PER_IP: '1000' });

  const server = () => t.app.getHttpServer();

  /** An account-scoped access token of a fresh wallet-only account. */
  async function walletAccountToken(): Promise<string> {
    const { code, verifier } = await obtainCode(
      await walletBrowser(t, privateKeyToAccount(generatePrivateKey())),
      { scope: 'openid account' },
    );
    return (await exchangeCode(server(), code, verifier).expect(200)).body.access_token as string;
  }

  const setPassword = (token: string, username: string) =>
    t
      .http()
      .post('/account/methods/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ username, password: PASSWORD });

  /** A user record as versions before the key wrote it: no `usernameKey`. */
  async function legacyUser(username: string, password: string): Promise<void> {
    const users = t.app.get<Model<UserRecord>>(getModelToken(UserRecord.name));
    const passwordHash = await t.app.get(PasswordHasher).hash(password);
    await users.collection.insertOne({
      _id: username,
      passwordHash,
      createdAt: new Date(),
    } as never);
  }

  it('API: a password named User0 beside the demo user user0 is 409 username_taken', async () => {
    const token = await walletAccountToken();
    const taken = await setPassword(token, 'User0').expect(409);
    expect(taken.body).toEqual(TAKEN);
    expect((await setPassword(token, 'USER1').expect(409)).body).toEqual(TAKEN);
    // The account can still take a name of its own.
    await setPassword(token, 'user0-but-not-quite').expect(201);
  });

  it('the account page form: uSer1 is refused on the page, 409', async () => {
    const browser = await walletBrowser(t, privateKeyToAccount(generatePrivateKey()));
    const page = await browser.get('/account').expect(200);
    const refused = await browser
      .post('/account/password')
      .type('form')
      .send({ csrf_token: csrfOf(page.text), username: 'uSer1', password: PASSWORD })
      .expect(409);
    expect(refused.text).toContain('This username is taken; choose another');
  });

  it('the admin CLI’s users add (UserAccountService.register): refused, naming the case rule', async () => {
    const accounts = t.app.get(UserAccountService);
    await expect(accounts.register('USER0', 'correct horse')).rejects.toThrow(
      new UserAccountError(
        'user USER0 already exists in another case (usernames are unique whatever their case)',
      ),
    );
    await accounts.register('Operator7', 'correct horse');
    await expect(accounts.register('operator7', 'correct horse')).rejects.toThrow(UserAccountError);
  });

  it('two spellings racing for one free name: one wins, the other 409 username_taken', async () => {
    const [first, second] = await Promise.all([walletAccountToken(), walletAccountToken()]);
    const answers = await Promise.all([setPassword(first, 'Racer'), setPassword(second, 'rACER')]);
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(answers.find((res) => res.status === 409)!.body).toEqual(TAKEN);
  });

  it('records from before the key: a new spelling is refused, and two old spellings both keep signing in', async () => {
    await legacyUser('Legacy0', 'legacy-password-upper');
    await legacyUser('legacy0', 'legacy-password-lower');

    const token = await walletAccountToken();
    expect((await setPassword(token, 'LEGACY0').expect(409)).body).toEqual(TAKEN);

    for (const [username, password] of [
      ['Legacy0', 'legacy-password-upper'],
      ['legacy0', 'legacy-password-lower'],
    ]) {
      const agent = request.agent(server());
      await login(agent, '/', username, password);
      const { code, verifier } = await obtainCode(agent);
      const tokens = await exchangeCode(server(), code, verifier).expect(200);
      const me = await getMe(t, tokens.body.access_token).expect(200);
      expect(me.body).toMatchObject({ sub: username, auth_method: 'password' });
    }
  });

  it('signing in takes the exact spelling: USER0 with user0’s password is refused', async () => {
    const agent = request.agent(server());
    const page = await agent.get('/login').expect(200);
    const refused = await agent
      .post('/login')
      .type('form')
      .send({
        username: 'USER0',
        password: 'password0',
        csrf_token: csrfOf(page.text),
        return_to: '/',
      })
      .expect(401);
    expect(refused.text).toContain('Invalid username or password.');
  });
});
