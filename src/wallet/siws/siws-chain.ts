import { Injectable } from '@nestjs/common';
import { WalletConfig } from '../../config/sections/wallet.config';
import { type SolanaCluster, solanaCluster } from '../../protocol-rules/solana-clusters';
import { Caip122Chain, type Caip122Network } from '../core/caip122-chain';
import type { AccountIdReading, WalletChainEntry, WalletChainSyntax } from '../core/wallet-chain';
import { chainNotAccepted } from '../core/wallet-chain';
import {
  ChainNotAllowed,
  InvalidMessage,
  InvalidRequest,
  InvalidSignature,
} from '../core/wallet.errors';
import { verifySolanaSignature } from './ed25519-signature';
import { SIWS_TEMPLATE, SiwsFields, claimedSolanaAddress, isSiwsMessage } from './siws-message';
import { isSigningKey, solanaAddressBytes } from './solana-address';

/** A Solana address's alphabet and length (no `0`: an Ethereum address never matches). */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
/** CAIP-10 in the `solana` namespace: the cluster by its CAIP-2 genesis reference. */
const SOLANA_ACCOUNT_ID = /^solana:([1-9A-HJ-NP-Za-km-z]{32}):([1-9A-HJ-NP-Za-km-z]{32,44})$/;

/**
 * Solana's requests: a cluster by Wallet Standard name (`"solana:mainnet"`) or CAIP-2 id, and a
 * base58 Ed25519 public key, counted as is (base58 is case-sensitive).
 */
export const SOLANA_SYNTAX: WalletChainSyntax = {
  namesChain: (chainId) => typeof chainId === 'string' && chainId.startsWith('solana:'),
  isAddress: (address) => typeof address === 'string' && solanaAddressBytes(address) !== undefined,
  addressRule: 'address must be a base58 Ed25519 public key (32 bytes), as Solana wallets show it',
  hasAddressForm: (text) => BASE58_ADDRESS.test(text),
  budgetKey: (address) => address,
  claimsMessage: (text) => isSiwsMessage(text),
  messageAddress: (head) => claimedSolanaAddress(head),
  texts: {
    name: 'Solana',
    chainId:
      'a cluster of SIWS_CHAINS (`solana:mainnet`, `solana:devnet`, or their CAIP-2 genesis ids)',
    address: 'the base58 Ed25519 public key',
    issuedChainId: 'the cluster as the message names it (`solana:mainnet`)',
    issuedAddress: 'the base58 public key as requested',
    message: 'Sign In With Solana (CAIP-122)',
    signature: 'the 64-byte Ed25519 signature, base58 (as wallets return it) or padded base64',
  },
  accountIdForm: 'solana:<genesis reference>:<base58 address>',
  readAccountId: (value, wallet) => {
    const match = SOLANA_ACCOUNT_ID.exec(value);
    return match ? solanaAccountId(value, match[1], match[2], wallet) : undefined;
  },
};

/**
 * A `solana` account id: the cluster one of SIWS_CHAINS (its CAIP-2 id); the address a base58
 * 32-byte key. Written as typed: base58 has one text per key.
 */
function solanaAccountId(
  value: string,
  reference: string,
  address: string,
  wallet: WalletConfig,
): AccountIdReading {
  const caip2 = `solana:${reference}`;
  if (!wallet.solanaChains.some((cluster) => cluster.caip2 === caip2)) {
    const accepted = wallet.solanaChains.map((cluster) => cluster.caip2);
    return chainNotAccepted(caip2, 'SIWS_CHAINS', accepted);
  }
  if (solanaAddressBytes(address) === undefined) {
    return { refused: `${address} is not a Solana address (a base58 32-byte key)` };
  }
  return { accountId: value };
}

/**
 * Sign In With Solana (CAIP-122, Solana profile) as a wallet chain: its clusters and the Ed25519
 * signature (local, no RPC: a Solana address is its key, there is no contract account to
 * consult). Nonces are challenge kind `siws_nonce`, bound to the address exactly (base58 is
 * case-sensitive) and the cluster's CAIP-2 id (core/caip122-chain.ts).
 */
@Injectable()
export class SiwsChain extends Caip122Chain<SiwsFields, SolanaNetwork> {
  readonly syntax = SOLANA_SYNTAX;
  readonly label = 'SIWS';
  readonly model = 'siws' as const;
  readonly nonceKind = 'siws_nonce';
  readonly authMethod = 'siws';
  protected readonly messageName = 'Sign In With Solana';
  protected readonly message = SIWS_TEMPLATE;

  protected requestedNetwork(address: string, chainId: number | string): SolanaNetwork {
    const cluster = typeof chainId === 'string' ? solanaCluster(chainId) : undefined;
    if (cluster === undefined) throw new ChainNotAllowed(chainId);
    if (!this.wallet.solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    const publicKey = solanaAddressBytes(address);
    if (publicKey === undefined || !isSigningKey(publicKey)) {
      throw new InvalidRequest(
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      );
    }
    return networkOf(cluster);
  }

  protected messageNetwork(fields: SiwsFields): SolanaNetwork {
    const cluster = solanaCluster(fields.chainId);
    // Issued messages name the cluster as wallets do; the CAIP-2 form is never written in one.
    if (cluster === undefined || cluster.name !== fields.chainId) {
      throw new InvalidMessage(
        'The message Chain ID is not a Solana cluster name (solana:mainnet, ...)',
      );
    }
    if (!this.wallet.solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    return networkOf(cluster);
  }

  protected checkSignature(
    text: string,
    fields: SiwsFields,
    _network: SolanaNetwork,
    signature: string,
  ): void {
    this.checkTextSignature(fields.address, text, signature);
  }

  protected checkTextSignature(address: string, text: string, signature: string): void {
    // The parser or the nonce request accepted the address, so it decodes.
    const publicKey = solanaAddressBytes(address)!;
    if (!verifySolanaSignature(publicKey, Buffer.from(text, 'utf8'), signature)) {
      throw new InvalidSignature('The signature is not valid for the message address');
    }
  }
}

type SolanaNetwork = SolanaCluster & Caip122Network;

/** A cluster as messages name it (`solana:mainnet`) and as nonces are bound (its CAIP-2 id). */
function networkOf(cluster: SolanaCluster): SolanaNetwork {
  return { ...cluster, chainId: cluster.name };
}

/** Sign In With Solana, as the chain list registers it. */
export const SIWS: WalletChainEntry = {
  syntax: SOLANA_SYNTAX,
  chain: SiwsChain,
  providers: [],
};
