/**
 * Sign-In with Ethereum (EIP-4361) at POST /wallet/nonce and POST /wallet/verify, against the real
 * app and database: the wallet chain conformance suite (test/support/wallet-chain-suite.ts), run
 * on Base (8453) signed by viem and by ethers v6 (two independent EIP-191 implementations), then
 * what is Ethereum's own: EIP-55 addresses, contract wallets (ERC-1271 / ERC-6492) through chain
 * 1's RPC, EIP-2 and EIP-2098 signatures, and a message without an Expiration Time.
 */
import { Wallet } from 'ethers';
import type request from 'supertest';
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
import { EthRpcTransports } from '../../../src/wallet/siwe/eth-rpc-transports';
import { validatorCallOf } from '../../support/erc6492-validator';
import { SiweMessage } from '@signinwithethereum/siwe';
import { TestApp, createTestApp } from '../../support/test-app';
import { type WalletChain, describeWalletChain } from '../../support/wallet-chain-suite';

/** The settings of the app without an RPC endpoint (the suite's app has its own). */
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

const chain = new StubChain();
const transport = chain.transport();
/** An RPC transport for chain 1 that reaches `chain`; none for Base. */
const transports: EthRpcTransports = {
  forChain: (chainId: number) => (chainId === 1 ? transport : undefined),
};

const BAD_ADDRESS =
  'address must be a 0x-prefixed 20-byte hex address (mixed case needs a valid EIP-55 checksum)';
const BAD_CHAIN_ID =
  'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")';
// EIP-55 test vectors: one mixed case, one whose checksum happens to be all upper case.
const CHECKSUMMED = getAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
const UPPER_VECTOR = getAddress('0x52908400098527886e0f7030069857d2e4169ee7');

/** The address with the case of one letter flipped: still mixed case, not the checksum. */
function wrongChecksum(address: string): string {
  const at = address.slice(2).search(/[a-fA-F]/) + 2;
  const letter = address[at];
  const flipped = letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
  return `${address.slice(0, at)}${flipped}${address.slice(at + 1)}`;
}

const ETHEREUM: WalletChain = {
  method: 'siwe',
  account: 'Ethereum',
  env: { SIWE_CHAIN_IDS: '1,8453' },
  overrides: [[EthRpcTransports, transports]],
  wallets: [
    ['a viem local account', viemSigner],
    ['an ethers v6 Wallet', ethersSigner],
  ],
  chainId: 8453,
  issuedChainId: 8453,
  caip2: 'eip155:8453',
  // Many wallets report the address in lower case; the message names the EIP-55 account.
  reported: (address) => address.toLowerCase(),
  stored: { kind: 'wallet_nonce', address: (address) => address.toLowerCase(), chainId: '8453' },
  otherChain: 1,
  refusedChain: { id: 5, shown: '5' },
  expiresInMessage: true,
  // Read back by the reference SIWE library, independently of our parser.
  expectIssuedMessage(issued, wallet, statement) {
    const parsed = new SiweMessage(issued.message);
    expect(parsed).toMatchObject({
      domain: issued.domain,
      address: wallet.address,
      statement,
      uri: issued.uri,
      version: '1',
      chainId: 8453,
      nonce: issued.nonce,
      issuedAt: issued.issuedAt,
      expirationTime: issued.expirationTime,
    });
    expect(parsed.prepareMessage()).toBe(issued.message);
  },
  foreignUri: {
    uri: () => 'https://evil.example.com/login',
    description: 'The message URI is not under the site it signs in to',
  },
  nonceRefusals: [
    [
      'a mixed-case address with a wrong checksum',
      () => ({ address: CHECKSUMMED.replace('5aA', '5AA') }),
      400,
      'invalid_request',
      BAD_ADDRESS,
    ],
    [
      'an all-uppercase address',
      () => ({ address: `0x${CHECKSUMMED.slice(2).toUpperCase()}` }),
      400,
      'invalid_request',
      BAD_ADDRESS,
    ],
    ['a short address', () => ({ address: '0x1234' }), 400, 'invalid_request', BAD_ADDRESS],
    [
      'an address without 0x',
      () => ({ address: CHECKSUMMED.slice(2) }),
      400,
      'invalid_request',
      BAD_ADDRESS,
    ],
    ['a missing address', () => ({ address: undefined }), 400, 'invalid_request', BAD_ADDRESS],
    // A string must be CAIP-2 (`"eip155:1"`, issue #21); a bare "1" is neither.
    ['a chainId given as a string', () => ({ chainId: '1' }), 400, 'invalid_request', BAD_CHAIN_ID],
    ['a fractional chainId', () => ({ chainId: 1.5 }), 400, 'invalid_request', BAD_CHAIN_ID],
    // EIP-155 ids are positive: -1 is no chain at all, not one this service does not accept.
    ['a negative chainId', () => ({ chainId: -1 }), 400, 'invalid_request', BAD_CHAIN_ID],
    ['a chainId of 0', () => ({ chainId: 0 }), 400, 'invalid_request', BAD_CHAIN_ID],
    [
      'an unknown field',
      () => ({ statement: 'hi' }),
      400,
      'invalid_request',
      'Unknown parameter: statement',
    ],
  ],
  messageRefusals: [
    [
      'a mixed-case address with a wrong EIP-55 checksum',
      (m) => m.replace(/^(0x[0-9a-fA-F]{40})$/m, (address) => wrongChecksum(address)),
      400,
      'invalid_message',
      'Not an EIP-4361 message: line 2: invalid EIP-55 address checksum',
    ],
  ],
};

describeWalletChain(ETHEREUM, (w) => {
  async function nonceFor(address: string, chainId = 1, clientId?: string): Promise<NonceBody> {
    const res = await w
      .nonce({ address, chainId, ...(clientId === undefined ? {} : { client_id: clientId }) })
      .expect(201);
    return res.body as NonceBody;
  }

  const verify = (body: Record<string, unknown>) => w.verify(body);
  const me = (accessToken: string) => w.me(accessToken);

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

  it.each([CHECKSUMMED, UPPER_VECTOR])(
    'accepts the EIP-55 test vector %s as written',
    async (vector) => {
      expect(vector).not.toBe(vector.toLowerCase());
      expect((await nonceFor(vector)).address).toBe(vector);
    },
  );

  it('takes an all-lowercase address (as many wallets report it) and issues the message for the EIP-55 account', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address.toLowerCase());
    expect(issued.address).toBe(signer.address);
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
      const res = await w.t
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

  it('refuses an expired nonce in a message without Expiration Time with invalid_nonce', async () => {
    const signer = viemSigner();
    const issued = await nonceFor(signer.address);
    const message = messageWith(issued, { expirationTime: undefined });
    const signature = await signer.sign(message);
    w.t.clock.advance(w.t.config.challenges.walletNonceTtlSeconds + 1);

    const res = await verify({ message, signature });

    expectError(res, 401, 'invalid_nonce', 'The nonce has expired; request a new one');
  });
});
