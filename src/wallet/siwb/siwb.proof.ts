import { type ProofDescriptor } from '../../proofs/proof-descriptor';
import {
  WALLET_ENDPOINTS,
  WALLET_NONCE_STORAGE,
  relyingPartyUse,
  walletSignIn,
} from '../core/wallet-proof-descriptor';

/** Sign in with Bitcoin (CAIP-122, `bip122`): an address-bound nonce, signed per BIP-322. */
export const SIWB_PROOF = {
  // The chain's script finds the wallet (UniSat's interface, the Wallet Standard, sats-connect,
  // Leather) and has it sign the message.
  ...walletSignIn('siwb', 'Bitcoin'),
  label: 'Sign in with Bitcoin',
  shortLabel: 'SIWB',
  challengeKinds: ['siwb_nonce'],
  comparison: {
    protocol: {
      name: 'Sign in with Bitcoin (CAIP-122, bip122 namespace) with an address-bound nonce',
      standard: ['CAIP-122', 'CAIP-2', 'CAIP-10', 'BIP-322', 'BIP-340', 'BIP-143', 'BIP-341'],
      client_generates: 'nothing secret: the wallet already holds its secp256k1 key',
      sent_up_front:
        'the address (P2PKH 1…, P2SH-P2WPKH 3…, P2WPKH bc1q…, P2TR bc1p…) and the network (bip122:<genesis hash prefix>)',
      server_stores:
        'the SHA-256 of a 96+-bit random nonce, bound to the address and the CAIP-2 network id',
      bound_to: ['address', 'chain_id'],
      client_proves_later:
        'the exact Sign in with Bitcoin text the nonce endpoint returned, signed by the wallet (signMessage: BIP-322 simple, or the legacy format for a 1… address), base64',
      server_verifies:
        "the text field by field against what was issued (pinned domain, URI, statement, network, the nonce's own issue time), then the signature: BIP-322's virtual to_spend/to_sign transactions and the address's script (ECDSA for P2WPKH, Schnorr key path for P2TR), or the key recovered from a legacy signature hashing to the P2PKH address; no node, no RPC",
      cryptography:
        'secp256k1: ECDSA (strict DER, low S) or BIP-340 Schnorr over the BIP-322 sighash; ECDSA public key recovery for the legacy format',
      endpoints: WALLET_ENDPOINTS,
    },
    threats: {
      stops: [
        'replay of a signed message: the nonce is consumed once',
        'a nonce issued to one address used by another, or on another network (mainnet to testnet)',
        'a testnet address on the mainnet chain: refused before a nonce is issued',
        'a message not exactly as issued: edited fields, a multi-line statement, another issue time',
        'signatures phished for another site: the domain is pinned and checked',
        'forged or tampered messages, and signatures by another key',
      ],
      does_not_stop: [
        'it does not protect a token after it is issued (bearer tokens: keep them short-lived)',
        'a stolen private key: whoever holds the key is the address',
        'a user who signs a malicious message on a phishing domain the wallet does not flag',
        'it proves control of an address, not of any coins or a real-world identity',
      ],
    },
    chartColour: '#0284c7',
    ...WALLET_NONCE_STORAGE,
    usedBy: [
      {
        clients: 'Bitcoin dApps, directly',
        through: [
          'POST /wallet/nonce with chainId bip122:..., then POST /wallet/verify with the signed message: the token response',
          ({ wallet }) => `networks ${wallet.bitcoinChains.join(', ')} (SIWB_CHAINS)`,
          { corsOn: ['/wallet/'] },
        ],
        standards: ['CAIP-122', 'CAIP-10', 'BIP-322'],
      },
      relyingPartyUse('siwb', 'Bitcoin', 'bip122:<genesis reference>:<address>', [
        'CAIP-122',
        'BIP-322',
      ]),
    ],
  },
} satisfies ProofDescriptor<'siwb'>;
