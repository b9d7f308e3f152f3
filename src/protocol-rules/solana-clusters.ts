/**
 * The Solana clusters a sign-in may name, each by its Wallet Standard chain id (what wallets and
 * `createSignInMessageText` write in `Chain ID:`) and its CAIP-2 id (CAIP-30, the Solana
 * namespace: `solana:` + the first 32 characters of the cluster's base58 genesis hash). Both
 * forms name the same chain; the CAIP-2 form is what account ids (CAIP-10) are built from.
 * Localnet has no fixed genesis hash, so no CAIP-2 id, and is not offered.
 */
export const SOLANA_CLUSTERS = [
  { name: 'solana:mainnet', caip2: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp' },
  { name: 'solana:devnet', caip2: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1' },
  { name: 'solana:testnet', caip2: 'solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z' },
] as const;

export type SolanaCluster = (typeof SOLANA_CLUSTERS)[number];

/** The cluster `chain` names, in either form; undefined for any other text. */
export function solanaCluster(chain: string): SolanaCluster | undefined {
  return SOLANA_CLUSTERS.find((cluster) => cluster.name === chain || cluster.caip2 === chain);
}
