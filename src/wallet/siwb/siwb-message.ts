import type { Caip122Fields, Caip122Template } from '../core/caip122-chain';
import { CAIP122_FIELD_LINES, type Caip122Field, caip122Message } from '../core/caip122-message';
import { readBitcoinAddress } from './bitcoin-signature';

/**
 * The fields of a Sign in with Bitcoin message (CAIP-122, `bip122` namespace) as Proofgate issues
 * it: the chain its full CAIP-2 id (`bip122:000000000019d6689c085ae165831e93`, mainnet). The
 * message has no Expiration Time line (issue #33 gives its lines): it stops being valid when its
 * nonce does, and the chain holds Issued At to the nonce lifetime as well.
 */
export type SiwbFields = Omit<Caip122Fields, 'expirationTime'>;

const SIWB = caip122Message<Caip122Field>({
  account: 'Bitcoin',
  name: 'Sign in with Bitcoin',
  isAddress: (line) => readBitcoinAddress(line) !== undefined,
  addressRule: 'a Bitcoin address',
  fieldLines: CAIP122_FIELD_LINES,
  lastLine: 'the issue time',
});

/** Whether a signed message claims to be Sign in with Bitcoin: its first line alone says so. */
export const isSiwbMessage = (text: string): boolean => SIWB.claims(text);

/** The exact text a wallet is asked to sign (CAIP-122's template, the lines issued). */
export const buildSiwbMessage = (fields: SiwbFields): string => SIWB.render(fields);

/** Reads a signed message strictly: only the lines `buildSiwbMessage` writes (core/caip122-message.ts). */
export const parseSiwbMessage = (text: string): SiwbFields => SIWB.parse(text);

/** The chain's template (core/caip122-chain.ts). */
export const SIWB_TEMPLATE: Caip122Template<SiwbFields> = {
  render: buildSiwbMessage,
  parse: parseSiwbMessage,
};

/** The Bitcoin address (second line) of a message that claims to be SIWB; unproven. */
export const claimedBitcoinAddress = (text: string): string | undefined =>
  SIWB.claimedAddress(text);
