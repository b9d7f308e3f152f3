import { SiweMessage } from '@signinwithethereum/siwe';
import { getAddress } from 'viem';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { TestApp, createTestApp } from '../../support/test-app';

describe('POST /wallet/nonce', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      SIWE_URI: 'https://app.example.com',
      SIWE_CHAIN_IDS: '1,8453',
      RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
    });
  });
  afterAll(() => t.close());

  const nonce = (body: Record<string, unknown>) => t.http().post('/wallet/nonce').send(body);
  const address = () => privateKeyToAccount(generatePrivateKey()).address;

  it('answers 201 no-store with a nonce and the exact EIP-4361 message to sign', async () => {
    const wallet = address();
    const res = await nonce({ address: wallet.toLowerCase(), chainId: 8453 });

    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as Record<string, string | number>;
    expect(body).toEqual({
      nonce: expect.stringMatching(/^[0-9A-Za-z]{22}$/),
      address: wallet,
      chainId: 8453,
      domain: 'app.example.com',
      uri: 'https://app.example.com',
      issuedAt: expect.any(String),
      expirationTime: expect.any(String),
      message: expect.any(String),
    });
    const issuedAt = Date.parse(body.issuedAt as string);
    expect(Math.abs(issuedAt - t.clock.now().getTime())).toBeLessThan(5000);
    expect(Date.parse(body.expirationTime as string) - issuedAt).toBe(300_000);

    // Read back by the reference SIWE library, independently of our parser.
    const parsed = new SiweMessage(body.message as string);
    expect(parsed).toMatchObject({
      domain: 'app.example.com',
      address: wallet,
      statement:
        "Sign in to Proofgate's wallet client: tokens for this site only, no login session.",
      uri: 'https://app.example.com',
      version: '1',
      chainId: 8453,
      nonce: body.nonce,
      issuedAt: body.issuedAt,
      expirationTime: body.expirationTime,
    });
    expect(parsed.prepareMessage()).toBe(body.message);
  });

  it('stores only a hash of the nonce, bound to the lower-cased address and the chain, expiring with the message', async () => {
    const wallet = address();
    const body = (await nonce({ address: wallet, chainId: 1 }).expect(201)).body as {
      nonce: string;
      expirationTime: string;
    };

    const challenges = t.connection.collection('challenges');
    expect(await challenges.findOne({ _id: body.nonce as never })).toBeNull();
    const stored = await challenges.findOne({ _id: sha256Base64Url(body.nonce) as never });
    expect(stored).toMatchObject({
      kind: 'wallet_nonce',
      binding: { address: wallet.toLowerCase(), chain_id: '1' },
    });
    expect((stored?.expiresAt as Date).toISOString()).toBe(body.expirationTime);
    // One document per nonce, living as long as the nonce: nothing else is written for it.
    const collections = (await t.connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(collections).not.toContain('wallet_nonce_receipts');
  });

  it('hands out a fresh nonce on every call, several alive per address', async () => {
    const wallet = address();
    const nonces = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await nonce({ address: wallet, chainId: 1 }).expect(201);
        return (res.body as { nonce: string }).nonce;
      }),
    );
    expect(new Set(nonces).size).toBe(5);
  });

  it('refuses a chain that is not allowed with 400 chain_not_allowed', async () => {
    const res = await nonce({ address: address(), chainId: 5 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'chain_not_allowed',
      error_description: 'Chain 5 is not accepted by this service',
    });
  });

  const badAddress =
    'address must be a 0x-prefixed 20-byte hex address (mixed case needs a valid EIP-55 checksum)';
  // EIP-55 test vectors: one mixed case, one whose checksum happens to be all upper case.
  const checksummed = getAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  const upperVector = getAddress('0x52908400098527886e0f7030069857d2e4169ee7');
  it.each([
    [
      'a mixed-case address with a wrong checksum',
      { address: checksummed.replace('5aA', '5AA'), chainId: 1 },
      badAddress,
    ],
    [
      'an all-uppercase address',
      { address: `0x${checksummed.slice(2).toUpperCase()}`, chainId: 1 },
      badAddress,
    ],
    ['a short address', { address: '0x1234', chainId: 1 }, badAddress],
    ['an address without 0x', { address: checksummed.slice(2), chainId: 1 }, badAddress],
    ['a missing address', { chainId: 1 }, badAddress],
    // A string must be CAIP-2 (`"eip155:1"`, issue #21); a bare "1" is neither.
    [
      'a chainId given as a string',
      { address: checksummed, chainId: '1' },
      'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
    ],
    [
      'a fractional chainId',
      { address: checksummed, chainId: 1.5 },
      'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
    ],
    [
      'an unknown field',
      { address: checksummed, chainId: 1, statement: 'hi' },
      'Unknown parameter: statement',
    ],
  ])('refuses %s with 400 invalid_request', async (_what, body, description) => {
    const res = await nonce(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it.each([checksummed, upperVector])(
    'accepts the EIP-55 test vector %s as written',
    async (vector) => {
      expect(vector).not.toBe(vector.toLowerCase());
      const res = await nonce({ address: vector, chainId: 1 }).expect(201);
      expect((res.body as { address: string }).address).toBe(vector);
    },
  );
});
