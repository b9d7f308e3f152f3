/**
 * Sign In With Solana (CAIP-122, Solana profile, issue #21) at POST /wallet/nonce and
 * POST /wallet/verify, against the real app and database: the wallet chain conformance suite
 * (test/support/wallet-chain-suite.ts), then what is Solana's own. Wallets are Ed25519 keypairs
 * from @noble/curves; messages are checked against the Wallet Standard's own
 * `createSignInMessageText` and a signature also against its `verifySignIn`.
 */
import { createSignInMessageText, verifySignIn } from '@solana/wallet-standard-util';
import bs58 from 'bs58';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { newSolanaWallet } from '../../support/solana';
import {
  type ChainWallet,
  type IssuedNonce,
  type WalletChain,
  WALLET_CLIENT_STATEMENT as STATEMENT,
  caip122MessageRefusals,
  describeWalletChain,
} from '../../support/wallet-chain-suite';
import { expectRefusal } from '../../support/refusal';

const MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
const DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';
const ETHEREUM_ADDRESS = privateKeyToAccount(generatePrivateKey()).address;
const NOT_A_KEY =
  'address must be a base58 Ed25519 public key (32 bytes), as Solana wallets show it';
const SMALL_ORDER =
  'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures';
const BAD_SIGNATURE =
  'The signature must be base58 (as Solana wallets return it) or padded base64 of 64 bytes';

/** What a mainnet nonce issued to `address` asks the wallet to sign in with (Wallet Standard). */
function signInInput(issued: IssuedNonce, address: string, statement: string) {
  return {
    domain: issued.domain,
    address,
    statement,
    uri: issued.uri,
    version: '1',
    chainId: 'solana:mainnet',
    nonce: issued.nonce,
    issuedAt: issued.issuedAt,
    expirationTime: issued.expirationTime,
  };
}

function solanaWallet(): ChainWallet & { publicKey: Uint8Array; raw(message: string): Uint8Array } {
  const wallet = newSolanaWallet();
  return {
    address: wallet.address,
    publicKey: wallet.publicKey,
    raw: (message) => wallet.sign(new TextEncoder().encode(message)),
    sign: (message) => Promise.resolve(wallet.signText(message)),
  };
}

const SOLANA: WalletChain = {
  method: 'siws',
  account: 'Solana',
  env: { SIWS_CHAINS: 'solana:mainnet,solana:devnet' },
  wallets: [['an Ed25519 key (base58 signature)', solanaWallet]],
  chainId: 'solana:mainnet',
  issuedChainId: 'solana:mainnet',
  caip2: MAINNET,
  stored: { kind: 'siws_nonce', address: (address) => address, chainId: MAINNET },
  otherChain: 'solana:devnet',
  refusedChain: { id: 'solana:testnet', shown: 'solana:testnet' },
  expiresInMessage: true,
  expectIssuedMessage(issued, wallet, statement) {
    expect(issued.message).toBe(
      createSignInMessageText(signInInput(issued, wallet.address, statement)),
    );
  },
  foreignUri: {
    uri: (site) => `${site}/x`,
    description: 'The message URI is not the one issued for its site',
  },
  nonceRefusals: [
    [
      'another chain family (cosmos)',
      () => ({ chainId: 'cosmos:cosmoshub-4', address: ETHEREUM_ADDRESS }),
      400,
      'chain_not_allowed',
      'Chain cosmos:cosmoshub-4 is not accepted by this service',
    ],
    [
      'an Ethereum chain not allowed, in its CAIP-2 form',
      () => ({ chainId: 'eip155:137', address: ETHEREUM_ADDRESS }),
      400,
      'chain_not_allowed',
      'Chain 137 is not accepted by this service',
    ],
    [
      'a chainId that is neither EIP-155 nor CAIP-2',
      () => ({ chainId: 'mainnet', address: ETHEREUM_ADDRESS }),
      400,
      'invalid_request',
      'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
    ],
    // The wallet's own address: the refusal names the chainId, not the address.
    ...['mainnet', 'Solana:mainnet', 'solana'].map(
      (chainId) =>
        [
          `a chainId of no namespace (${chainId}) with a Solana address`,
          () => ({ chainId }),
          400,
          'invalid_request',
          'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
        ] as const,
    ),
    [
      'an Ethereum address',
      () => ({ address: '0x' + 'ab'.repeat(20) }),
      400,
      'invalid_request',
      NOT_A_KEY,
    ],
    ['20 bytes of base58', () => ({ address: '1'.repeat(20) }), 400, 'invalid_request', NOT_A_KEY],
    // The identity point: small order, it would "verify" forged signatures.
    [
      'the identity point',
      () => ({ address: bs58.encode(Uint8Array.from([1, ...new Uint8Array(31)])) }),
      400,
      'invalid_request',
      SMALL_ORDER,
    ],
    // A point of order 8 (libsodium's blacklist).
    [
      'a point of order 8',
      () => ({
        address: bs58.encode(
          Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex'),
        ),
      }),
      400,
      'invalid_request',
      SMALL_ORDER,
    ],
  ],
  messageRefusals: [
    ...caip122MessageRefusals('Sign In With Solana', 'expiration time', [
      'a field added at the end',
      'Resources:\n- https://evil.example',
    ]),
    [
      'the CAIP-2 form of the chain',
      (m) => m.replace('Chain ID: solana:mainnet', `Chain ID: ${MAINNET}`),
      400,
      'invalid_message',
      'The message Chain ID is not a Solana cluster name (solana:mainnet, ...)',
    ],
  ],
  signatureRefusals: [
    [
      'a hex',
      (s) => `0x${Buffer.from(bs58.decode(s)).toString('hex')}`,
      400,
      'invalid_request',
      BAD_SIGNATURE,
    ],
    [
      'an unpadded base64',
      (s) => Buffer.from(bs58.decode(s)).toString('base64').replace(/=+$/, ''),
      400,
      'invalid_request',
      BAD_SIGNATURE,
    ],
    // Ed25519 has one length: one byte short or one too many is the same malformed parameter.
    [
      'a 63-byte',
      (s) => bs58.encode(bs58.decode(s).slice(0, 63)),
      400,
      'invalid_request',
      `${BAD_SIGNATURE}; this one is 63 bytes`,
    ],
    [
      'a 65-byte',
      (s) => bs58.encode(Buffer.concat([Buffer.from([0xff]), bs58.decode(s)])),
      400,
      'invalid_request',
      BAD_SIGNATURE,
    ],
    [
      'a 63-byte padded base64',
      (s) => Buffer.from(bs58.decode(s).slice(0, 63)).toString('base64'),
      400,
      'invalid_request',
      BAD_SIGNATURE,
    ],
  ],
};

