import {
  type BrowserWallet,
  type ProofDescriptor,
  WALLET_VERIFICATION_METRICS,
  walletLoginButton,
} from '../../proofs/proof-descriptor';
import { AMR } from '../../proofs/proof-vocabulary';

const WALLET: BrowserWallet = { chain: 'Solana', script: '/static/siws-wallet.js' };

/** Sign In With Solana (CAIP-122, Solana profile): an address-bound nonce, Ed25519-signed. */
export const SIWS_PROOF = {
  id: 'siws',
  label: 'Sign In With Solana',
  shortLabel: 'SIWS',
  amr: AMR.siws,
  wallet: WALLET,
  challengeKinds: ['siws_nonce'],
  // The chain's script finds wallets by Wallet Standard discovery.
  loginButton: walletLoginButton('Sign in with Solana', WALLET),
  metrics: {
    verified: WALLET_VERIFICATION_METRICS,
  },
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
      endpoints: ['POST /wallet/nonce', 'POST /wallet/verify'],
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
    storageKey: 'SHA-256 of the nonce',
    lifetimeSeconds: ({ challenges }) => challenges.walletNonceTtlSeconds,
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
      {
        clients: 'OpenID Connect relying parties',
        through: [
          '"Sign in with Solana" on the login page of an authorization code + PKCE flow (POST /login/siwe)',
          'the id_token says amr ["siws"], sub solana:<genesis reference>:<address>',
        ],
        standards: ['CAIP-122', 'OpenID Connect Core 1.0', 'RFC 7636'],
      },
    ],
  },
} satisfies ProofDescriptor<'siws'>;
