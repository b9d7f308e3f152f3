/**
 * Sign in with Bitcoin (issue #33 item 4), driven through exactly the public API: POST
 * /wallet/nonce, POST /wallet/verify (with and without a dApp's client_id), the login page's
 * POST /login/siwe and the code flow behind it, and account linking. Wallets are secp256k1 keys
 * (the attack lab's, src/lab-client: a client of the service that imports none of its code):
 * every signature is made by @scure/btc-signer's own transaction signer over BIP-322's virtual
 * transactions, built by the client from the BIP text, or, for P2PKH, in the legacy
 * signed-message format with @noble/curves' recoverable ECDSA.
 */
import { createHash } from 'node:crypto';
import { TEST_NETWORK } from '@scure/btc-signer';
import { decodeJwt } from 'jose';
import request from 'supertest';
import {
  type BitcoinAddressType as AddressType,
  type IssuedBitcoinNonce,
  newBitcoinWallet,
} from '../../../src/lab-client/siwb-scenarios';
import { exchangeCode, login, obtainCode } from '../../support/oauth';
import { register } from '../../support/registration';
import { TestApp, createTestApp } from '../../support/test-app';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const TESTNET = 'bip122:000000000933ea01ad0ee984209779ba';
const PER_ADDRESS = 5;
const STATEMENT =
  "Sign in to Proofgate's wallet client: tokens for this site only, no login session.";
const MESSAGE_CHANGED =
  'The signed message differs from the one issued with its nonce; sign the message exactly as issued';

interface BitcoinWallet {
  readonly type: AddressType;
  readonly address: string;
  /** The wallet's signMessage: BIP-322 simple, or legacy for P2PKH; base64. */
  sign(message: string): string;
}

/** A fresh key's wallet of one address type (the lab's), its signMessage answering base64. */
function bitcoinWallet(type: AddressType, net?: typeof TEST_NETWORK): BitcoinWallet {
  const wallet = newBitcoinWallet(type, net);
  return { type, address: wallet.address, sign: (message) => wallet.signText(message) };
}

function freshWindow(t: TestApp): void {
  const now = t.clock.now().getTime();
  t.clock.advance((now - (now % 60_000) + 60_500 - now) / 1000);
}

function expectRefusal(
  res: { status: number; body: unknown },
  status: number,
  error: string,
  description: string,
) {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error, error_description: description },
  });
}

