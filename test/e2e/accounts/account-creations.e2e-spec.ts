/**
 * Issue #31, item 4: accounts created per source address are bounded. A fresh wallet's account
 * is written to `accounts` the moment it links a second method (a password, a passkey); at most
 * ACCOUNT_CREATIONS_PER_IP_PER_HOUR such creations per IP and hour, then 429 with Retry-After
 * and nothing written. Other addresses are unaffected, and an account that already has a record
 * adding a further method is not counted.
 */
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { passkeyMethodKey } from '../../../src/accounts/account';
import { AccountService } from '../../../src/accounts/account.service';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { exchangeCode, obtainCode } from '../../support/oauth';
import { walletBrowser } from '../../support/wallet-login';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const ISSUER = 'http://localhost:25000';
const PER_HOUR = 2;
const PASSWORD = 'a-wallet-users-secret-1';
const ATTACKER = '198.51.100.31';
const NEIGHBOUR = '203.0.113.31';

describe('account creations per IP and hour', () => {
  let names = 0;

  const t = useTestApp({
    ISSUER,
    TRUST_PROXY: 'loopback',
    ACCOUNT_CREATIONS_PER_IP_PER_HOUR: String(PER_HOUR),
    RATE_LIMIT_LOGIN_PER_IP: '1000',
  });
  beforeAll(() => {
    // Just past the start of an hour: the test's creations share one window, whatever the time.
    placeInWindow([t], 0.5, true, 3600);
  });

  const server = () => t.app.getHttpServer();
  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;

  /** An account-scoped access token of a fresh wallet's login on the login page. */
  async function freshWalletToken(): Promise<{ token: string; sub: string }> {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const agent = await walletBrowser(t, wallet);
    const { code, verifier } = await obtainCode(agent, { scope: 'openid account', nonce: 'n-1' });
    const res = await exchangeCode(server(), code, verifier).expect(200);
    return { token: (res.body as { access_token: string }).access_token, sub: walletOf(wallet) };
  }

  const setPassword = (token: string, from: string) =>
    t
      .http()
      .post('/account/methods/password')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', from)
      .send({ username: `creation-${++names}`, password: PASSWORD });

  async function addPasskey(token: string, from: string) {
    const options = await t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', from)
      .send({})
      .expect(200);
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    const res = await t
      .http()
      .post('/passkeys/registration/verify')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', from)
      .send(authenticator.register(options.body as { challenge: string; user: { id: string } }));
    return { res, authenticator };
  }

  it(`allows ${PER_HOUR} new accounts from one address, then 429 with Retry-After and nothing written; other addresses and existing accounts are unaffected`, async () => {
    const accounts = t.app.get(AccountService);
    const created: { token: string; sub: string }[] = [];
    // The budget: one account by a password, one by a passkey.
    created.push(await freshWalletToken());
    await setPassword(created[0].token, ATTACKER).expect(201);
    created.push(await freshWalletToken());
    expect((await addPasskey(created[1].token, ATTACKER)).res.status).toBe(201);

    // One more account from the same address: refused before anything is written.
    const third = await freshWalletToken();
    const byPassword = await setPassword(third.token, ATTACKER);
    expectRefusal(byPassword, 429, 'too_many_requests', 'Too many requests; slow down');
    const retryAfter = Number(byPassword.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const byPasskey = await addPasskey(third.token, ATTACKER);
    expect(byPasskey.res.status).toBe(429);
    expect(byPasskey.res.body.error).toBe('too_many_requests');
    expect(await accounts.findMethod(passkeyMethodKey(byPasskey.authenticator.id))).toBeNull();
    expect((await accounts.account(third.sub)).createdAt).toBeUndefined();

    // An account that has its record adds a further method from that address: not a creation.
    expect((await addPasskey(created[0].token, ATTACKER)).res.status).toBe(201);
    expect((await accounts.account(created[0].sub)).methods).toHaveLength(3);

    // Another address creates the third account.
    await setPassword(third.token, NEIGHBOUR).expect(201);
    expect((await accounts.account(third.sub)).createdAt).toEqual(expect.any(Date));

    // The next hour, the first address may create accounts again.
    t.clock.advance(3600);
    const later = await freshWalletToken();
    await setPassword(later.token, ATTACKER).expect(201);
  });
});
