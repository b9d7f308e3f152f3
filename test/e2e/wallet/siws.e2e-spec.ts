/**
 * Sign In With Solana (CAIP-122, Solana profile, issue #21) at POST /wallet/nonce and
 * POST /wallet/verify, against the real app and database. Wallets are Ed25519 keypairs from
 * @noble/curves; messages are checked against the Wallet Standard's own `createSignInMessageText`
 * and every accepted signature also against its `verifySignIn`.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { createSignInMessageText, verifySignIn } from '@solana/wallet-standard-util';
import bs58 from 'bs58';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { IssuedSolanaNonce } from '../../../src/lab-client/siws-scenarios';
import { sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { TestApp, createTestApp } from '../../support/test-app';

const MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
const DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';
const PER_ADDRESS = 5;
const ETHEREUM_ADDRESS = privateKeyToAccount(generatePrivateKey()).address;

interface SolanaWallet {
  address: string;
  publicKey: Uint8Array;
  sign(message: string): Uint8Array;
}

function solanaWallet(): SolanaWallet {
  const secretKey = ed25519.utils.randomPrivateKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  return {
    address: bs58.encode(publicKey),
    publicKey,
    sign: (message) => ed25519.sign(new TextEncoder().encode(message), secretKey),
  };
}

function freshWindow(t: TestApp): void {
  const now = t.clock.now().getTime();
  t.clock.advance((now - (now % 60_000) + 60_500 - now) / 1000);
}

/** The statement of a script's message (no client_id, no cookies: the built-in wallet client). */
const STATEMENT =
  "Sign in to Proofgate's wallet client: tokens for this site only, no login session.";
const MESSAGE_CHANGED =
  'The signed message differs from the one issued with its nonce; sign the message exactly as issued';