describe('Sign in with Bitcoin: the public API', () => {
  let t: TestApp;
  let dapp: string;

  beforeAll(async () => {
    t = await createTestApp({
      ISSUER: 'http://localhost:25000',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_WALLET_PER_IP: '100000',
      RATE_LIMIT_LOGIN_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_ADDRESS: String(PER_ADDRESS),
    });
    dapp = (
      await register(t, {
        redirect_uris: ['https://dapp.example/callback'],
        token_endpoint_auth_method: 'none',
        client_name: 'A Bitcoin dApp',
      }).expect(201)
    ).body.client_id as string;
  });
  afterAll(() => t.close());
  beforeEach(() => freshWindow(t));

  let ip = 0;
  /** Each request from an IP of its own, so the per-(IP, address) counts never get in the way. */
  const from = () => `198.51.100.${(ip++ % 250) + 1}`;
  const nonce = (body: Record<string, unknown>) =>
    t.http().post('/wallet/nonce').set('X-Forwarded-For', from()).send(body);
  const verify = (body: Record<string, unknown>) =>
    t.http().post('/wallet/verify').set('X-Forwarded-For', from()).send(body);

  async function issue(
    wallet: BitcoinWallet,
    extra: Record<string, unknown> = {},
  ): Promise<IssuedBitcoinNonce> {
    const res = await nonce({ address: wallet.address, chainId: MAINNET, ...extra });
    expect(res.status).toBe(201);
    return res.body as IssuedBitcoinNonce;
  }

  async function subjectOf(accessToken: string) {
    const me = await t.http().get('/api/me').set('Authorization', `Bearer ${accessToken}`);
    expect(me.status).toBe(200);
    return me.body as { sub: string; auth_method: string; client_id: string };
  }

  describe('POST /wallet/nonce', () => {
    it('answers the CAIP-122 message of issue #33: pinned domain, the address as sent, CAIP-2 chain', async () => {
      const wallet = bitcoinWallet('p2wpkh');
      const res = await nonce({ address: wallet.address, chainId: MAINNET });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as IssuedBitcoinNonce;
      expect(body).toEqual({
        nonce: expect.stringMatching(/^[0-9A-Za-z]{22}$/),
        address: wallet.address,
        chainId: MAINNET,
        domain: 'localhost:25000',
        uri: 'http://localhost:25000',
        issuedAt: expect.any(String),
        expirationTime: expect.any(String),
        message: expect.any(String),
      });
      expect(body.message).toBe(
        [
          'localhost:25000 wants you to sign in with your Bitcoin account:',
          wallet.address,
          '',
          STATEMENT,
          '',
          'URI: http://localhost:25000',
          'Version: 1',
          `Chain ID: ${MAINNET}`,
          `Nonce: ${body.nonce}`,
          `Issued At: ${body.issuedAt}`,
        ].join('\n'),
      );
    });

    it('stores only a hash of the nonce, kind siwb_nonce, bound to the exact address and the CAIP-2 chain', async () => {
      const wallet = bitcoinWallet('p2tr');
      const body = await issue(wallet);
      const stored = await t.connection
        .collection('challenges')
        .findOne({ _id: createHash('sha256').update(body.nonce).digest('base64url') as never });
      expect(stored).toMatchObject({
        kind: 'siwb_nonce',
        binding: { address: wallet.address, chain_id: MAINNET },
      });
    });

    it.each<[string, () => Record<string, unknown>, number, string, string]>([
      [
        'a testnet address on the mainnet chain',
        () => ({ address: bitcoinWallet('p2wpkh', TEST_NETWORK).address }),
        400,
        'invalid_request',
        `address is not an address of chain ${MAINNET}`,
      ],
      [
        'a testnet legacy address on the mainnet chain',
        () => ({ address: bitcoinWallet('p2pkh', TEST_NETWORK).address }),
        400,
        'invalid_request',
        `address is not an address of chain ${MAINNET}`,
      ],
      [
        'testnet, which is off unless SIWB_CHAINS lists it',
        () => ({
          address: bitcoinWallet('p2wpkh', TEST_NETWORK).address,
          chainId: TESTNET,
        }),
        400,
        'chain_not_allowed',
        `Chain ${TESTNET} is not accepted by this service`,
      ],
      [
        'another bip122 chain (Litecoin)',
        () => ({ chainId: 'bip122:12a765e31ffd4059bada1e25190f6e98' }),
        400,
        'chain_not_allowed',
        'Chain bip122:12a765e31ffd4059bada1e25190f6e98 is not accepted by this service',
      ],
      ...[
        `0x${'ab'.repeat(20)}`,
        'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l'.toUpperCase(),
        'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0m',
        // P2WSH: a script's address, not a key's.
        'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
        '',
      ].map(
        (address) =>
          [
            `the address ${JSON.stringify(address)}`,
            () => ({ address }),
            400,
            'invalid_request',
            'address must be a Bitcoin address as the wallet shows it: P2PKH (1…), P2SH-P2WPKH (3…), P2WPKH (bc1q…) or P2TR (bc1p…), bech32 in lower case',
          ] as [string, () => Record<string, unknown>, number, string, string],
      ),
    ])('refuses %s', async (_name, override, status, error, description) => {
      const res = await nonce({
        address: bitcoinWallet('p2wpkh').address,
        chainId: MAINNET,
        ...override(),
      });
      expectRefusal(res, status, error, description);
    });
  });

  describe('POST /wallet/verify', () => {
    it.each<AddressType>(['p2wpkh', 'p2tr', 'p2pkh', 'p2sh-p2wpkh'])(
      'signs in a %s address: tokens for bip122:<genesis ref>:<address>, auth_method siwb',
      async (type) => {
        const wallet = bitcoinWallet(type);
        const issued = await issue(wallet);
        const res = await verify({
          message: issued.message,
          signature: wallet.sign(issued.message),
        });
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toEqual({
          access_token: expect.any(String),
          token_type: 'Bearer',
          expires_in: expect.any(Number),
          refresh_token: expect.any(String),
          scope: 'profile',
        });
        expect(await subjectOf(res.body.access_token as string)).toMatchObject({
          sub: `${MAINNET}:${wallet.address}`,
          auth_method: 'siwb',
          client_id: 'wallet',
        });
      },
    );

    it("signs in to a dApp with its client_id: the message names the dApp's origin", async () => {
      const wallet = bitcoinWallet('p2tr');
      const issued = await issue(wallet, { client_id: dapp });
      expect(issued.message.split('\n')[0]).toBe(
        'dapp.example wants you to sign in with your Bitcoin account:',
      );
      const proof = { message: issued.message, signature: wallet.sign(issued.message) };
      // Without the client_id (the built-in wallet client's sites) it is another domain's.
      expectRefusal(
        await verify(proof),
        401,
        'domain_mismatch',
        'The message is for another domain',
      );
      const res = await verify({ ...proof, client_id: dapp });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token as string)).toMatchObject({
        sub: `${MAINNET}:${wallet.address}`,
        client_id: dapp,
      });
    });

    it('refuses a replay of the same signed message', async () => {
      const wallet = bitcoinWallet('p2wpkh');
      const issued = await issue(wallet);
      const proof = { message: issued.message, signature: wallet.sign(issued.message) };
      expect((await verify(proof)).status).toBe(200);
      expectRefusal(
        await verify(proof),
        401,
        'nonce_already_used',
        'The nonce has already been used; request a new one',
      );
    });

    it.each<AddressType>(['p2wpkh', 'p2tr', 'p2pkh', 'p2sh-p2wpkh'])(
      'refuses a %s signature by another key, and the nonce stays for its owner',
      async (type) => {
        const wallet = bitcoinWallet(type);
        const issued = await issue(wallet);
        expectRefusal(
          await verify({
            message: issued.message,
            signature: bitcoinWallet(type).sign(issued.message),
          }),
          401,
          'invalid_signature',
          'The signature is not valid for the message address',
        );
        const res = await verify({
          message: issued.message,
          signature: wallet.sign(issued.message),
        });
        expect(res.status).toBe(200);
      },
    );

    it("refuses another address's nonce, even signed by that other address's own key", async () => {
      const victim = bitcoinWallet('p2wpkh');
      const attacker = bitcoinWallet('p2wpkh');
      const issued = await issue(victim);
      const message = issued.message.replace(victim.address, attacker.address);
      expectRefusal(
        await verify({ message, signature: attacker.sign(message) }),
        401,
        'invalid_nonce',
        'The nonce is bound to another address',
      );
      expect(
        (await verify({ message: issued.message, signature: victim.sign(issued.message) })).status,
      ).toBe(200);
    });

    it('refuses a tampered message (the signature was for the issued text)', async () => {
      const wallet = bitcoinWallet('p2tr');
      const issued = await issue(wallet);
      const signature = wallet.sign(issued.message);
      const tampered = issued.message.replace(STATEMENT, 'Transfer everything');
      expectRefusal(
        await verify({ message: tampered, signature }),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });

    it('refuses an expired message', async () => {
      const wallet = bitcoinWallet('p2wpkh');
      const issued = await issue(wallet);
      const signature = wallet.sign(issued.message);
      t.clock.advance(301);
      expectRefusal(
        await verify({ message: issued.message, signature }),
        401,
        'expired_message',
        'The message has expired',
      );
    });

    it('refuses a nonce this service never issued', async () => {
      const wallet = bitcoinWallet('p2wpkh');
      const issued = await issue(wallet);
      const message = issued.message.replace(
        `Nonce: ${issued.nonce}`,
        'Nonce: NeverIssued12345678',
      );
      expectRefusal(
        await verify({ message, signature: wallet.sign(message) }),
        401,
        'invalid_nonce',
        'The nonce was not issued by this service',
      );
    });

    // Each signed by the wallet itself: refused for what the text says, not for the signature.
    it.each([
      [
        'another domain',
        (m: string) => m.replace('localhost:25000 wants', 'evil.example wants'),
        401,
        'domain_mismatch',
        'The message is for another domain',
      ],
      [
        'another URI',
        (m: string) => m.replace('URI: http://localhost:25000', 'URI: http://localhost:25000/x'),
        401,
        'uri_mismatch',
        'The message URI is not the one issued for its site',
      ],
      [
        'another statement',
        (m: string) => m.replace(STATEMENT, 'Transfer everything'),
        401,
        'invalid_nonce',
        MESSAGE_CHANGED,
      ],
      [
        'another issue time',
        (m: string) =>
          m.replace(
            /Issued At: (.*)$/,
            (_all, at: string) => `Issued At: ${new Date(Date.parse(at) - 1000).toISOString()}`,
          ),
        401,
        'invalid_nonce',
        MESSAGE_CHANGED,
      ],
      [
        'a multi-line statement',
        (m: string) => m.replace(STATEMENT, `${STATEMENT}\nURI: https://evil.example`),
        400,
        'invalid_message',
        'Not a Sign in with Bitcoin message as issued: the statement must be one line, followed by a blank line',
      ],
      [
        'an Expiration Time added',
        (m: string) => `${m}\nExpiration Time: 2099-01-01T00:00:00.000Z`,
        400,
        'invalid_message',
        'Not a Sign in with Bitcoin message as issued: nothing may follow the issue time',
      ],
      [
        'version 2',
        (m: string) => m.replace('Version: 1', 'Version: 2'),
        400,
        'invalid_message',
        'Only version 1 of Sign in with Bitcoin messages is supported',
      ],
      [
        'the testnet chain',
        (m: string) => m.replace(`Chain ID: ${MAINNET}`, `Chain ID: ${TESTNET}`),
        400,
        'chain_not_allowed',
        `Chain ${TESTNET} is not accepted by this service`,
      ],
    ])('refuses %s', async (_name, edit, status, error, description) => {
      const wallet = bitcoinWallet('p2wpkh');
      const message = edit((await issue(wallet)).message);
      expectRefusal(
        await verify({ message, signature: wallet.sign(message) }),
        status,
        error,
        description,
      );
    });

    it.each([
      ['a hex', () => `0x${'ab'.repeat(32)}`],
      ['a non-canonical base64 (stray bits)', (s: string) => `${s.slice(0, -2)}B=`],
      ['a base64url', (s: string) => Buffer.from(s, 'base64').toString('base64url') + '-_'],
      ['an empty', () => ''],
      ['a cut-padding', (s: string) => s.replace(/=+$/, '').slice(0, -1)],
      ['a very long', (s: string) => s.repeat(40)],
    ])('refuses %s signature as a malformed request (400), never a 5xx', async (_name, encode) => {
      const wallet = bitcoinWallet('p2wpkh');
      const issued = await issue(wallet);
      expectRefusal(
        await verify({ message: issued.message, signature: encode(wallet.sign(issued.message)) }),
        400,
        'invalid_request',
        'The signature must be base64: a BIP-322 simple signature, or the legacy signed-message format for a 1… address',
      );
    });

    it.each([
      ['random bytes', () => Buffer.alloc(71, 0x41).toString('base64')],
      ['an empty witness', () => Buffer.from([0]).toString('base64')],
      ['a witness of three items', () => Buffer.from([3, 1, 1, 1, 2, 1, 3]).toString('base64')],
      ['a legacy signature for a segwit address', (m: string) => bitcoinWallet('p2pkh').sign(m)],
      ['a P2TR signature for a P2WPKH address', (m: string) => bitcoinWallet('p2tr').sign(m)],
    ])('refuses %s as a wrong signature (401)', async (_name, forge) => {
      const wallet = bitcoinWallet('p2wpkh');
      const issued = await issue(wallet);
      const signature = forge(issued.message);
      expectRefusal(
        await verify({ message: issued.message, signature }),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });

    it('charges the address budget only after a valid signature', async () => {
      const victim = bitcoinWallet('p2wpkh');
      const forger = bitcoinWallet('p2wpkh');
      const issued = await issue(victim);
      for (let i = 0; i < 2 * PER_ADDRESS; i++) {
        const forged = { message: issued.message, signature: forger.sign(issued.message) };
        expect((await verify(forged)).status).toBe(401);
      }
      expect(
        (await verify({ message: issued.message, signature: victim.sign(issued.message) })).status,
      ).toBe(200);
    });
  });

  describe('the login page and the code flow behind it', () => {
    it('opens a login session at POST /login/siwe; the id_token says amr ["siwb"]', async () => {
      const wallet = bitcoinWallet('p2tr');
      const browser = request.agent(t.app.getHttpServer());
      const page = await browser.get('/login').expect(200);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
      const issued = (
        await browser
          .post('/wallet/nonce')
          .send({ address: wallet.address, chainId: MAINNET })
          .expect(201)
      ).body as IssuedBitcoinNonce;
      expect(issued.message).toContain('\nSign in to Proofgate in this browser.\n');
      const signature = wallet.sign(issued.message);

      // A script's message (no cookies) is not the page's; the page's is not a script's.
      const scripted = await issue(wallet);
      expect(
        (
          await browser.post('/login/siwe').send({
            message: scripted.message,
            signature: wallet.sign(scripted.message),
            csrf_token: csrf,
            return_to: '/',
          })
        ).body.error,
      ).toBe('invalid_nonce');
      expect((await verify({ message: issued.message, signature })).body.error).toBe(
        'invalid_nonce',
      );

      await browser
        .post('/login/siwe')
        .send({ message: issued.message, signature, csrf_token: csrf, return_to: '/' })
        .expect(200);
      const { code, verifier } = await obtainCode(browser, { scope: 'openid profile' });
      const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
      expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
        sub: `${MAINNET}:${wallet.address}`,
        amr: ['siwb'],
      });
      expect(await subjectOf(tokens.body.access_token as string)).toMatchObject({
        auth_method: 'siwb',
      });
    });
  });

  describe('account linking', () => {
    async function accountToken(username: string): Promise<string> {
      const agent = request.agent(t.app.getHttpServer());
      await login(agent, '/', username, `password${username.slice(-1)}`);
      const { code, verifier } = await obtainCode(agent, { scope: 'openid account' });
      return (await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200)).body
        .access_token as string;
    }

    it('links a Bitcoin wallet with its link message only; it then signs in to that account', async () => {
      const wallet = bitcoinWallet('p2wpkh');
      const owner = await accountToken('user0');
      const link = (proof: { message: string; signature: string }) =>
        t
          .http()
          .post('/account/methods/wallet')
          .set('Authorization', `Bearer ${owner}`)
          .send(proof);

      const loginMessage = (await issue(wallet)).message;
      expect(
        (await link({ message: loginMessage, signature: wallet.sign(loginMessage) }).expect(401))
          .body.error_description,
      ).toBe('The message was issued to sign in, not to link a wallet to an account');

      const linkMessage = (
        await t
          .http()
          .post('/account/methods/wallet/nonce')
          .set('Authorization', `Bearer ${owner}`)
          .send({ address: wallet.address, chainId: MAINNET })
          .expect(201)
      ).body.message as string;
      expect(linkMessage).toContain(
        'Link this wallet to the Proofgate account user0: it will sign in to that account.',
      );
      // Signed by another key: refused, nothing linked.
      await link({
        message: linkMessage,
        signature: bitcoinWallet('p2wpkh').sign(linkMessage),
      }).expect(401);
      const linked = await link({
        message: linkMessage,
        signature: wallet.sign(linkMessage),
      }).expect(201);
      expect(linked.body.method).toBe(`${MAINNET}:${wallet.address}`);

      // The wallet now signs in as the account, with its own method.
      const issued = await issue(wallet);
      const res = await verify({ message: issued.message, signature: wallet.sign(issued.message) });
      expect(res.status).toBe(200);
      const me = await subjectOf(res.body.access_token as string);
      expect(me.sub).not.toBe(`${MAINNET}:${wallet.address}`);
      expect(me.auth_method).toBe('siwb');
    });
  });
});

