/**
 * Sign in with Bitcoin (issue #33 item 4), driven through exactly the public API: the wallet chain
 * conformance suite (test/support/wallet-chain-suite.ts: POST /wallet/nonce, POST /wallet/verify
 * with and without a dApp's client_id, the login page's POST /login/siwe and the code flow behind
 * it, account linking), then what is Bitcoin's own. Wallets are secp256k1 keys (the attack lab's,
 * src/lab-client: a client of the service that imports none of its code): every signature is made
 * by @scure/btc-signer's own transaction signer over BIP-322's virtual transactions, built by the
 * client from the BIP text, or, for P2PKH, in the legacy signed-message format with
 * @noble/curves' recoverable ECDSA.
 */
import { TEST_NETWORK } from '@scure/btc-signer';
import { decodeJwt } from 'jose';
import {
  type BitcoinAddressType as AddressType,
  type IssuedBitcoinNonce,
  newBitcoinWallet,
} from '../../../src/lab-client/siwb-scenarios';
import {
  type WalletChain,
  caip122MessageRefusals,
  describeWalletChain,
} from '../../support/wallet-chain-suite';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const TESTNET = 'bip122:000000000933ea01ad0ee984209779ba';
const NOT_AN_ADDRESS =
  'address must be a Bitcoin address as the wallet shows it: P2PKH (1…), P2SH-P2WPKH (3…), P2WPKH (bc1q…) or P2TR (bc1p…), bech32 in lower case';
const NOT_BASE64 =
  'The signature must be base64: a BIP-322 simple signature, or the legacy signed-message format for a 1… address';
const WRONG = 'The signature is not valid for the message address';

/** A fresh key's wallet of one address type (the lab's), its signMessage answering base64. */
const bitcoinWallet = (type: AddressType, net?: typeof TEST_NETWORK) => newBitcoinWallet(type, net);

const BITCOIN: WalletChain = {
  method: 'siwb',
  account: 'Bitcoin',
  wallets: (['p2wpkh', 'p2tr', 'p2pkh', 'p2sh-p2wpkh'] as const).map(
    (type) => [`a ${type} address`, () => bitcoinWallet(type)] as const,
  ),
  chainId: MAINNET,
  issuedChainId: MAINNET,
  caip2: MAINNET,
  stored: { kind: 'siwb_nonce', address: (address) => address, chainId: MAINNET },
  refusedChain: { id: TESTNET, shown: TESTNET },
  expiresInMessage: false,
  // The CAIP-122 message of issue #33: pinned domain, the address as sent, CAIP-2 chain.
  expectIssuedMessage(issued, wallet, statement) {
    expect(issued.message).toBe(
      [
        `${issued.domain} wants you to sign in with your Bitcoin account:`,
        wallet.address,
        '',
        statement,
        '',
        `URI: ${issued.uri}`,
        'Version: 1',
        `Chain ID: ${MAINNET}`,
        `Nonce: ${issued.nonce}`,
        `Issued At: ${issued.issuedAt}`,
      ].join('\n'),
    );
  },
  foreignUri: {
    uri: (site) => `${site}/x`,
    description: 'The message URI is not the one issued for its site',
  },
  nonceRefusals: [
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
      () => ({ address: bitcoinWallet('p2wpkh', TEST_NETWORK).address, chainId: TESTNET }),
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
    // The wallet's own address (a legacy one has the base58 of a Solana key's alphabet): the
    // refusal names the chainId, not the address.
    ...(
      [
        ['mainnet', 'p2wpkh'],
        ['Bitcoin:mainnet', 'p2pkh'],
        ['bitcoin', 'p2pkh'],
      ] as const
    ).map(
      ([chainId, type]) =>
        [
          `a chainId of no namespace (${chainId}) with a ${type} address`,
          () => ({ chainId, address: bitcoinWallet(type).address }),
          400,
          'invalid_request',
          'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
        ] as const,
    ),
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
          NOT_AN_ADDRESS,
        ] as const,
    ),
  ],
  messageRefusals: caip122MessageRefusals('Sign in with Bitcoin', 'issue time', [
    'an Expiration Time added',
    'Expiration Time: 2099-01-01T00:00:00.000Z',
  ]),
  signatureRefusals: [
    // Malformed: a 400, never a 5xx.
    ['a hex', () => `0x${'ab'.repeat(32)}`, 400, 'invalid_request', NOT_BASE64],
    [
      'a non-canonical base64 (stray bits)',
      (s) => `${s.slice(0, -2)}B=`,
      400,
      'invalid_request',
      NOT_BASE64,
    ],
    [
      'a base64url',
      (s) => Buffer.from(s, 'base64').toString('base64url') + '-_',
      400,
      'invalid_request',
      NOT_BASE64,
    ],
    ['an empty', () => '', 400, 'invalid_request', NOT_BASE64],
    ['a cut-padding', (s) => s.replace(/=+$/, '').slice(0, -1), 400, 'invalid_request', NOT_BASE64],
    ['a very long', (s) => s.repeat(40), 400, 'invalid_request', NOT_BASE64],
    // Well formed but wrong: a 401.
    [
      'random bytes',
      () => Buffer.alloc(71, 0x41).toString('base64'),
      401,
      'invalid_signature',
      WRONG,
    ],
    [
      'an empty witness',
      () => Buffer.from([0]).toString('base64'),
      401,
      'invalid_signature',
      WRONG,
    ],
    [
      'a witness of three items',
      () => Buffer.from([3, 1, 1, 1, 2, 1, 3]).toString('base64'),
      401,
      'invalid_signature',
      WRONG,
    ],
    [
      'a legacy signature for a segwit address',
      (_s, m) => bitcoinWallet('p2pkh').signText(m),
      401,
      'invalid_signature',
      WRONG,
    ],
    [
      'a P2TR signature for a P2WPKH address',
      (_s, m) => bitcoinWallet('p2tr').signText(m),
      401,
      'invalid_signature',
      WRONG,
    ],
  ],
};

describeWalletChain(BITCOIN);

describe('Sign in with Bitcoin on testnet, when SIWB_CHAINS lists it', () => {
  const t = useTestApp({ SIWB_CHAINS: 'mainnet,testnet' });

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
      .send({ message: issued.message, signature: wallet.signText(issued.message) })
      .expect(200);
    expect(decodeJwt(res.body.access_token as string).sub).toBe(`${TESTNET}:${wallet.address}`);
  });

  it('refuses a mainnet address on the testnet chain, and a mainnet nonce in a testnet message', async () => {
    const wallet = bitcoinWallet('p2wpkh');
    const refused = await t
      .http()
      .post('/wallet/nonce')
      .send({ address: wallet.address, chainId: TESTNET });
    expectRefusal(refused, 400, 'invalid_request', `address is not an address of chain ${TESTNET}`);
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
      .send({ message, signature: wallet.signText(message) });
    expectRefusal(
      res,
      400,
      'invalid_message',
      'The message address is not an address of its Chain ID',
    );
  });
});