describeWalletChain(SOLANA, (w) => {
  describe('Solana only', () => {
    it("is signed as the Wallet Standard's verifySignIn checks a sign-in", async () => {
      const wallet = solanaWallet();
      const issued = await w.issue(wallet);
      const signature = wallet.raw(issued.message);
      expect(
        verifySignIn(signInInput(issued, wallet.address, STATEMENT), {
          account: {
            address: wallet.address,
            publicKey: wallet.publicKey,
            chains: ['solana:mainnet'],
            features: [],
          },
          signedMessage: new TextEncoder().encode(issued.message),
          signature,
        }),
      ).toBe(true);
      const res = await w.verify({ message: issued.message, signature: bs58.encode(signature) });
      expect(res.status).toBe(200);
    });

    it('takes the CAIP-2 genesis form of a cluster as the same chain', async () => {
      const wallet = solanaWallet();
      const body = await w.issue(wallet, { chainId: DEVNET });
      expect(body.chainId).toBe('solana:devnet');
      expect(body.message).toContain('\nChain ID: solana:devnet\n');
    });

    it('takes "eip155:1" for Ethereum as chainId 1', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const res = await w.nonce({ address: account.address, chainId: 'eip155:1' });
      expect(res.status).toBe(201);
      expect(res.body.chainId).toBe(1);
      expect(res.body.message).toContain('\nChain ID: 1\n');
    });

    it('signs in with a padded base64 signature, on devnet as its own account', async () => {
      const wallet = solanaWallet();
      const issued = await w.issue(wallet, { chainId: 'solana:devnet' });
      const signature = Buffer.from(wallet.raw(issued.message)).toString('base64');
      expect(signature).toHaveLength(88);
      const res = await w.verify({ message: issued.message, signature });
      expect(res.status).toBe(200);
      expect((await w.me(res.body.access_token as string)).sub).toBe(`${DEVNET}:${wallet.address}`);
    });

    it('gives an off-curve (program-derived) address a nonce that no signature redeems', async () => {
      // y = 2 is not on the curve: no private key exists for it, so no wallet can sign for it.
      const address = bs58.encode(Uint8Array.from([2, ...new Uint8Array(31)]));
      const res = await w.nonce({ address, chainId: 'solana:mainnet' });
      expect(res.status).toBe(201);
      const message = (res.body as { message: string }).message;
      expectRefusal(
        await w.verify({ message, signature: await solanaWallet().sign(message) }),
        401,
        'invalid_signature',
        'The signature is not valid for the message address',
      );
    });
  });
});
