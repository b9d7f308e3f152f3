import { Injectable } from '@nestjs/common';
import { WalletConfig } from '../../config/sections/wallet.config';
import { type SolanaCluster, solanaCluster } from '../../protocol-rules/solana-clusters';
import type { WalletSite } from '../audience/wallet-audience';
import type {
  AccountIdReading,
  ChainNonceRequest,
  VerifiedSignature,
  WalletChain,
  WalletChainEntry,
  WalletChainSyntax,
  WalletMessageFields,
} from '../core/wallet-chain';
import { messageFieldsOf } from '../core/wallet-chain';
import type { WalletProof } from '../core/wallet-proof';
import { ChainNotAllowed, InvalidRequest } from '../core/wallet.errors';
import {
  SiwsFields,
  buildSiwsMessage,
  claimedSolanaAddress,
  isSiwsMessage,
  parseSiwsMessage,
} from './siws-message';
import { SiwsVerifier } from './siws-verifier';
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
    const accepted = wallet.solanaChains.map((cluster) => cluster.caip2).join(', ');
    return { refused: `chain ${caip2} is not one the service accepts (SIWS_CHAINS: ${accepted})` };
  }
  if (solanaAddressBytes(address) === undefined) {
    return { refused: `${address} is not a Solana address (a base58 32-byte key)` };
  }
  return { accountId: value };
}

/**
 * What a Sign In With Solana nonce is bound to: the address exactly (base58 is case-sensitive)
 * and the cluster's CAIP-2 id, so a mainnet nonce never signs in on devnet.
 */
export function siwsNonceBinding(address: string, cluster: SolanaCluster): Record<string, string> {
  return { address, chain_id: cluster.caip2 };
}

interface SiwsNonceRequest extends ChainNonceRequest {
  readonly chainId: SolanaCluster['name'];
}

/**
 * Sign In With Solana (CAIP-122, Solana profile) as a wallet chain: the strict parse, the
 * field-by-field policy, the Ed25519 signature (local, no RPC: a Solana address is its key, there
 * is no contract account to consult). Nonces are challenge kind `siws_nonce`, bound to the address
 * and the cluster.
 */
@Injectable()
export class SiwsChain implements WalletChain<SiwsNonceRequest, SiwsFields> {
  readonly syntax = SOLANA_SYNTAX;
  readonly label = 'SIWS';
  readonly model = 'siws' as const;
  readonly nonceKind = 'siws_nonce';
  readonly authMethod = 'siws';

  constructor(
    private readonly wallet: WalletConfig,
    private readonly verifier: SiwsVerifier,
  ) {}

  readNonceRequest(address: string, chainId: number | string): SiwsNonceRequest {
    const cluster = typeof chainId === 'string' ? solanaCluster(chainId) : undefined;
    if (cluster === undefined) throw new ChainNotAllowed(chainId);
    if (!this.wallet.solanaChains.includes(cluster)) throw new ChainNotAllowed(cluster.name);
    const publicKey = solanaAddressBytes(address);
    if (publicKey === undefined || !isSigningKey(publicKey)) {
      throw new InvalidRequest(
        'address is a small-order Ed25519 point: no wallet holds its key, and it would verify forged signatures',
      );
    }
    return { address, chainId: cluster.name, binding: siwsNonceBinding(address, cluster) };
  }

  buildMessage(request: SiwsNonceRequest, fields: WalletMessageFields): string {
    return buildSiwsMessage(messageFieldsOf(request, fields));
  }

  parseMessage(text: string): SiwsFields {
    return parseSiwsMessage(text);
  }

  verifySignature(
    proof: WalletProof,
    fields: SiwsFields,
    sites: readonly WalletSite[],
  ): Promise<VerifiedSignature> {
    const cluster = this.verifier.checkPolicy(fields, sites);
    this.verifier.verifySignature(proof.message, fields, proof.signature);
    // A Solana address links to an account exactly as an Ethereum one does.
    return Promise.resolve({
      account: `${cluster.caip2}:${fields.address}`,
      address: fields.address,
      nonce: fields.nonce,
      binding: siwsNonceBinding(fields.address, cluster),
    });
  }
}

/** Sign In With Solana, as the chain list registers it. */
export const SIWS: WalletChainEntry = {
  syntax: SOLANA_SYNTAX,
  chain: SiwsChain,
  providers: [SiwsVerifier],
};