describe('Sign in with Bitcoin on testnet, when SIWB_CHAINS lists it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SIWB_CHAINS: 'mainnet,testnet' });
  });
  afterAll(() => t.close());

  it('signs in a testnet address on the testnet chain, as its own account', async () => {
    const wallet = bitcoinWallet('p2wpkh', TEST_NETWORK);
    expect(wallet.address.startsWith('tb1q')).toBe(true);
    const issued = (
      await t
        .http()
        .post('/wallet/nonce')
        .send({ address: wallet.address, chainId: TESTNET })
        .expect(201)
    ).body as IssuedBitcoinNonce;
    expect(issued.message).toContain(`\nChain ID: ${TESTNET}\n`);
    const res = await t
      .http()
      .post('/wallet/verify')
      .send({ message: issued.message, signature: wallet.sign(issued.message) })
      .expect(200);
    expect(decodeJwt(res.body.access_token as string).sub).toBe(`${TESTNET}:${wallet.address}`);
  });

  it('refuses a mainnet address on the testnet chain, and a mainnet nonce in a testnet message', async () => {
    const wallet = bitcoinWallet('p2wpkh');
    const refused = await t
      .http()
      .post('/wallet/nonce')
      .send({ address: wallet.address, chainId: TESTNET })
      .expect(400);
    expect(refused.body).toEqual({
      error: 'invalid_request',
      error_description: `address is not an address of chain ${TESTNET}`,
    });
    const issued = (
      await t
        .http()
        .post('/wallet/nonce')
        .send({ address: wallet.address, chainId: MAINNET })
        .expect(201)
    ).body as IssuedBitcoinNonce;
    const message = issued.message.replace(`Chain ID: ${MAINNET}`, `Chain ID: ${TESTNET}`);
    const res = await t
      .http()
      .post('/wallet/verify')
      .send({ message, signature: wallet.sign(message) })
      .expect(400);
    expect(res.body).toEqual({
      error: 'invalid_message',
      error_description: 'The message address is not an address of its Chain ID',
    });
  });
});
