import { type SolanaCluster, solanaCluster } from '../../config/solana-clusters';

/** The chain a wallet signs in on, by namespace (CAIP-2): the one thing /wallet/nonce dispatches on. */
export type WalletChain =
  | { readonly namespace: 'eip155'; readonly chainId: number }
  | { readonly namespace: 'solana'; readonly cluster: SolanaCluster };

/** CAIP-2 §Syntax: `namespace:reference`, namespace [-a-z0-9]{3,8}, reference [-_a-zA-Z0-9]{1,32}. */
export const CAIP2_CHAIN_ID = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/;

/** CAIP-3: an EIP-155 reference is the decimal chain id, without leading zeros. */
const EIP155_CHAIN_ID = /^eip155:([1-9][0-9]{0,15})$/;

/**
 * The chain a nonce request names: an EIP-155 chain id as a number (`1`, as SIWE has always
 * taken it) or as CAIP-2 (`"eip155:1"`, the same chain), or a Solana cluster by Wallet Standard
 * name (`"solana:mainnet"`) or CAIP-2 id. Undefined for a chain of any other namespace.
 */
export function parseWalletChain(chain: number | string): WalletChain | undefined {
  if (typeof chain === 'number') {
    return Number.isSafeInteger(chain) ? { namespace: 'eip155', chainId: chain } : undefined;
  }
  const eip155 = EIP155_CHAIN_ID.exec(chain);
  if (eip155) {
    const chainId = Number(eip155[1]);
    return Number.isSafeInteger(chainId) ? { namespace: 'eip155', chainId } : undefined;
  }
  const cluster = solanaCluster(chain);
  return cluster && { namespace: 'solana', cluster };
}