describe('Sign In With Solana: POST /wallet/nonce and POST /wallet/verify', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'loopback',
      SIWE_URI: 'https://app.example.com',
      SIWS_CHAINS: 'solana:mainnet,solana:devnet',
      RATE_LIMIT_WALLET_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_ADDRESS: String(PER_ADDRESS),
    });
  });
  afterAll(() => t.close());
  beforeEach(() => freshWindow(t));

  let ip = 0;
  /** Each request from an IP of its own, so the per-(IP, address) counts never get in the way. */
  const from = () => `198.51.100.${(ip++ % 250) + 1}`;
  const nonce = (body: Record<string, unknown>) =>
    t.http().post('/wallet/nonce').set('X-Forwarded-For', from()).send(body);
  const verify = (message: string, signature: string, sender = from()) =>
    t.http().post('/wallet/verify').set('X-Forwarded-For', sender).send({ message, signature });

  async function issue(
    wallet: SolanaWallet,
    chainId = 'solana:mainnet',
  ): Promise<IssuedSolanaNonce> {
    const res = await nonce({ address: wallet.address, chainId });
    expect(res.status).toBe(201);
    return res.body as IssuedSolanaNonce;
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

  describe('POST /wallet/nonce', () => {
    it('answers 201 no-store with the exact text createSignInMessageText writes', async () => {
      const wallet = solanaWallet();
      const res = await nonce({ address: wallet.address, chainId: 'solana:mainnet' });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as IssuedSolanaNonce;
      expect(body).toEqual({
        nonce: expect.stringMatching(/^[0-9A-Za-z]{22}$/),
        address: wallet.address,
        chainId: 'solana:mainnet',
        domain: 'app.example.com',
        uri: 'https://app.example.com',
        issuedAt: expect.any(String),
        expirationTime: expect.any(String),
        message: expect.any(String),
      });
      const issuedAt = Date.parse(body.issuedAt);
      expect(Math.abs(issuedAt - t.clock.now().getTime())).toBeLessThan(5000);
      expect(Date.parse(body.expirationTime) - issuedAt).toBe(300_000);
      expect(body.message).toBe(
        createSignInMessageText({
          domain: 'app.example.com',
          address: wallet.address,
          statement: STATEMENT,
          uri: 'https://app.example.com',
          version: '1',
          chainId: 'solana:mainnet',
          nonce: body.nonce,
          issuedAt: body.issuedAt,
          expirationTime: body.expirationTime,
        }),
      );
      expect(body.message.split('\n').slice(0, 2)).toEqual([
        'app.example.com wants you to sign in with your Solana account:',
        wallet.address,
      ]);
    });

    it('stores only a hash of the nonce, kind siws_nonce, bound to the exact address and the CAIP-2 cluster', async () => {
      const wallet = solanaWallet();
      const body = await issue(wallet);
      const stored = await t.connection
        .collection('challenges')
        .findOne({ _id: sha256Base64Url(body.nonce) as never });
      expect(stored).toMatchObject({
        kind: 'siws_nonce',
        binding: { address: wallet.address, chain_id: MAINNET },
      });
    });

    it('takes the CAIP-2 genesis form of a cluster as the same chain', async () => {
      const wallet = solanaWallet();
      const body = (await nonce({ address: wallet.address, chainId: DEVNET }).expect(201))
        .body as IssuedSolanaNonce;
      expect(body.chainId).toBe('solana:devnet');
      expect(body.message).toContain('\nChain ID: solana:devnet\n');
    });

    it('takes "eip155:1" for Ethereum as chainId 1', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const res = await nonce({ address: account.address, chainId: 'eip155:1' });
      expect(res.status).toBe(201);
      expect(res.body.chainId).toBe(1);
      expect(res.body.message).toContain('\nChain ID: 1\n');
    });

    it.each([
      [
        { chainId: 'solana:testnet' },
        400,
        'chain_not_allowed',
        'Chain solana:testnet is not accepted by this service',
      ],
      [
        { chainId: 'cosmos:cosmoshub-4', address: ETHEREUM_ADDRESS },
        400,
        'chain_not_allowed',
        'Chain cosmos:cosmoshub-4 is not accepted by this service',
      ],
      [
        { chainId: 'eip155:137', address: ETHEREUM_ADDRESS },
        400,
        'chain_not_allowed',
        'Chain 137 is not accepted by this service',
      ],
      [
        { chainId: 'mainnet', address: ETHEREUM_ADDRESS },
        400,
        'invalid_request',
        'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
      ],
      [
        { address: '0x' + 'ab'.repeat(20) },
        400,
        'invalid_request',
        'address must be a base58 Ed25519 public key (32 bytes), as Solana wallets show it',
      ],
      [
        { address: '1'.repeat(20) },
        400,
        'invalid_request',
        'address must be a base58 Ed25519 public key (32 bytes), as Solana wallets show it',
      ],
      // The identity point: small order, it would "verify" forged signatures.
      [
        { address: bs58.encode(Uint8Array.from([1, ...new Uint8Array(31)])) },
        400,
        'invalid_request',
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      ],
      // A point of order 8 (libsodium's blacklist).
      [
        {
          address: bs58.encode(
            Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex'),
          ),
        },
        400,
        'invalid_request',
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      ],
    ])('refuses %j', async (override, status, error, description) => {
      const res = await nonce({
        address: solanaWallet().address,
        chainId: 'solana:mainnet',
        ...override,
      });
      expectRefusal(res, status, error, description);
    });
  });

  describe('POST /wallet/verify', () => {
    it('signs in with a base58 signature: tokens for solana:<genesis ref>:<address>, auth_method siws', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const signature = wallet.sign(issued.message);
      // The Wallet Standard's own check of the same sign-in agrees.
      expect(
        verifySignIn(
          {
            domain: issued.domain,
            address: wallet.address,
            statement: STATEMENT,
            uri: issued.uri,
            version: '1',
            chainId: 'solana:mainnet',
            nonce: issued.nonce,
            issuedAt: issued.issuedAt,
            expirationTime: issued.expirationTime,
          },
          {
            account: {
              address: wallet.address,
              publicKey: wallet.publicKey,
              chains: ['solana:mainnet'],
              features: [],
            },
            signedMessage: new TextEncoder().encode(issued.message),
            signature,
          },
        ),
      ).toBe(true);

      const res = await verify(issued.message, bs58.encode(signature));
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        refresh_token: expect.any(String),
        scope: 'profile',
      });
      const me = await t
        .http()
        .get('/api/me')
        .set('Authorization', `Bearer ${res.body.access_token}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        sub: `${MAINNET}:${wallet.address}`,
        auth_method: 'siws',
        client_id: 'wallet',
      });
    });

    it('signs in with a padded base64 signature, on devnet as its own account', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet, 'solana:devnet');
      const signature = Buffer.from(wallet.sign(issued.message)).toString('base64');
      expect(signature).toHaveLength(88);
      const res = await verify(issued.message, signature);
      expect(res.status).toBe(200);
      const me = await t
        .http()
        .get('/api/me')
        .set('Authorization', `Bearer ${res.body.access_token}`);
      expect(me.body.sub).toBe(`${DEVNET}:${wallet.address}`);
    });

    it('refuses a replay of the same signed message', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const signature = bs58.encode(wallet.sign(issued.message));
      expect((await verify(issued.message, signature)).status).toBe(200);
      expectRefusal(
        await verify(issued.message, signature),
        401,
        'nonce_already_used',
        'The nonce has already been used; request a new one',
      );
    });

    it('refuses a signature by another key, and the nonce stays for its owner', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const forged = bs58.encode(solanaWallet().sign(issued.message));
      expectRefusal(
        await verify(issued.message, forged),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
      expect((await verify(issued.message, bs58.encode(wallet.sign(issued.message)))).status).toBe(
        200,
      );
    });

    it('gives an off-curve (program-derived) address a nonce that no signature redeems', async () => {
      // y = 2 is not on the curve: no private key exists for it, so no wallet can sign for it.
      const address = bs58.encode(Uint8Array.from([2, ...new Uint8Array(31)]));
      const res = await nonce({ address, chainId: 'solana:mainnet' });
      expect(res.status).toBe(201);
      const message = (res.body as IssuedSolanaNonce).message;
      expectRefusal(
        await verify(message, bs58.encode(solanaWallet().sign(message))),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });

    it("refuses another address's nonce, even signed by that other address's own key", async () => {
      const victim = solanaWallet();
      const attacker = solanaWallet();
      const issued = await issue(victim);
      const message = issued.message.replace(victim.address, attacker.address);
      expectRefusal(
        await verify(message, bs58.encode(attacker.sign(message))),
        401,
        'invalid_nonce',
        'The nonce is bound to another address',
      );
      expect((await verify(issued.message, bs58.encode(victim.sign(issued.message)))).status).toBe(
        200,
      );
    });

    it('refuses a mainnet nonce in a devnet message (cross-chain)', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet, 'solana:mainnet');
      const message = issued.message.replace('Chain ID: solana:mainnet', 'Chain ID: solana:devnet');
      expectRefusal(
        await verify(message, bs58.encode(wallet.sign(message))),
        401,
        'invalid_nonce',
        'The nonce was issued for another chain',
      );
    });

    it('refuses a tampered message (the signature was for the issued text)', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const signature = bs58.encode(wallet.sign(issued.message));
      const tampered = issued.message.replace(
        /Expiration Time: .*$/,
        'Expiration Time: 2099-01-01T00:00:00.000Z',
      );
      expectRefusal(
        await verify(tampered, signature),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });

    it('refuses times other than the ones issued with the nonce, even signed by the owner', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const earlier = new Date(Date.parse(issued.issuedAt) - 1000).toISOString();
      const message = issued.message.replace(
        `Issued At: ${issued.issuedAt}`,
        `Issued At: ${earlier}`,
      );
      expectRefusal(
        await verify(message, bs58.encode(wallet.sign(message))),
        401,
        'invalid_nonce',
        MESSAGE_CHANGED,
      );
    });

    it('refuses an expired message', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const signature = bs58.encode(wallet.sign(issued.message));
      t.clock.advance(301);
      expectRefusal(
        await verify(issued.message, signature),
        401,
        'expired_message',
        'The message has expired',
      );
    });

    it('refuses a nonce this service never issued', async () => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      const message = issued.message.replace(
        `Nonce: ${issued.nonce}`,
        'Nonce: NeverIssued12345678',
      );
      expectRefusal(
        await verify(message, bs58.encode(wallet.sign(message))),
        401,
        'invalid_nonce',
        'The nonce was not issued by this service',
      );
    });

    // Each signed by the wallet itself: refused for what the text says, not for the signature.
    it.each([
      [
        'another domain',
        (m: string) => m.replace('app.example.com wants', 'evil.example wants'),
        401,
        'domain_mismatch',
        'The message is for another domain',
      ],
      [
        'another URI',
        (m: string) => m.replace('URI: https://app.example.com', 'URI: https://app.example.com/x'),
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
        'a multi-line statement',
        (m: string) => m.replace(STATEMENT, `${STATEMENT}\nURI: https://evil.example`),
        400,
        'invalid_message',
        'Not a Sign In With Solana message as issued: the statement must be one line, followed by a blank line',
      ],
      [
        'no blank line before the fields',
        (m: string) => m.replace(`${STATEMENT}\n\n`, `${STATEMENT}\n`),
        400,
        'invalid_message',
        'Not a Sign In With Solana message as issued: the statement must be one line, followed by a blank line',
      ],
      [
        'a field added at the end',
        (m: string) => `${m}\nResources:\n- https://evil.example`,
        400,
        'invalid_message',
        'Not a Sign In With Solana message as issued: nothing may follow the expiration time',
      ],
      [
        'version 2',
        (m: string) => m.replace('Version: 1', 'Version: 2'),
        400,
        'invalid_message',
        'Only version 1 of Sign In With Solana messages is supported',
      ],
      [
        'the CAIP-2 form of the chain',
        (m: string) => m.replace('Chain ID: solana:mainnet', `Chain ID: ${MAINNET}`),
        400,
        'invalid_message',
        'The message Chain ID is not a Solana cluster name (solana:mainnet, ...)',
      ],
      [
        'a cluster not allowed',
        (m: string) => m.replace('Chain ID: solana:mainnet', 'Chain ID: solana:testnet'),
        400,
        'chain_not_allowed',
        'Chain solana:testnet is not accepted by this service',
      ],
    ])('refuses %s', async (_name, edit, status, error, description) => {
      const wallet = solanaWallet();
      const message = edit((await issue(wallet)).message);
      expectRefusal(
        await verify(message, bs58.encode(wallet.sign(message))),
        status,
        error,
        description,
      );
    });

    it.each([
      [
        'hex',
        (s: Uint8Array) => `0x${Buffer.from(s).toString('hex')}`,
        400,
        'invalid_request',
        'The signature must be base58 (as Solana wallets return it) or padded base64 of 64 bytes',
      ],
      [
        'unpadded base64',
        (s: Uint8Array) => Buffer.from(s).toString('base64').replace(/=+$/, ''),
        400,
        'invalid_request',
        'The signature must be base58 (as Solana wallets return it) or padded base64 of 64 bytes',
      ],
      [
        '63 bytes',
        (s: Uint8Array) => bs58.encode(s.slice(0, 63)),
        401,
        'invalid_signature',
        'An Ed25519 signature is 64 bytes',
      ],
    ])('refuses a %s signature', async (_name, encode, status, error, description) => {
      const wallet = solanaWallet();
      const issued = await issue(wallet);
      expectRefusal(
        await verify(issued.message, encode(wallet.sign(issued.message))),
        status,
        error,
        description,
      );
    });
  });

  describe('rate limits', () => {
    it('charges the address budget only after a valid signature', async () => {
      const victim = solanaWallet();
      const forger = solanaWallet();
      const issued = await issue(victim);
      const forged = bs58.encode(forger.sign(issued.message));
      // Twice the budget of forged messages naming the victim, each from an IP of its own.
      for (let i = 0; i < 2 * PER_ADDRESS; i++) {
        expect((await verify(issued.message, forged)).status).toBe(401);
      }
      // The victim signs in, up to its budget, from anywhere; then it is spent.
      expect((await verify(issued.message, bs58.encode(victim.sign(issued.message)))).status).toBe(
        200,
      );
      for (let i = 1; i < PER_ADDRESS; i++) {
        const next = await issue(victim);
        expect((await verify(next.message, bs58.encode(victim.sign(next.message)))).status).toBe(
          200,
        );
      }
      const last = await issue(victim);
      const limited = await verify(last.message, bs58.encode(victim.sign(last.message)));
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('too_many_requests');
    });

    it('counts a Solana address exactly as written (base58 is case-sensitive) per (IP, address)', async () => {
      const wallet = solanaWallet();
      const sender = '203.0.113.77';
      for (let i = 0; i < PER_ADDRESS; i++) {
        const res = await t
          .http()
          .post('/wallet/nonce')
          .set('X-Forwarded-For', sender)
          .send({ address: wallet.address, chainId: 'solana:mainnet' });
        expect(res.status).toBe(201);
      }
      const spent = await t
        .http()
        .post('/wallet/nonce')
        .set('X-Forwarded-For', sender)
        .send({ address: wallet.address, chainId: 'solana:mainnet' });
      expect(spent.status).toBe(429);
      // Another address from the same IP has its own count.
      const other = await t
        .http()
        .post('/wallet/nonce')
        .set('X-Forwarded-For', sender)
        .send({ address: solanaWallet().address, chainId: 'solana:mainnet' });
      expect(other.status).toBe(201);
    });
  });
});
