/**
 * Linking sign-in methods (#20): both proofs fresh (an account-scoped token of a login at most
 * 10 minutes old, and the new method's own proof), one account per method, never the last method
 * removed, and the `amr` a login says. Wallets sign with viem, passkeys with the software
 * authenticator; everything goes through HTTP against the real AppModule.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { exchangeCode, login, obtainCode, type Agent } from '../../support/oauth';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { newSolanaWallet } from '../../support/solana';
import { AccountRepository } from '../../../src/accounts/account.repository';
import { AccountService } from '../../../src/accounts/account.service';
import { passkeyMethodKey } from '../../../src/accounts/account';
import { GrantRepository } from '../../../src/tokens/grants/grant.repository';
import {
  type NonceFor,
  signedSiweMessage,
  signedSiwsMessage,
  walletLogin as signInWithWallet,
  walletBrowser,
} from '../../support/wallet-login';
import { registerPasskey } from '../../support/passkeys';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { WALLET_HAS_ITS_OWN_ACCOUNT } from '../../../src/login/account/wallet-link.service';

const ISSUER = 'http://localhost:25000';

describe('linking sign-in methods', () => {
  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  const server = () => t.app.getHttpServer();
  const walletOf = (account: PrivateKeyAccount) => `eip155:1:${account.address}`;

  /** A signed SIWE message for `nonceFor`: a script's login by default, `{ linkTo }` to link. */
  const signed = (account: PrivateKeyAccount, nonceFor: NonceFor = {}) =>
    signedSiweMessage(t, account, account, nonceFor);

  /** A browser signed in with a password. */
  async function passwordBrowser(username = 'user0'): Promise<Agent> {
    const agent = request.agent(server());
    await login(agent, '/', username, `password${username.slice(-1)}`);
    return agent;
  }

  /** Tokens of the browser's session for demo-client (first-party), with `scope`. */
  async function tokensOf(agent: Agent, scope = 'openid account') {
    const { code, verifier } = await obtainCode(agent, { scope, nonce: 'n-1' });
    const res = await exchangeCode(server(), code, verifier).expect(200);
    return res.body as { access_token: string; id_token: string };
  }

  const bearer = (token: string) => `Bearer ${token}`;

  async function me(token: string) {
    return (await t.http().get('/api/me').set('Authorization', bearer(token)).expect(200)).body as {
      sub: string;
      auth_method: string;
    };
  }

  const walletLogin = (account: PrivateKeyAccount) => signInWithWallet(t, account);

  it('a password user links a wallet; then SIWE for that address yields the user’s sub', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await passwordBrowser('user1'));

    const linked = await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(access_token))
      .send(await signed(wallet, { linkTo: access_token }))
      .expect(201);

    expect(linked.body).toEqual({
      method: walletOf(wallet),
      type: 'wallet',
      added_at: expect.any(String),
    });
    expect(await me((await walletLogin(wallet)).access_token)).toEqual(
      expect.objectContaining({ sub: 'user1', auth_method: 'siwe' }),
    );
    const listed = await t
      .http()
      .get('/account/methods')
      .set('Authorization', bearer(access_token))
      .expect(200);
    expect(listed.body).toEqual({
      sub: 'user1',
      methods: [
        { method: 'password:user1', type: 'password', added_at: expect.any(String) },
        { method: walletOf(wallet), type: 'wallet', added_at: expect.any(String) },
      ],
    });

    // (Removing the password, now that another method remains: account-sessions.e2e-spec.ts.)

    // A second account cannot take the linked address.
    const other = await tokensOf(await passwordBrowser('user0'));
    const taken = await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(other.access_token))
      .send(await signed(wallet, { linkTo: other.access_token }));
    expectRefusal(
      taken,
      409,
      'method_already_linked',
      'This wallet is already linked to another account',
    );
  });

  it('a wallet whose own account is signed in anywhere is not moved to another (a relayed link message): 409 until that account signs out everywhere', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await passwordBrowser('user1'));
    const link = async (which = wallet) =>
      t
        .http()
        .post('/account/methods/wallet')
        .set('Authorization', bearer(access_token))
        .send(await signed(which, { linkTo: access_token }));

    // Signed in to its own account by an app (a grant): its one sign-in so far.
    const script = await walletLogin(wallet);
    expect(await me(script.access_token)).toEqual(
      expect.objectContaining({ sub: walletOf(wallet), auth_method: 'siwe' }),
    );
    expectRefusal(await link(), 409, 'method_already_linked', WALLET_HAS_ITS_OWN_ACCOUNT);
    // Another wallet signed in only in a browser (a login session, no grant): refused as well.
    const browserOnly = privateKeyToAccount(generatePrivateKey());
    await walletBrowser(t, browserOnly);
    expectRefusal(
      await link(browserOnly),
      409,
      'method_already_linked',
      WALLET_HAS_ITS_OWN_ACCOUNT,
    );
    // The first in a browser too, whose account token signs it out everywhere.
    const own = await tokensOf(await walletBrowser(t, wallet));
    expectRefusal(await link(), 409, 'method_already_linked', WALLET_HAS_ITS_OWN_ACCOUNT);

    // Its owner signs it out everywhere (the session, both grants): nothing in use is moved.
    const ended = await t
      .http()
      .delete('/account/sessions')
      .set('Authorization', bearer(own.access_token))
      .expect(200);
    expect(ended.body).toEqual(expect.objectContaining({ sessions_ended: 1, grants_revoked: 2 }));
    expect((await link()).status).toBe(201);
    expect(await me((await walletLogin(wallet)).access_token)).toEqual(
      expect.objectContaining({ sub: 'user1', auth_method: 'siwe' }),
    );
  });

  it('a Solana address links to an account like an Ethereum one (#21); then SIWS yields the user’s sub', async () => {
    const wallet = newSolanaWallet();
    const { address } = wallet;
    const signedSolana = () => signedSiwsMessage(t, wallet);
    const { access_token } = await tokensOf(await passwordBrowser('user0'));

    const linked = await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(access_token))
      .send(await signedSiwsMessage(t, wallet, 'solana:mainnet', { linkTo: access_token }))
      .expect(201);
    expect(linked.body).toMatchObject({
      method: `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:${address}`,
      type: 'wallet',
    });

    const tokens = await t
      .http()
      .post('/wallet/verify')
      .send(await signedSolana())
      .expect(200);
    expect(await me(tokens.body.access_token as string)).toEqual(
      expect.objectContaining({ sub: 'user0', auth_method: 'siws' }),
    );
  });

  it('linking needs a login at most 10 minutes old, checked before the wallet’s nonce is spent', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await passwordBrowser());
    const proof = await signed(wallet, { linkTo: access_token });
    t.clock.advance(601);
    try {
      const stale = await t
        .http()
        .post('/account/methods/wallet')
        .set('Authorization', bearer(access_token))
        .send(proof)
        .expect(401);
      expect(stale.body.error).toBe('insufficient_user_authentication');
      expect(stale.headers['www-authenticate']).toContain('max_age="600"');
    } finally {
      t.clock.advance(-601);
    }
    // The nonce was left for its owner: with the login recent again, the same message links.
    await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(access_token))
      .send(proof)
      .expect(201);
    // Without the account scope: 403.
    const profileOnly = await tokensOf(await passwordBrowser(), 'openid profile');
    await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(profileOnly.access_token))
      .send(await signed(wallet))
      .expect(403);
  });

  it('a wallet-only account adds a passkey and keeps its eip155 subject', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = await walletBrowser(t, wallet);
    const { access_token } = await tokensOf(browser);
    expect((await me(access_token)).sub).toBe(walletOf(wallet));

    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    await registerPasskey(t, access_token, authenticator);

    const request2 = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    const signedIn = await t
      .http()
      .post('/passkeys/authentication/verify')
      .send({ response: authenticator.assert(request2.body as { challenge: string }) })
      .expect(200);
    expect(await me(signedIn.body.access_token as string)).toEqual(
      expect.objectContaining({ sub: walletOf(wallet), auth_method: 'passkey' }),
    );
    expect((await me((await walletLogin(wallet)).access_token)).sub).toBe(walletOf(wallet));

    // Unlink: the passkey goes; the wallet, the account's own subject, cannot (it would still
    // sign in this account: its login gives that subject whatever the list says).
    const passkeyKey = `passkey:${authenticator.id}`;
    const left = await t
      .http()
      .delete(`/account/methods/${encodeURIComponent(passkeyKey)}`)
      .set('Authorization', bearer(access_token))
      .expect(200);
    expect(left.body).toEqual({
      sub: walletOf(wallet),
      methods: [{ method: walletOf(wallet), type: 'wallet', added_at: expect.any(String) }],
    });
    const own = await t
      .http()
      .delete(`/account/methods/${encodeURIComponent(walletOf(wallet))}`)
      .set('Authorization', bearer(access_token));
    expectRefusal(
      own,
      400,
      'invalid_request',
      'This wallet is the account’s own subject and always signs in to it; it is not removed',
    );
    const request3 = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    await t
      .http()
      .post('/passkeys/authentication/verify')
      .send({ response: authenticator.assert(request3.body as { challenge: string }) })
      .expect(401);
  });

  it('removes a method with the longest key there is: a passkey of a 1,023-byte credential ID', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await walletBrowser(t, wallet));
    // WebAuthn allows credential IDs up to 1,023 bytes: a method key of 1,372 characters.
    const passkey = passkeyMethodKey(Buffer.alloc(1023, 0xa7).toString('base64url'));
    await t.app.get(AccountService).link(walletOf(wallet), passkey, 'operator', {
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
    });
    const left = await t
      .http()
      .delete(`/account/methods/${encodeURIComponent(passkey)}`)
      .set('Authorization', bearer(access_token))
      .expect(200);
    expect(left.body.methods).toEqual([
      { method: walletOf(wallet), type: 'wallet', added_at: expect.any(String) },
    ]);
  });

  it('the last method is never removed: 409 last_sign_in_method', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { access_token } = await tokensOf(await walletBrowser(t, wallet));
    const accounts = t.app.get(AccountService);
    const passkey = passkeyMethodKey('Q0NDQw');
    await accounts.link(walletOf(wallet), passkey, 'operator', {
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
    });
    // A record down to the passkey (no rule removes the account's own wallet any more; records
    // written before that rule may be like this): the store releases the wallet directly.
    await t.app.get(AccountRepository).release(walletOf(wallet), walletOf(wallet), t.clock.now());
    const last = await t
      .http()
      .delete(`/account/methods/${encodeURIComponent(passkey)}`)
      .set('Authorization', bearer(access_token));
    expectRefusal(last, 409, 'last_sign_in_method', 'An account keeps at least one sign-in method');
  });

  it('the account page: a browser without a session is sent to sign in; a stale login cannot add a passkey', async () => {
    const anonymous = await t.http().get('/account').expect(303);
    expect(anonymous.headers.location).toBe('/login?return_to=%2Faccount');

    const browser = await passwordBrowser('user1');
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('id="add-passkey"');
    expect(page.text).toContain('<strong id="account-sub">user1</strong>');
    const csrf = /data-csrf-token="([^"]+)"/.exec(page.text)![1];
    await browser.post('/account/passkeys/options').send({ csrf_token: csrf }).expect(200);
    t.clock.advance(601);
    try {
      const stale = await browser.get('/account').expect(200);
      expect(stale.text).not.toContain('id="add-passkey"');
      expect(stale.text).toContain('sign in again');
      const refused = await browser
        .post('/account/passkeys/options')
        .send({ csrf_token: csrf })
        .expect(401);
      expect(refused.body.error).toBe('insufficient_user_authentication');
    } finally {
      t.clock.advance(-601);
    }
    // Without the page's CSRF token nothing changes.
    await browser.post('/account/passkeys/options').send({}).expect(400);
  });

  it('the account page links a wallet (session, CSRF token, recent login, then the signature)', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = await passwordBrowser('user0');
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('id="link-siwe"');
    const csrf = /data-csrf-token="([^"]+)"/.exec(page.text)![1];

    // The link nonce needs the page's CSRF token too.
    await browser
      .post('/account/wallets/nonce')
      .send({ address: wallet.address, chainId: 1 })
      .expect(400);
    // Without the page's CSRF token, and with a login no longer recent: refused, the nonce kept.
    const proof = await signed(wallet, { accountPage: browser, csrf });
    await browser.post('/account/wallets').send(proof).expect(400);
    t.clock.advance(601);
    try {
      const stale = await browser
        .post('/account/wallets')
        .send({ ...proof, csrf_token: csrf })
        .expect(401);
      expect(stale.body.error).toBe('insufficient_user_authentication');
    } finally {
      t.clock.advance(-601);
    }
    const linked = await browser
      .post('/account/wallets')
      .send({ ...proof, csrf_token: csrf })
      .expect(201);
    expect(linked.body).toEqual({
      method: walletOf(wallet),
      type: 'wallet',
      added_at: expect.any(String),
    });
    expect((await me((await walletLogin(wallet)).access_token)).sub).toBe('user0');
    const after = await browser.get('/account').expect(200);
    expect(after.text).toContain(`<code>${walletOf(wallet)}</code>`);

    // A wallet another account holds: 409, in the envelope the page's script shows.
    const other = await passwordBrowser('user1');
    const otherPage = await other.get('/account').expect(200);
    const otherCsrf = /data-csrf-token="([^"]+)"/.exec(otherPage.text)![1];
    const taken = await other.post('/account/wallets').send({
      ...(await signed(wallet, { accountPage: other, csrf: otherCsrf })),
      csrf_token: otherCsrf,
    });
    expectRefusal(
      taken,
      409,
      'method_already_linked',
      'This wallet is already linked to another account',
    );
  });

  it('a wallet’s token grant goes to the account listing it, decided after the write: its lock-down refuses, its removal frees the wallet', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const wallet = privateKeyToAccount(generatePrivateKey());
    const accounts = t.app.get(AccountService);
    const grants = t.app.get(GrantRepository);
    const grantsOf = (sub: string) =>
      grants.list({ sub }, { now: new Date(), includeEnded: true, limit: 10 });
    await accounts.link(walletOf(owner), walletOf(wallet), 'operator');

    // The grant is written under the wallet's own subject, then moved to the account listing it
    // before any token leaves: the token and the grant both name the account.
    const linked = await signInWithWallet(t, wallet);
    expect(decodeJwt(linked.access_token).sub).toBe(walletOf(owner));
    expect(await me(linked.access_token)).toEqual(
      expect.objectContaining({ sub: walletOf(owner), auth_method: 'siwe' }),
    );
    expect(await grantsOf(walletOf(wallet))).toEqual([]);
    const [live] = await grantsOf(walletOf(owner));
    expect(live).toMatchObject({ methodKey: walletOf(wallet), sub: walletOf(owner) });
    expect(live.revokedAt).toBeUndefined();

    // The account locked down: the wallet signs nothing in, neither the account nor itself, and
    // the grant the refused attempt wrote is revoked, not left live under either subject.
    await accounts.disable(walletOf(owner));
    const refused = await t
      .http()
      .post('/wallet/verify')
      .send(await signed(wallet))
      .expect(403);
    expect(refused.body).toMatchObject({ error: 'access_denied' });
    expect(await grantsOf(walletOf(wallet))).toEqual([]);
    const attempts = await grantsOf(walletOf(owner));
    expect(attempts).toHaveLength(2);
    expect(attempts.filter((grant) => grant.revokedReason === 'account_disabled')).toHaveLength(1);
    await accounts.enable(walletOf(owner));

    // Removed from the account, the wallet signs in its own subject again.
    await accounts.unlink(walletOf(owner), walletOf(wallet));
    const freed = await signInWithWallet(t, wallet);
    expect(decodeJwt(freed.access_token).sub).toBe(walletOf(wallet));
    expect(await grantsOf(walletOf(wallet))).toEqual([
      expect.objectContaining({ sub: walletOf(wallet), methodKey: walletOf(wallet) }),
    ]);
  });

  it('id_token amr: pwd for a password; siwe for a wallet; both and mfa when one browser proved both', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = await passwordBrowser('user1');
    const first = await tokensOf(browser);
    expect(decodeJwt(first.id_token).amr).toEqual(['pwd']);
    await t
      .http()
      .post('/account/methods/wallet')
      .set('Authorization', bearer(first.access_token))
      .send(await signed(wallet, { linkTo: first.access_token }))
      .expect(201);

    // The same browser signs in with the linked wallet: the same account, a second proof.
    const page = await browser.get('/login').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    await browser
      .post('/login/siwe')
      .send({ ...(await signed(wallet, { browser })), csrf_token: csrf, return_to: '/' })
      .expect(200);
    const combined = await tokensOf(browser);
    expect(decodeJwt(combined.id_token)).toMatchObject({
      sub: 'user1',
      amr: ['pwd', 'siwe', 'mfa'],
    });

    const walletOnly = await tokensOf(
      await walletBrowser(t, privateKeyToAccount(generatePrivateKey())),
    );
    expect(decodeJwt(walletOnly.id_token).amr).toEqual(['siwe']);
  });
});
