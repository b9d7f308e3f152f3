/**
 * Accounts and their method index: one account, many sign-in methods. A method key is unique in
 * the index (`_id`), so a second account taking a linked wallet is a duplicate-key refusal, and
 * removing an account's last method is refused by one conditional update, however requests race.
 * Subjects from before accounts existed keep their values, and so do their grants and consents.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { AccountRepository } from '../../../src/accounts/account.repository';
import { AccountService } from '../../../src/accounts/account.service';
import {
  ACCOUNT_METHOD_COLLECTION,
  AccountMethodRecord,
} from '../../../src/accounts/persistence/account-method.schema';
import { passkeyMethodKey, passwordMethodKey } from '../../../src/accounts/account';
import { ConsentService } from '../../../src/oauth/consent/consent.service';
import {
  exchangeCode,
  login,
  obtainCode,
  refresh,
  PARTNER,
  clientEntry,
  getMe,
} from '../../support/oauth';
import { walletLogin as signInWithWallet } from '../../support/wallet-login';
import { useTestApp } from '../../support/use-test-app';

describe('accounts: one subject, many sign-in methods', () => {
  let accounts: AccountService;

  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([clientEntry(PARTNER)]),
  });
  beforeAll(() => {
    accounts = t.app.get(AccountService);
  });

  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;

  const walletLogin = (account: PrivateKeyAccount) => signInWithWallet(t, account);

  async function subjectOf(accessToken: string): Promise<string> {
    const me = await getMe(t, accessToken).expect(200);
    return me.body.sub as string;
  }

  it('an account that never linked anything has the one method its subject came from', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    await expect(accounts.account('user1')).resolves.toEqual({
      sub: 'user1',
      methods: [{ key: passwordMethodKey('user1'), type: 'password', sub: 'user1' }],
      // No record yet: revision 0, as a record stored before revisions were kept.
      revision: 0,
    });
    await expect(accounts.account(walletOf(wallet))).resolves.toEqual({
      sub: walletOf(wallet),
      methods: [{ key: walletOf(wallet), type: 'wallet', sub: walletOf(wallet) }],
      revision: 0,
    });
  });

  it('a wallet linked to a password user signs in that user; unlinked, its own subject again', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    expect(await subjectOf((await walletLogin(wallet)).access_token)).toBe(walletOf(wallet));

    await accounts.link('user0', walletOf(wallet), 'operator');

    expect(await subjectOf((await walletLogin(wallet)).access_token)).toBe('user0');
    const linked = await accounts.account('user0');
    expect(linked.methods.map((m) => m.key)).toEqual([
      passwordMethodKey('user0'),
      walletOf(wallet),
    ]);

    await accounts.unlink('user0', walletOf(wallet));
    expect(await subjectOf((await walletLogin(wallet)).access_token)).toBe(walletOf(wallet));
  });

  it('method lookups of one moment share one find, each with its own answer, and see a link at once', async () => {
    const linked = privateKeyToAccount(generatePrivateKey());
    const other = privateKeyToAccount(generatePrivateKey());
    await accounts.link('user1', walletOf(linked), 'operator');
    const finds: string[] = [];
    const client = t.connection.getClient();
    const seen = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.command[event.commandName] === 'account_methods') finds.push(event.commandName);
    };
    client.on('commandStarted', seen);
    const lookUp = (wallet: PrivateKeyAccount) =>
      accounts.subjectFor(walletOf(wallet), walletOf(wallet));
    try {
      // Asked in the same turn of the event loop, as concurrent sign-ins under load are.
      await expect(Promise.all([lookUp(linked), lookUp(other), lookUp(linked)])).resolves.toEqual([
        'user1',
        walletOf(other),
        'user1',
      ]);
      expect(finds).toEqual(['find']);
      // Nothing is remembered: the next lookup after an unlink reads the index again.
      await accounts.unlink('user1', walletOf(linked));
      await expect(lookUp(linked)).resolves.toBe(walletOf(linked));
    } finally {
      client.off('commandStarted', seen);
    }
  });

  it('two accounts linking one wallet at once: exactly one wins, the other is told it is taken', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const outcomes = await Promise.allSettled([
      accounts.link('user0', walletOf(wallet), 'operator'),
      accounts.link('user1', walletOf(wallet), 'operator'),
      accounts.link('user0', walletOf(wallet), 'operator'),
      accounts.link('user1', walletOf(wallet), 'operator'),
    ]);
    const holder = (await accounts.findMethod(walletOf(wallet)))!.sub;
    outcomes.forEach((outcome, i) => {
      const claimant = i % 2 === 0 ? 'user0' : 'user1';
      if (claimant === holder) expect(outcome.status).toBe('fulfilled');
      else
        expect(outcome).toMatchObject({
          status: 'rejected',
          reason: {
            error: 'method_already_linked',
            status: 409,
            description: 'This wallet is already linked to another account',
          },
        });
    });
    await accounts.unlink(holder, walletOf(wallet));
  });

  it('a wallet-only account keeps its eip155 subject after it links a second method', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    await accounts.link(walletOf(wallet), passkeyMethodKey('AAAA'), 'operator', {
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: ['internal'],
      deviceType: 'multiDevice',
      backedUp: true,
    });

    expect(await subjectOf((await walletLogin(wallet)).access_token)).toBe(walletOf(wallet));
    const account = await accounts.account(walletOf(wallet));
    expect(account.methods.map((m) => [m.type, m.key])).toEqual([
      ['wallet', walletOf(wallet)],
      ['passkey', passkeyMethodKey('AAAA')],
    ]);
    // The account's own wallet cannot be taken by another account now.
    await expect(accounts.link('user1', walletOf(wallet), 'operator')).rejects.toMatchObject({
      error: 'method_already_linked',
    });
  });

  it('never removes the wallet a wallet account is, nor the last method when two removals race', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    await expect(accounts.unlink(walletOf(wallet), walletOf(wallet))).rejects.toMatchObject({
      error: 'invalid_request',
      status: 400,
    });
    await accounts.link(walletOf(wallet), passkeyMethodKey('BBBB'), 'operator', {
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
    });
    await expect(accounts.unlink(walletOf(wallet), walletOf(wallet))).rejects.toMatchObject({
      error: 'invalid_request',
    });

    // Below the rules, the store's own guard: of two releases of the last two methods racing,
    // one wins and the other finds the account down to its last.
    const records = t.app.get(AccountRepository);
    const outcomes = await Promise.all([
      records.release(walletOf(wallet), walletOf(wallet), t.clock.now()),
      records.release(walletOf(wallet), passkeyMethodKey('BBBB'), t.clock.now()),
    ]);

    expect(outcomes.sort()).toEqual(['last_method', 'released']);
    expect((await accounts.account(walletOf(wallet))).methods).toHaveLength(1);
    await expect(accounts.unlink('user1', walletOf(wallet))).rejects.toMatchObject({
      error: 'not_found',
    });
  });

  it('an account holds at most 20 methods: the 21st is refused and left unclaimed', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const passkey = {
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice' as const,
      backedUp: false,
    };
    for (let i = 0; i < 19; i++) {
      await accounts.link(walletOf(wallet), passkeyMethodKey(`cap${i}`), 'operator', passkey);
    }
    await expect(
      accounts.link(walletOf(wallet), passkeyMethodKey('cap-over'), 'operator', passkey),
    ).rejects.toMatchObject({
      error: 'too_many_sign_in_methods',
      status: 409,
      description: 'An account has at most 20 sign-in methods; remove one first',
    });
    await expect(accounts.findMethod(passkeyMethodKey('cap-over'))).resolves.toBeNull();
    // Linking again what it holds is not a 21st method.
    await accounts.link(walletOf(wallet), passkeyMethodKey('cap0'), 'operator', passkey);
    expect((await accounts.account(walletOf(wallet))).methods).toHaveLength(20);
  });

  it('the check a wallet grant makes after its write: one read tells, for each wallet of a turn, whom it signs in and in what state', async () => {
    const records = t.app.get(AccountRepository);
    const [fresh, locked, owner, linked, half] = Array.from({ length: 5 }, () =>
      walletOf(privateKeyToAccount(generatePrivateKey())),
    );
    await accounts.disable(locked);
    await accounts.link(owner, linked, 'operator');
    // A link caught between its two writes (the key claimed in the index, not yet listed on the
    // account): the record list decides, so the wallet signs in its own subject until it lands.
    await t.connection
      .db!.collection<AccountMethodRecord>(ACCOUNT_METHOD_COLLECTION)
      .insertOne({ _id: half, type: 'wallet', sub: owner });

    // Asked in one turn, beside a check by subject (a passkey's, a code's): one command answers
    // every one of them, each with its own account.
    const finds: string[] = [];
    const client = t.connection.getClient();
    const seen = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.command[event.commandName] === 'accounts') finds.push(event.commandName);
    };
    client.on('commandStarted', seen);
    const [bySubject, ...states] = await Promise.all([
      records.signInStateOf(locked),
      ...[fresh, locked, linked, owner, half].map((key) => records.methodSignInStateOf(key, key)),
    ]).finally(() => client.off('commandStarted', seen));
    expect(finds).toEqual(['find']);
    expect(bySubject).toMatchObject({ disabledAt: expect.any(Date), methods: [] });

    expect(states).toEqual([
      { sub: fresh, disabledAt: null, methods: [] },
      { sub: locked, disabledAt: expect.any(Date), methods: [] },
      { sub: owner, disabledAt: null, methods: [owner, linked] },
      { sub: owner, disabledAt: null, methods: [owner, linked] },
      { sub: half, disabledAt: null, methods: [] },
    ]);
    await accounts.disable(owner);
    await expect(accounts.signInOf(linked, linked)).resolves.toEqual({
      sub: owner,
      refusal: expect.objectContaining({ error: 'access_denied', reason: 'account_disabled' }),
    });
  });

  it('migration: grants, refresh tokens and consents from before a link keep working', async () => {
    // Before: a password user's code grant and consent, and a wallet's grant.
    const agent = request.agent(t.app.getHttpServer());
    await login(agent, '/', 'user1', 'password1');
    const { code, verifier } = await obtainCode(agent, { scope: 'openid profile' });
    const before = (await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200)).body as {
      refresh_token: string;
    };
    await t.app.get(ConsentService).allow('user1', PARTNER.id, 'profile');
    const wallet = privateKeyToAccount(generatePrivateKey());
    const walletBefore = await walletLogin(wallet);

    // The change: the wallet joins user1's account.
    await accounts.link('user1', walletOf(wallet), 'operator');

    const rotated = await refresh(t.app.getHttpServer(), before.refresh_token).expect(200);
    expect(await subjectOf(rotated.body.access_token as string)).toBe('user1');
    const walletRotated = await request(t.app.getHttpServer())
      .post('/token')
      .type('form')
      .send({
        grant_type: 'refresh_token',
        refresh_token: walletBefore.refresh_token,
        client_id: 'wallet',
      })
      .expect(200);
    // A grant keeps the subject it was opened for: the wallet's tokens do not change hands.
    expect(await subjectOf(walletRotated.body.access_token as string)).toBe(walletOf(wallet));
    await expect(
      t.app.get(ConsentService).review('user1', PARTNER.id, 'profile'),
    ).resolves.toMatchObject({ asked: [] });
    const again = await obtainCode(agent);
    const after = await exchangeCode(t.app.getHttpServer(), again.code, again.verifier).expect(200);
    expect(await subjectOf(after.body.access_token as string)).toBe('user1');
  });
});
