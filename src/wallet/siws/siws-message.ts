import { createSignInMessageText } from '@solana/wallet-standard-util';
import type { Caip122Fields, Caip122Template } from '../core/caip122-chain';
import { CAIP122_FIELD_LINES, type Caip122Field, caip122Message } from '../core/caip122-message';
import { solanaAddressBytes } from './solana-address';

/**
 * The fields of a Sign In With Solana message (CAIP-122, Solana profile) as Proofgate issues it.
 * `chainId` is the Wallet Standard chain id (`solana:mainnet`), as wallets and
 * `createSignInMessageText` write it.
 */
export type SiwsFields = Caip122Fields & { readonly expirationTime: string };

const SIWS = caip122Message<Caip122Field | 'expirationTime'>({
  account: 'Solana',
  name: 'Sign In With Solana',
  isAddress: (line) => solanaAddressBytes(line) !== undefined,
  addressRule: 'a base58 Ed25519 public key',
  fieldLines: [...CAIP122_FIELD_LINES, ['expirationTime', 'Expiration Time: ']],
  lastLine: 'the expiration time',
});

/**
 * Whether a signed message claims to be Sign In With Solana (its first line says so); any other
 * is read as EIP-4361. Reads at most the first line, so the Ethereum path pays almost nothing.
 */
export const isSiwsMessage = (text: string): boolean => SIWS.claims(text);

/** The exact text a wallet is asked to sign: `createSignInMessageText`, the Wallet Standard's own. */
export function buildSiwsMessage(fields: Caip122Fields): string {
  return createSignInMessageText(fields);
}

/**
 * Reads a signed message strictly: only the lines `buildSiwsMessage` writes (core/caip122-message.ts).
 * The reference parser (`parseSignInMessageText`) is lax: without the blank line after the address
 * it reads every field into the statement and the result still re-serialises, so it is never used
 * here. Every line is read at its place, whole and non-empty, so the fields render back to exactly
 * this text; the spec checks it, the request path does not pay for it.
 */
export const parseSiwsMessage = (text: string): SiwsFields => SIWS.parse(text);

/** The Solana address (second line) of a message that claims to be SIWS; unproven. */
export const claimedSolanaAddress = (text: string): string | undefined => SIWS.claimedAddress(text);

/** The chain's template (core/caip122-chain.ts). */
export const SIWS_TEMPLATE: Caip122Template<SiwsFields> = {
  render: buildSiwsMessage,
  parse: parseSiwsMessage,
};
