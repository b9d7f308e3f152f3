/**
 * A wallet signature is worth exactly what it was asked for (#31): a nonce is bound to its
 * audience (a client, this browser's login page, an account) and its purpose (login, linking),
 * its message says so, and the signed message must be the issued one in every field. Each attack
 * of the live run is here as the attacker drove it: real signers (viem, Ed25519), the real
 * AppModule over HTTP. Before #31 the first two were accepted (account takeover, wallet theft).
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { decodeJwt } from 'jose';
import { exchangeCode, login, obtainCode, type Agent } from '../../support/oauth';
import { register } from '../../support/registration';
import { newSolanaWallet } from '../../support/solana';
import {
  type NonceFor,
  type SignedMessage,
  signedSiweMessage,
  signedSiwsMessage,
} from '../../support/wallet-login';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';

describe('purpose- and audience-bound wallet proofs (#31)', () => {
  let dapp: string;

  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });
  beforeAll(async () => {
    dapp = await registerPublicClient(['https://dapp.example/callback']);
  });

  async function registerPublicClient(redirectUris: string[]): Promise<string> {
    const res = await register(t, {
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
      client_name: 'A dApp',
    }).expect(201);
    return res.body.client_id as string;
  }

  const server = () => t.app.getHttpServer();
  const newWallet = () => privateKeyToAccount(generatePrivateKey());
  const signed = (wallet: PrivateKeyAccount, nonceFor: NonceFor = {}) =>
    signedSiweMessage(t, wallet, wallet, nonceFor);

  /** A browser on the login page: its cookies and the page's CSRF token. */
  async function loginPage(): Promise<{ browser: Agent; csrf: string }> {
    const browser = request.agent(server());
    const page = await browser.get('/login').expect(200);
    return { browser, csrf: /name="csrf_token" value="([^"]+)"/.exec(page.text)![1] };
  }

  function pageLogin(page: { browser: Agent; csrf: string }, proof: SignedMessage) {
    return page.browser
      .post('/login/siwe')
      .send({ ...proof, csrf_token: page.csrf, return_to: '/' });
  }

  /** An account-scoped token of a fresh password login of `username` (demo-client is first-party). */
  async function accountToken(username: string): Promise<string> {
    const agent = request.agent(server());
    await login(agent, '/', username, `password${username.slice(-1)}`);
    const { code, verifier } = await obtainCode(agent, { scope: 'openid account' });
    return (await exchangeCode(server(), code, verifier).expect(200)).body.access_token as string;
  }

  const linkWallet = (token: string, proof: SignedMessage) =>
    t.http().post('/account/methods/wallet').set('Authorization', `Bearer ${token}`).send(proof);

  const methodsOf = async (token: string) =>
    (await t.http().get('/account/methods').set('Authorization', `Bearer ${token}`).expect(200))
      .body as { methods: Array<{ method: string }> };

  describe('critical: a signature collected by a dApp opens no login session', () => {
    it('refuses a dApp’s client-bound message at /login/siwe; the dApp can still redeem it', async () => {
      const victim = newWallet();
      const collected = await signed(victim, { client_id: dapp });
      const attacker = await loginPage();

      const refused = await pageLogin(attacker, collected);
      expectRefusal(refused, 401, 'domain_mismatch', 'The message is for another domain');
      expect(refused.headers['set-cookie'] ?? []).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^pg_session=/)]),
      );

      const tokens = await t
        .http()
        .post('/wallet/verify')
        .send({ ...collected, client_id: dapp })
        .expect(200);
      expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
        sub: `eip155:1:${victim.address}`,
        client_id: dapp,
      });
    });

    it('refuses a script’s message (Proofgate’s own domain, built-in wallet client) at /login/siwe', async () => {
      const victim = newWallet();
      // What the live attack used: a nonce asked without client_id and without cookies.
      const collected = await signed(victim);
      const refused = await pageLogin(await loginPage(), collected);
      expectRefusal(
        refused,
        401,
        'invalid_nonce',
        'The nonce was issued for another audience, not for this browser’s login page',
      );
      // It stays what it was asked for: tokens of the built-in wallet client.
      await t.http().post('/wallet/verify').send(collected).expect(200);
    });

    it('refuses another browser’s login-page message, and the same for Solana', async () => {
      const victim = newWallet();
      const victimPage = await loginPage();
      const collected = await signed(victim, { browser: victimPage.browser });
      const refused = await pageLogin(await loginPage(), collected).expect(401);
      expect(refused.body.error_description).toBe(
        'The nonce was issued for another audience, not for this browser’s login page',
      );
      await pageLogin(victimPage, collected).expect(200);

      const solana = newSolanaWallet();
      const solanaCollected = await signedSiwsMessage(t, solana);
      const solanaRefused = await pageLogin(await loginPage(), solanaCollected).expect(401);
      expect(solanaRefused.body.error).toBe('invalid_nonce');
      await t.http().post('/wallet/verify').send(solanaCollected).expect(200);
    });

    it('refuses a login-page message at /wallet/verify', async () => {
      const victim = newWallet();
      const page = await loginPage();
      const proof = await signed(victim, { browser: page.browser });
      const refused = await t.http().post('/wallet/verify').send(proof);
      expectRefusal(
        refused,
        401,
        'invalid_nonce',
        'The nonce was issued for another audience, not for this client',
      );
      await pageLogin(page, proof).expect(200);
    });
  });

  describe('high: a login signature links no wallet', () => {
    it('refuses a victim’s login signature on the attacker’s account, which gains nothing', async () => {
      const victim = newWallet();
      const attackerToken = await accountToken('user1');
      const before = await methodsOf(attackerToken);
      const collected = await signed(victim);

      const refused = await linkWallet(attackerToken, collected);
      expectRefusal(
        refused,
        401,
        'invalid_nonce',
        'The message was issued to sign in, not to link a wallet to an account',
      );
      expect(await methodsOf(attackerToken)).toEqual(before);
      // The victim's wallet still signs in as itself.
      const tokens = await t.http().post('/wallet/verify').send(collected).expect(200);
      expect(decodeJwt(tokens.body.access_token as string).sub).toBe(`eip155:1:${victim.address}`);
    });

    it('a link message says what it does, links to its own account only, and signs in nowhere', async () => {
      const wallet = newWallet();
      const owner = await accountToken('user0');
      const other = await accountToken('user1');
      const proof = await signed(wallet, { linkTo: owner });
      expect(proof.message).toContain(
        'Link this wallet to the Proofgate account user0: it will sign in to that account.',
      );

      const elsewhere = await linkWallet(other, proof).expect(401);
      expect(elsewhere.body.error_description).toBe(
        'The nonce was issued for another audience, not for this account',
      );
      const verify = await t.http().post('/wallet/verify').send(proof).expect(401);
      expect(verify.body.error_description).toBe(
        'The message was issued to link a wallet to an account, not to sign in',
      );
      const page = await pageLogin(await loginPage(), proof).expect(401);
      expect(page.body.error).toBe('invalid_nonce');

      const linked = await linkWallet(owner, proof).expect(201);
      expect(linked.body.method).toBe(`eip155:1:${wallet.address}`);
    });

    it('links a Solana wallet only with its link message', async () => {
      const wallet = newSolanaWallet();
      const owner = await accountToken('user0');
      const login = await signedSiwsMessage(t, wallet);
      expect((await linkWallet(owner, login).expect(401)).body.error_description).toBe(
        'The message was issued to sign in, not to link a wallet to an account',
      );
      const link = await signedSiwsMessage(t, wallet, 'solana:mainnet', { linkTo: owner });
      await linkWallet(owner, link).expect(201);
    });

    it('asks for a bearer token of the account scope before issuing a link nonce', async () => {
      const wallet = newWallet();
      await t
        .http()
        .post('/account/methods/wallet/nonce')
        .send({ address: wallet.address, chainId: 1 })
        .expect(401);
    });
  });

  it('shows anonymous callers whom a live nonce is for, never a browser’s session or the account a wallet joins', async () => {
    const wallet = newWallet();
    const page = await loginPage();
    await signed(wallet, { browser: page.browser });
    await signed(wallet, { linkTo: await accountToken('user0') });
    const live = (await t.http().get('/challenge-models/live').expect(200)).body as {
      challenges: Array<{ binding: Record<string, string> }>;
    };
    const audiences = live.challenges
      .filter((c) => c.binding.address === wallet.address.toLowerCase())
      .map((c) => [c.binding.audience, c.binding.purpose])
      .sort();
    expect(audiences).toEqual([
      ['account', 'link'],
      ['page', 'login'],
    ]);
    expect(JSON.stringify(live)).not.toContain('user0');
  });

  describe('client-bound nonces', () => {
    it('name the client’s own origin, say whom they are for, and redeem only for that client', async () => {
      const wallet = newWallet();
      const issued = await t
        .http()
        .post('/wallet/nonce')
        .send({ address: wallet.address, chainId: 1, client_id: dapp })
        .expect(201);
      expect(issued.body).toMatchObject({ domain: 'dapp.example', uri: 'https://dapp.example' });
      const message = issued.body.message as string;
      expect(message.split('\n')[0]).toBe(
        'dapp.example wants you to sign in with your Ethereum account:',
      );
      expect(message).toContain(
        `Sign in through Proofgate to the app ${dapp}, for this site only.`,
      );
      expect(message).toContain('URI: https://dapp.example\n');
      const proof = { message, signature: await wallet.signMessage({ message }) };

      // Another client, or none, is refused before the signature is looked at.
      const other = await registerPublicClient(['https://other.example/callback']);
      const asOther = await t
        .http()
        .post('/wallet/verify')
        .send({ ...proof, client_id: other })
        .expect(401);
      expect(asOther.body.error).toBe('domain_mismatch');
      const asDefault = await t.http().post('/wallet/verify').send(proof).expect(401);
      expect(asDefault.body.error).toBe('domain_mismatch');

      await t
        .http()
        .post('/wallet/verify')
        .send({ ...proof, client_id: dapp })
        .expect(200);
    });

    it('refuses a client of the same origin redeeming another client’s message', async () => {
      const wallet = newWallet();
      const twin = await registerPublicClient(['https://dapp.example/other-callback']);
      const proof = await signed(wallet, { client_id: dapp });
      const refused = await t
        .http()
        .post('/wallet/verify')
        .send({ ...proof, client_id: twin });
      expectRefusal(
        refused,
        401,
        'invalid_nonce',
        'The nonce was issued for another audience, not for this client',
      );
    });

    it('pick one of several origins by `origin` or the request’s Origin header, else ask', async () => {
      const wallet = newWallet();
      const multi = await registerPublicClient([
        'https://one.example/callback',
        'https://two.example:8443/callback',
      ]);
      const ask = (body: Record<string, unknown>, origin?: string) => {
        const req = t.http().post('/wallet/nonce');
        if (origin !== undefined) req.set('Origin', origin);
        return req.send({ address: wallet.address, chainId: 1, client_id: multi, ...body });
      };

      expect((await ask({ origin: 'https://two.example:8443' }).expect(201)).body).toMatchObject({
        domain: 'two.example:8443',
        uri: 'https://two.example:8443',
      });
      expect((await ask({}, 'https://one.example').expect(201)).body.domain).toBe('one.example');
      const unnamed = await ask({});
      expectRefusal(
        unnamed,
        400,
        'invalid_request',
        'The client has several web origins; name the one the dApp runs on in origin: https://one.example, https://two.example:8443',
      );
      const foreign = await ask({ origin: 'https://evil.example' }).expect(400);
      expect(foreign.body.error_description).toMatch(/^origin must be one of the client’s/);
    });

    it('are refused to unknown and confidential clients, and to clients without a web origin', async () => {
      const wallet = newWallet();
      const ask = (client_id: string) =>
        t.http().post('/wallet/nonce').send({ address: wallet.address, chainId: 1, client_id });
      expect((await ask('no-such-client').expect(400)).body.error_description).toBe(
        'client_id is not a registered client',
      );
      expect((await ask('demo-client').expect(400)).body.error_description).toBe(
        'client_id must be a public client: wallet login does not authenticate client secrets',
      );
      const native = await registerPublicClient(['com.example.app:/callback']);
      expect((await ask(native).expect(400)).body.error_description).toBe(
        'The client has no web origin among its redirect URIs: a wallet message must name the site it signs in to',
      );
    });
  });

  describe('the signed message must be the issued one in every field', () => {
    const changes: Array<[string, (message: string) => string]> = [
      [
        'statement',
        (m) => m.replace('Sign in through Proofgate', 'Claim your airdrop via Proofgate'),
      ],
      [
        'URI path',
        (m) => m.replace('URI: https://dapp.example\n', 'URI: https://dapp.example/x\n'),
      ],
      ['Resources', (m) => `${m}\nResources:\n- https://dapp.example/airdrop`],
      [
        'Not Before',
        (m) => m.replace(/(Expiration Time: [^\n]+)/, '$1\nNot Before: 2020-01-01T00:00:00.000Z'),
      ],
      [
        'Expiration Time',
        (m) => m.replace(/Expiration Time: [^\n]+/, 'Expiration Time: 2099-01-01T00:00:00.000Z'),
      ],
      ['Request ID', (m) => m.replace(/(Expiration Time: [^\n]+)/, '$1\nRequest ID: 42')],
    ];

    it.each(changes)(
      'refuses a message with another %s; the issued one still signs in',
      async (_field, change) => {
        const wallet = newWallet();
        const issued = await signed(wallet, { client_id: dapp });
        const altered = change(issued.message);
        expect(altered).not.toBe(issued.message);
        const refused = await t
          .http()
          .post('/wallet/verify')
          .send({
            message: altered,
            signature: await wallet.signMessage({ message: altered }),
            client_id: dapp,
          });
        expectRefusal(
          refused,
          401,
          'invalid_nonce',
          'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
        );
        await t
          .http()
          .post('/wallet/verify')
          .send({ ...issued, client_id: dapp })
          .expect(200);
      },
    );

    it('refuses a Sign In With Solana message with another statement', async () => {
      const wallet = newSolanaWallet();
      const issued = await signedSiwsMessage(t, wallet);
      const altered = issued.message.replace('Sign in to Proofgate', 'Sign in via Proofgate');
      expect(altered).not.toBe(issued.message);
      const refused = await t
        .http()
        .post('/wallet/verify')
        .send({ message: altered, signature: wallet.signText(altered) })
        .expect(401);
      expect(refused.body.error_description).toBe(
        'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
      );
      await t.http().post('/wallet/verify').send(issued).expect(200);
    });
  });
});
