/**
 * proofgate-admin `accounts` and `passkeys`: an operator lists an account's methods, links and
 * unlinks a wallet, lists and removes a user's passkeys, against the test app's database.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { adminCli } from '../../support/admin-cli';
import { accountToken } from '../../support/accounts';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { TestApp, createTestApp } from '../../support/test-app';

const ISSUER = 'http://localhost:25000';
const OWN_WALLET_REFUSAL =
  'proofgate-admin: This wallet is the account’s own subject and always signs in to it; it is not removed\n';

describe('proofgate-admin accounts and passkeys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });
  });
  afterAll(() => t.close());

  it('links a wallet, lists the methods, refuses the last unlink and removes a passkey', async () => {
    const wallet = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;

    const linked = await adminCli(t, ['accounts', 'link', '--user', 'user1', '--wallet', wallet]);
    expect(linked).toMatchObject({ code: 0, stdout: `Linked ${wallet} to user1.\n` });
    const again = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--wallet', wallet]);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: This wallet is already linked to another account\n',
    });

    // A passkey, registered through the API.
    const token = await accountToken(t, 'user1');
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    const options = await t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect(200);
    await t
      .http()
      .post('/passkeys/registration/verify')
      .set('Authorization', `Bearer ${token}`)
      .send(authenticator.register(options.body as { challenge: string; user: { id: string } }))
      .expect(201);

    const methods = await adminCli(t, ['--json', 'accounts', 'methods', '--user', 'user1']);
    expect(methods.code).toBe(0);
    expect(JSON.parse(methods.stdout)).toEqual([
      expect.objectContaining({ method: 'password:user1', type: 'password' }),
      expect.objectContaining({ method: wallet, type: 'wallet' }),
      expect.objectContaining({
        method: `passkey:${authenticator.id}`,
        type: 'passkey',
        device_type: 'singleDevice',
        counter: 0,
      }),
    ]);
    const passkeys = await adminCli(t, ['passkeys', 'list', '--user', 'user1']);
    expect(passkeys.stdout).toContain(authenticator.id);

    const removed = await adminCli(t, [
      'passkeys',
      'remove',
      '--user',
      'user1',
      '--credential',
      authenticator.id,
    ]);
    expect(removed).toMatchObject({ code: 0 });
    const unlinked = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      'user1',
      '--method',
      wallet,
    ]);
    expect(unlinked).toMatchObject({ code: 0, stdout: `Removed ${wallet} from user1.\n` });
    const last = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      'user1',
      '--method',
      'password:user1',
    ]);
    expect(last).toMatchObject({ code: 2 });
    const lastWallet = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      wallet,
      '--method',
      wallet,
    ]);
    expect(lastWallet).toMatchObject({ code: 1, stderr: OWN_WALLET_REFUSAL });
    const bad = await adminCli(t, ['accounts', 'link', '--user', 'user1', '--wallet', 'nope']);
    expect(bad.code).toBe(2);
  });

  it('never unlinks the wallet a wallet account is, even beside other methods', async () => {
    // Its listing is what keeps another account from linking it while it still signs in here.
    const own = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
    const other = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
    const linked = await adminCli(t, ['accounts', 'link', '--user', own, '--wallet', other]);
    expect(linked).toMatchObject({ code: 0 });

    const refused = await adminCli(t, ['accounts', 'unlink', '--user', own, '--method', own]);
    expect(refused).toMatchObject({ code: 1, stderr: OWN_WALLET_REFUSAL });
    const taken = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--wallet', own]);
    expect(taken).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: This wallet is already linked to another account\n',
    });
    const listed = await adminCli(t, ['accounts', 'methods', '--user', own]);
    expect(listed.stdout).toContain(own);

    const removed = await adminCli(t, ['accounts', 'unlink', '--user', own, '--method', other]);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed ${other} from ${own}.\n` });
  });
});
