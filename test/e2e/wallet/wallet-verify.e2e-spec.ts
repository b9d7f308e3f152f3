import { Wallet } from 'ethers';
import request from 'supertest';
import {
  type Address,
  type Hex,
  type Transport,
  custom,
  getAddress,
  hashMessage,
  hexToBigInt,
  isAddressEqual,
  parseSignature,
  recoverAddress,
  serializeCompactSignature,
  serializeErc6492Signature,
  serializeSignature,
  signatureToCompactSignature,
  toHex,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { randomBytes } from 'node:crypto';
import { SecurityEventLog } from '../../../src/telemetry/security-events/security-event.log';
import { EthRpcTransports } from '../../../src/wallet/siwe/eth-rpc-transports';
import { validatorCallOf } from '../../support/erc6492-validator';
import { TestApp, createTestApp } from '../../support/test-app';

const ENV = {
  SIWE_URI: 'https://app.example.com',
  SIWE_CHAIN_IDS: '1,8453',
  RATE_LIMIT_WALLET_PER_IP: '100000',
  RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
};
const DOMAIN = 'app.example.com';
const URI = 'https://app.example.com';

interface NonceBody {
  nonce: string;
  address: Address;
  chainId: number;
  domain: string;
  issuedAt: string;
  expirationTime: string;
  message: string;
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/**
 * A node running ERC-6492's universal validator, sent by the verifier as a deployless eth_call
 * of validator bytecode + ABI(signer, hash, signature). Addresses in `contracts` are smart
 * wallets that accept exactly the listed (hash, signature) pairs; any other address has no code,
 * so the validator falls back to ecrecover, as the real one does.
 */
class StubChain {
  readonly calls: Address[] = [];
  private readonly contracts = new Map<string, { hash: Hex; signature: Hex }>();

  acceptFrom(wallet: Address, messageText: string, signature: Hex): void {
    this.contracts.set(wallet.toLowerCase(), { hash: hashMessage(messageText), signature });
  }

  transport(): Transport {
    return custom(
      {
        request: async (rpc: { method: string; params?: unknown }) => {
          const { signer, hash, signature } = validatorCallOf(rpc);
          this.calls.push(signer);
          const contract = this.contracts.get(signer.toLowerCase());
          if (contract) {
            return contract.hash === hash && contract.signature === signature ? '0x01' : '0x00';
          }
          const recovered = await recoverAddress({ hash, signature }).catch(() => undefined);
          return recovered !== undefined && isAddressEqual(recovered, signer) ? '0x01' : '0x00';
        },
      },
      { retryCount: 0 },
    );
  }
}

/** The real app with an RPC transport for chain 1 that reaches `chain`. */
function createWalletTestApp(chain: StubChain): Promise<TestApp> {
  const transport = chain.transport();
  const transports: EthRpcTransports = {
    forChain: (chainId: number) => (chainId === 1 ? transport : undefined),
  };
  return createTestApp(ENV, [[EthRpcTransports, transports]]);
}

type Signer = { address: Address; sign: (message: string) => Promise<Hex> };

function viemSigner(): Signer {
  const account = privateKeyToAccount(generatePrivateKey());
  return { address: account.address, sign: (message) => account.signMessage({ message }) };
}

/** ethers v6: an independent implementation of EIP-191 personal_sign. */
function ethersSigner(): Signer {
  const wallet = Wallet.createRandom();
  return {
    address: getAddress(wallet.address),
    sign: async (message) => (await wallet.signMessage(message)) as Hex,
  };
}

function expectError(res: request.Response, status: number, error: string, description?: string) {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  if (description !== undefined) expect(res.body.error_description).toBe(description);
}

/** secp256k1 group order n (SEC 2 §2.4.1). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** EIP-2's malleated twin of a wallet signature: (r, n - s, other v). Same key, high s. */
function highSTwin(signature: Hex): Hex {
  const { r, s, yParity } = parseSignature(signature);
  return serializeSignature({
    r,
    s: toHex(SECP256K1_N - hexToBigInt(s), { size: 32 }),
    yParity: 1 - yParity,
  });
}

/** The EIP-2098 compact (64-byte) form of a wallet signature. */
function compactForm(signature: Hex): Hex {
  return serializeCompactSignature(signatureToCompactSignature(parseSignature(signature)));
}

describe('POST /wallet/verify (EIP-4361)', () => {
  const chain = new StubChain();
  let t: TestApp;

  beforeAll(async () => {
    t = await createWalletTestApp(chain);
    // One listening server, so concurrent supertest requests do not each call listen().
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t.close());

  async function nonceFor(address: string, chainId = 1, clientId?: string): Promise<NonceBody> {
    const res = await t
      .http()
      .post('/wallet/nonce')
      .send({ address, chainId, ...(clientId === undefined ? {} : { client_id: clientId }) })
      .expect(201);
    return res.body as NonceBody;
  }

  const verify = (body: Record<string, unknown>) => t.http().post('/wallet/verify').send(body);

  /** A message built by viem's EIP-4361 serialiser around an issued nonce. */
  function messageWith(
    issued: NonceBody,
    overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
  ) {
    return createSiweMessage({
      domain: DOMAIN,
      address: issued.address,
      statement:
        "Sign in to Proofgate's wallet client: tokens for this site only, no login session.",
      uri: URI,
      version: '1',
      chainId: issued.chainId,
      nonce: issued.nonce,
      issuedAt: new Date(issued.issuedAt),
      expirationTime: new Date(issued.expirationTime),
      ...overrides,
    });
  }

  async function me(accessToken: string) {
    const res = await t
      .http()
      .get('/api/me')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    return res.body as { sub: string; auth_method: string; client_id: string; scope: string };
  }

  describe.each([
    ['a viem local account', viemSigner],
    ['an ethers v6 Wallet', ethersSigner],
  ])('signed by %s', (_name, makeSigner) => {
    it('answers 200 no-store with a token response for the CAIP-10 account, usable at /api/me and /token', async () => {
      const signer = makeSigner();
      const issued = await nonceFor(signer.address);
      const res = await verify({
        message: issued.message,
        signature: await signer.sign(issued.message),
      });

      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const tokens = res.body as TokenBody;
      expect(tokens).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: t.config.tokens.accessTokenTtlSeconds,
        refresh_token: expect.any(String),
        scope: 'profile',
      });
      expect(await me(tokens.access_token)).toMatchObject({
        sub: `eip155:1:${signer.address}`,
        auth_method: 'siwe',
        client_id: 'wallet',
        scope: 'profile',
      });

      const refreshed = await t.http().post('/token').type('form').send({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'wallet',
      });
      expect(refreshed.status).toBe(200);
      const rotated = refreshed.body as TokenBody;
      expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
      expect(await me(rotated.access_token)).toMatchObject({
        sub: `eip155:1:${signer.address}`,
        auth_method: 'siwe',
        client_id: 'wallet',
      });
    });
  });

  it('refuses a replay of a used message with nonce_already_used and records the attack', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const body = { message: issued.message, signature: await signer.sign(issued.message) };
    const events = t.app.get(SecurityEventLog);
    const before = await events.count('wallet_nonce_replay');

    await verify(body).expect(200);
    const replay = await verify(body);

    expectError(
      replay,
      401,
      'nonce_already_used',
      'The nonce has already been used; request a new one',
    );
    expect(await events.count('wallet_nonce_replay')).toBe(before + 1);
  });

  it('lets exactly one of 50 concurrent verifications of one signed message through', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const body = { message: issued.message, signature: await signer.sign(issued.message) };

    const results = await Promise.all(Array.from({ length: 50 }, () => verify(body)));

    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refusals = results.filter((r) => r.status !== 200);
    expect(refusals.map((r) => [r.status, r.body.error as string])).toEqual(
      Array.from({ length: 49 }, () => [401, 'nonce_already_used']),
    );
  });

  it('refuses a nonce issued for address A in a message signed by B, and A can still use it', async () => {
    const a = viemSigner();
    const b = viemSigner();
    const issued = await nonceFor(a.address);
    const stolen = messageWith({ ...issued, address: b.address });

    const res = await verify({ message: stolen, signature: await b.sign(stolen) });

    expectError(res, 401, 'invalid_nonce', 'The nonce is bound to another address');
    await verify({ message: issued.message, signature: await a.sign(issued.message) }).expect(200);
  });

  it('refuses a chain-1 nonce in a message for another chain, and it still works on chain 1', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address, 1);
    const elsewhere = messageWith(issued, { chainId: 8453 });

    const res = await verify({ message: elsewhere, signature: await signer.sign(elsewhere) });

    expectError(res, 401, 'invalid_nonce', 'The nonce was issued for another chain');
    await verify({
      message: issued.message,
      signature: await signer.sign(issued.message),
    }).expect(200);
  });

  it('refuses a message whose Issued At predates its nonce: not the message issued', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const backdated = messageWith(issued, { issuedAt: new Date('2000-01-01T00:00:00Z') });

    const res = await verify({ message: backdated, signature: await signer.sign(backdated) });

    expectError(
      res,
      401,
      'invalid_nonce',
      'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
    );
  });

  it('refuses a nonce this service never issued with invalid_nonce', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const message = messageWith({ ...issued, nonce: 'Xq3sWbZ8mK1pR7tY2uV9aB' });

    const res = await verify({ message, signature: await signer.sign(message) });

    expectError(res, 401, 'invalid_nonce', 'The nonce was not issued by this service');
  });

  it('keeps several live nonces per address, each usable once', async () => {
    const signer = viemSigner();
    const first = await nonceFor(signer.address);
    const second = await nonceFor(signer.address);
    expect(second.nonce).not.toBe(first.nonce);

    await verify({ message: second.message, signature: await signer.sign(second.message) }).expect(
      200,
    );
    await verify({ message: first.message, signature: await signer.sign(first.message) }).expect(
      200,
    );
  });

  it.each([
    [
      'another domain',
      { domain: 'evil.example.com' },
      'domain_mismatch',
      'The message is for another domain',
    ],
    [
      'another uri',
      { uri: 'https://evil.example.com/login' },
      'uri_mismatch',
      'The message URI is not under the site it signs in to',
    ],
    [
      'a chain that is not allowed',
      { chainId: 5 },
      'chain_not_allowed',
      'Chain 5 is not accepted by this service',
    ],
  ] as const)('refuses a message for %s', async (_what, overrides, error, description) => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const message = messageWith(issued, overrides);

    const res = await verify({ message, signature: await signer.sign(message) });

    expectError(res, error === 'chain_not_allowed' ? 400 : 401, error, description);
    // A refused message does not burn the nonce.
    await verify({ message: issued.message, signature: await signer.sign(issued.message) }).expect(
      200,
    );
  });

  it('refuses a message edited after signing with invalid_signature, without burning the nonce', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const signature = await signer.sign(issued.message);
    const tampered = issued.message.replace('Sign in to Proofgate', 'Sign in to Proofgate and pay');

    const res = await verify({ message: tampered, signature });

    expectError(
      res,
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    await verify({ message: issued.message, signature }).expect(200);
  });

  it('refuses a signature made by another key with invalid_signature', async () => {
    const signer = viemSigner();
    const intruder = ethersSigner();
    const issued = await nonceFor(signer.address);

    const res = await verify({
      message: issued.message,
      signature: await intruder.sign(issued.message),
    });

    expectError(
      res,
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
  });

  it('takes an all-lowercase address (as many wallets report it) and issues the message for the EIP-55 account', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address.toLowerCase());
    expect(issued.message).toContain(`\n${signer.address}\n`);

    const res = await verify({
      message: issued.message,
      signature: await signer.sign(issued.message),
    });

    expect(res.status).toBe(200);
    expect((await me((res.body as TokenBody).access_token)).sub).toBe(`eip155:1:${signer.address}`);
  });

  it('refuses the issued message rewritten with the address in lower case: not the message issued', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const message = issued.message.replace(
      `\n${signer.address}\n`,
      `\n${signer.address.toLowerCase()}\n`,
    );
    expect(message).not.toBe(issued.message);

    const res = await verify({ message, signature: await signer.sign(message) });

    expect(res.body.error_description).toBe(
      'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
    );
    await verify({ message: issued.message, signature: await signer.sign(issued.message) }).expect(
      200,
    );
  });

  it('refuses a message whose mixed-case address has a wrong EIP-55 checksum with invalid_message', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    // Flip the case of one letter: still mixed case, no longer the checksum.
    const at = signer.address.slice(2).search(/[a-fA-F]/) + 2;
    const letter = signer.address[at];
    const flipped = letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
    const wrong = `${signer.address.slice(0, at)}${flipped}${signer.address.slice(at + 1)}`;
    const message = issued.message.replace(signer.address, wrong);

    const res = await verify({ message, signature: await signer.sign(message) });

    expectError(
      res,
      400,
      'invalid_message',
      'Not an EIP-4361 message: line 2: invalid EIP-55 address checksum',
    );
  });

  it('issues to a public client named by client_id, for a nonce asked for that client', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address, 1, 'demo-spa');
    expect(issued.domain).toBe('127.0.0.1:25002');
    const res = await verify({
      message: issued.message,
      signature: await signer.sign(issued.message),
      client_id: 'demo-spa',
    });
    expect(res.status).toBe(200);
    expect((await me((res.body as TokenBody).access_token)).client_id).toBe('demo-spa');
  });

  it.each([
    ['an unknown client', 'nobody', 'client_id is not a registered client'],
    [
      'a confidential client',
      'demo-client',
      'client_id must be a public client: wallet login does not authenticate client secrets',
    ],
  ])(
    'refuses %s as client_id with 400 invalid_request, without burning the nonce',
    async (_w, clientId, description) => {
      const signer = viemSigner();
      const issued = await nonceFor(signer.address);
      const signature = await signer.sign(issued.message);

      const res = await verify({ message: issued.message, signature, client_id: clientId });

      expectError(res, 400, 'invalid_request', description);
      await verify({ message: issued.message, signature }).expect(200);
    },
  );

  describe('contract wallets (ERC-1271 / ERC-6492) through the chain RPC', () => {
    it.each([
      ['a 65-byte ERC-1271 signature', () => toHex(randomBytes(65))],
      [
        'an ERC-6492 signature of a wallet not deployed yet',
        () =>
          serializeErc6492Signature({
            address: getAddress(toHex(randomBytes(20))),
            data: toHex(randomBytes(68)),
            signature: toHex(randomBytes(65)),
          }),
      ],
    ])('accepts %s the chain vouches for', async (_what, makeSignature) => {
      const wallet = getAddress(toHex(randomBytes(20)));
      const issued = await nonceFor(wallet);
      const signature = makeSignature();
      chain.acceptFrom(wallet, issued.message, signature);

      const res = await verify({ message: issued.message, signature });

      expect(res.status).toBe(200);
      expect(chain.calls).toContain(wallet);
      expect((await me((res.body as TokenBody).access_token)).sub).toBe(`eip155:1:${wallet}`);
    });

    it('refuses a contract signature the chain does not vouch for', async () => {
      const wallet = getAddress(toHex(randomBytes(20)));
      const issued = await nonceFor(wallet);
      chain.acceptFrom(wallet, issued.message, toHex(randomBytes(65)));

      const res = await verify({ message: issued.message, signature: toHex(randomBytes(65)) });

      expectError(
        res,
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });
  });

  describe('EOA signature policy (EIP-2 low s, EIP-2098 compact signatures)', () => {
    it('refuses the high-s twin of a wallet signature with invalid_signature, never asking the chain, without burning the nonce', async () => {
      const signer = viemSigner();
      const issued = await nonceFor(signer.address);
      const signature = await signer.sign(issued.message);
      const twin = highSTwin(signature);
      // The chain's ecrecover would take it (it ignores EIP-2): only our policy refuses it.
      expect(await recoverAddress({ hash: hashMessage(issued.message), signature: twin })).toBe(
        signer.address,
      );

      const res = await verify({ message: issued.message, signature: twin });

      expectError(
        res,
        401,
        'invalid_signature',
        'The signature has a high s value, which EIP-2 forbids; sign again with the wallet',
      );
      expect(JSON.stringify(res.body)).not.toContain(twin.slice(66, 100));
      expect(chain.calls).not.toContain(signer.address);
      await verify({ message: issued.message, signature }).expect(200);
    });

    it('accepts the EIP-2098 compact (64-byte) form of a wallet signature, checked locally', async () => {
      const signer = ethersSigner();
      const issued = await nonceFor(signer.address);
      const signature = compactForm(await signer.sign(issued.message));
      expect(signature).toHaveLength(2 + 128);

      const res = await verify({ message: issued.message, signature });

      expect(res.status).toBe(200);
      expect(chain.calls).not.toContain(signer.address);
      expect((await me((res.body as TokenBody).access_token)).sub).toBe(
        `eip155:1:${signer.address}`,
      );
    });

    it("refuses the EIP-2098 compact form of another key's signature with invalid_signature", async () => {
      const signer = viemSigner();
      const intruder = viemSigner();
      const issued = await nonceFor(signer.address);

      const res = await verify({
        message: issued.message,
        signature: compactForm(await intruder.sign(issued.message)),
      });

      expectError(
        res,
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });
  });

  describe('malformed requests', () => {
    it('answers malformed JSON with 400 invalid_request', async () => {
      const res = await t
        .http()
        .post('/wallet/verify')
        .set('Content-Type', 'application/json')
        .send('{"message":');
      expectError(res, 400, 'invalid_request', 'The request body is not valid JSON');
    });

    it('answers an oversized message with 400 invalid_request before parsing it', async () => {
      const signer = viemSigner();
      const issued = await nonceFor(signer.address);
      const message = messageWith(issued, {
        statement: 'x'.repeat(1000),
        resources: Array.from(
          { length: 8 },
          (_, i) => `https://app.example.com/${'r'.repeat(400)}${i}`,
        ),
      });
      expect(Buffer.byteLength(message)).toBeGreaterThan(4096);

      const res = await verify({ message, signature: await signer.sign(message) });

      expectError(res, 400, 'invalid_request', 'The SIWE message is longer than 4096 bytes');
    });

    it.each([
      [
        'an unknown field',
        { message: 'm', signature: '0x00', extra: 1 },
        'Unknown parameter: extra',
      ],
      ['a missing signature', { message: 'm' }, 'signature must be a string'],
      ['a non-string message', { message: 42, signature: '0x00' }, 'message must be a string'],
    ])('answers %s with 400 invalid_request', async (_w, body, description) => {
      expectError(await verify(body), 400, 'invalid_request', description);
    });

    it('answers text that is not an EIP-4361 message with 400 invalid_message', async () => {
      const res = await verify({ message: 'please let me in', signature: '0x00' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_message');
      expect(res.body.error_description).toMatch(/^Not an EIP-4361 message/);
    });
  });

  describe('without an RPC endpoint for the chain', () => {
    let bare: TestApp;
    beforeAll(async () => {
      bare = await createTestApp(ENV);
    });
    // Shares this file's database with the outer app, which drops it at the end.
    afterAll(() => bare.close({ dropDatabase: false }));

    async function bareNonce(address: string): Promise<NonceBody> {
      return (await bare.http().post('/wallet/nonce').send({ address, chainId: 1 }).expect(201))
        .body as NonceBody;
    }

    it('still accepts an EOA signature (checked locally)', async () => {
      const signer = ethersSigner();
      const issued = await bareNonce(signer.address);
      await bare
        .http()
        .post('/wallet/verify')
        .send({ message: issued.message, signature: await signer.sign(issued.message) })
        .expect(200);
    });

    it('refuses an ERC-6492 contract signature with contract_wallet_unsupported', async () => {
      const wallet = getAddress(toHex(randomBytes(20)));
      const issued = await bareNonce(wallet);
      const signature = serializeErc6492Signature({
        address: getAddress(toHex(randomBytes(20))),
        data: toHex(randomBytes(68)),
        signature: toHex(randomBytes(65)),
      });

      const res = await bare
        .http()
        .post('/wallet/verify')
        .send({ message: issued.message, signature });

      expectError(
        res,
        401,
        'contract_wallet_unsupported',
        "The signature is not from the address's own key; contract wallets need an RPC endpoint configured for chain 1, and there is none",
      );
    });

    // EOA only: a 65-byte signature that does not recover to the address is invalid.
    it('answers a message edited after signing with invalid_signature', async () => {
      const signer = viemSigner();
      const issued = await bareNonce(signer.address);
      const signature = await signer.sign(issued.message);
      const tampered = issued.message.replace('Sign in to Proofgate', 'Sign in to Proofgate now');

      const res = await bare.http().post('/wallet/verify').send({ message: tampered, signature });

      expectError(res, 401, 'invalid_signature');
    });

    it('answers the high-s twin of a wallet signature with invalid_signature (EIP-2)', async () => {
      const signer = viemSigner();
      const issued = await bareNonce(signer.address);
      const twin = highSTwin(await signer.sign(issued.message));

      const res = await bare
        .http()
        .post('/wallet/verify')
        .send({ message: issued.message, signature: twin });

      expectError(
        res,
        401,
        'invalid_signature',
        'The signature has a high s value, which EIP-2 forbids; sign again with the wallet',
      );
    });

    it.each([
      [
        "another key's EIP-2098 signature",
        async (message: string) => compactForm(await viemSigner().sign(message)),
      ],
      ['64 random bytes', () => Promise.resolve(toHex(randomBytes(64)))],
    ])(
      'answers %s (64 bytes) with invalid_signature, not contract_wallet_unsupported',
      async (_what, makeSignature) => {
        const signer = viemSigner();
        const issued = await bareNonce(signer.address);
        const signature = await makeSignature(issued.message);
        expect(signature).toHaveLength(2 + 128);

        const res = await bare
          .http()
          .post('/wallet/verify')
          .send({ message: issued.message, signature });

        expectError(res, 401, 'invalid_signature');
      },
    );

    it("accepts the EIP-2098 compact form of the wallet's own signature", async () => {
      const signer = viemSigner();
      const issued = await bareNonce(signer.address);
      await bare
        .http()
        .post('/wallet/verify')
        .send({
          message: issued.message,
          signature: compactForm(await signer.sign(issued.message)),
        })
        .expect(200);
    });
  });

  // Last: moving the clock forward affects every later test of this app.
  describe('expiry', () => {
    it('refuses the issued message once its nonce expired with expired_message (policy runs first)', async () => {
      const signer = viemSigner();
      const issued = await nonceFor(signer.address);
      const signature = await signer.sign(issued.message);
      t.clock.advance(t.config.challenges.walletNonceTtlSeconds + 1);

      const res = await verify({ message: issued.message, signature });

      expectError(res, 401, 'expired_message', 'The message has expired');
    });

    it('refuses an expired nonce in a message without Expiration Time with invalid_nonce', async () => {
      const signer = viemSigner();
      const issued = await nonceFor(signer.address);
      const message = messageWith(issued, { expirationTime: undefined });
      const signature = await signer.sign(message);
      t.clock.advance(t.config.challenges.walletNonceTtlSeconds + 1);

      const res = await verify({ message, signature });

      expectError(res, 401, 'invalid_nonce', 'The nonce has expired; request a new one');
    });
  });
});
