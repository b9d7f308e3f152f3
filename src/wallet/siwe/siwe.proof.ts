import {
  type ProofDescriptor,
  WALLET_VERIFICATION_METRICS,
  type ProofSettings,
} from '../../proofs/proof-descriptor';
import {
  WALLET_ENDPOINTS,
  WALLET_NONCE_STORAGE,
  relyingPartyUse,
  walletSignIn,
} from '../core/wallet-proof-descriptor';

function onChains(ids: readonly (string | number)[]): string {
  return `on chain${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
}

/** SIWE_CHAIN_IDS, and the chains whose SIWE_RPC_URLS let contract wallets sign in. */
function chains({ wallet }: ProofSettings): string {
  const withRpc = Object.keys(wallet.rpcUrls);
  return `wallets ${onChains(wallet.allowedChainIds)}; contract wallets (ERC-1271, ERC-6492) ${withRpc.length ? onChains(withRpc) : 'on no chain (no SIWE_RPC_URLS)'}`;
}

/** Sign-In with Ethereum (EIP-4361): an address-bound nonce, signed by the wallet. */
export const SIWE_PROOF = {
  // The chain's script finds an EIP-6963 or EIP-1193 wallet and has it personal_sign the message.
  ...walletSignIn('siwe', 'Ethereum'),
  label: 'Sign-In with Ethereum',
  shortLabel: 'SIWE',
  challengeKinds: ['wallet_nonce'],
  metrics: {
    issued: ['proofgate_wallet_nonces_issued_total'],
    verified: WALLET_VERIFICATION_METRICS,
  },
  comparison: {
    protocol: {
      name: 'Sign-In with Ethereum (EIP-4361) with an address-bound nonce',
      standard: ['EIP-4361', 'EIP-191', 'ERC-1271', 'ERC-6492', 'CAIP-10'],
      client_generates: 'nothing secret: the wallet already holds its private key',
      sent_up_front: 'the wallet address and chain id',
      server_stores: 'the SHA-256 of a 96+-bit random nonce, bound to the address and chain',
      bound_to: ['address', 'chain_id'],
      client_proves_later:
        'an EIP-4361 message carrying the nonce, signed by the wallet (EIP-191 personal_sign)',
      server_verifies:
        'message fields (pinned domain, URI, chain, validity window), then recovers the signer from the signature and compares it with the bound address; contract wallets through ERC-1271/6492',
      cryptography: 'secp256k1 ECDSA signature with public-key (address) recovery',
      endpoints: WALLET_ENDPOINTS,
    },
    threats: {
      stops: [
        'replay of a signed message: the nonce is consumed once',
        'a nonce issued to one address used by another, or on another chain',
        'a message back-dated before its nonce existed (Issued At is checked against the nonce)',
        'signatures phished for another site: the domain is pinned and checked',
        'forged or tampered messages: the signature no longer recovers to the address',
      ],
      does_not_stop: [
        'it does not protect a token after it is issued (bearer tokens: keep them short-lived)',
        'a stolen or drained private key: whoever holds the key is the account',
        'a user who signs a malicious message on a phishing domain the wallet does not flag',
        'it proves control of an address, not a real-world identity',
      ],
    },
    chartColour: '#c2410c',
    ...WALLET_NONCE_STORAGE,
    usedBy: [
      {
        clients: 'dApps, directly',
        through: [
          'POST /wallet/nonce, then POST /wallet/verify with the signed message: the token response',
          chains,
          { corsOn: ['/wallet/'] },
        ],
        standards: ['EIP-4361', 'EIP-191', 'CAIP-10'],
      },
      relyingPartyUse('siwe', 'Ethereum', 'eip155:<chainId>:<address>', ['EIP-4361']),
    ],
  },
} satisfies ProofDescriptor<'siwe'>;
