import { type ProofDescriptor } from '../../proofs/proof-descriptor';
import {
  WALLET_ENDPOINTS,
  WALLET_NONCE_STORAGE,
  relyingPartyUse,
  walletSignIn,
} from '../core/wallet-proof-descriptor';

/** Sign In With Solana (CAIP-122, Solana profile): an address-bound nonce, Ed25519-signed. */
export const SIWS_PROOF = {
  // The chain's script finds wallets by Wallet Standard discovery.
  ...walletSignIn('siws', 'Solana'),
  label: 'Sign In With Solana',
  shortLabel: 'SIWS',
  challengeKinds: ['siws_nonce'],
  comparison: {
    protocol: {
      name: 'Sign In With Solana (CAIP-122, Solana profile) with an address-bound nonce',
      standard: [
        'CAIP-122',
        'CAIP-2',
        'CAIP-10',
        'RFC 8032 (Ed25519)',
        'Wallet Standard solana:signIn',
      ],
      client_generates: 'nothing secret: the wallet already holds its Ed25519 key',
      sent_up_front: 'the base58 address (the public key itself) and the cluster (solana:mainnet)',
      server_stores:
        'the SHA-256 of a 96+-bit random nonce, bound to the address and the CAIP-2 cluster id',
      bound_to: ['address', 'chain_id'],
      client_proves_later:
        'the exact Sign In With Solana text the nonce endpoint returned, signed by the wallet (signMessage or signIn)',
      server_verifies:
        "the text field by field against what was issued (pinned domain, URI, statement, cluster, the nonce's own issue and expiry times), then the Ed25519 signature against the address: no recovery, no RPC",
      cryptography: 'Ed25519 signature (RFC 8032) verified against the public key the address is',
      endpoints: WALLET_ENDPOINTS,
    },
    threats: {
      stops: [
        'replay of a signed message: the nonce is consumed once',
        'a nonce issued to one address used by another, or on another cluster (mainnet to devnet)',
        'a message not exactly as issued: edited fields, a multi-line statement, other times',
        'signatures phished for another site: the domain is pinned and checked',
        'forged or tampered messages, and signatures by another key',
        'small-order keys, which would verify forged signatures: no nonce, no sign-in',
      ],
      does_not_stop: [
        'it does not protect a token after it is issued (bearer tokens: keep them short-lived)',
        'a stolen private key: whoever holds the key is the account (no contract account to rotate it, unlike ERC-1271 wallets)',
        'a user who signs a malicious message on a phishing domain the wallet does not flag',
        'it proves control of an address, not a real-world identity',
      ],
    },
    chartColour: '#7e22ce',
    ...WALLET_NONCE_STORAGE,
    usedBy: [
      {
        clients: 'Solana dApps, directly',
        through: [
          'POST /wallet/nonce with chainId solana:..., then POST /wallet/verify with the signed message: the token response',
          ({ wallet }) =>
            `clusters ${wallet.solanaChains.map((cluster) => cluster.name).join(', ')} (SIWS_CHAINS)`,
          { corsOn: ['/wallet/'] },
        ],
        standards: ['CAIP-122', 'CAIP-10', 'Wallet Standard'],
      },
      relyingPartyUse('siws', 'Solana', 'solana:<genesis reference>:<address>', ['CAIP-122']),
    ],
  },
} satisfies ProofDescriptor<'siws'>;
