import { createSignInMessageText } from '@solana/wallet-standard-util';
import { InvalidMessage, InvalidRequest } from '../core/wallet.errors';
import { solanaAddressBytes } from './solana-address';

/**
 * The fields of a Sign In With Solana message (CAIP-122, Solana profile) as Proofgate issues it:
 * every one present, the statement one line. `chainId` is the Wallet Standard chain id
 * (`solana:mainnet`), as wallets and `createSignInMessageText` write it.
 */
export interface SiwsFields {
  readonly domain: string;
  /** Base58 Ed25519 public key. */
  readonly address: string;
  readonly statement: string;
  readonly uri: string;
  readonly version: string;
  readonly chainId: string;
  readonly nonce: string;
  /** RFC 3339, as `Date.toISOString` writes it. */
  readonly issuedAt: string;
  readonly expirationTime: string;
}

/** Longest message read; the issued ones are well under 1 KiB. */
export const SIWS_MESSAGE_MAX_BYTES = 4096;

const HEADER_SUFFIX = ' wants you to sign in with your Solana account:';
const HEADER = /^([^\s]+) wants you to sign in with your Solana account:$/;
/** How far into a message its first line may end and still be read as a SIWS header. */
const HEADER_MAX_CHARS = 600;
const FIELD_LINES = [
  ['uri', 'URI: '],
  ['version', 'Version: '],
  ['chainId', 'Chain ID: '],
  ['nonce', 'Nonce: '],
  ['issuedAt', 'Issued At: '],
  ['expirationTime', 'Expiration Time: '],
] as const;
/** Header, address, blank, statement, blank, then the six field lines. */
const ISSUED_LINE_COUNT = 5 + FIELD_LINES.length;

/**
 * Whether a signed message claims to be Sign In With Solana (its first line says so); any other
 * is read as EIP-4361. Reads at most the first line, so the Ethereum path pays almost nothing.
 */
export function isSiwsMessage(text: string): boolean {
  const end = text.indexOf('\n');
  return end > 0 && end <= HEADER_MAX_CHARS && text.endsWith(HEADER_SUFFIX, end);
}

/** The exact text a wallet is asked to sign: `createSignInMessageText`, the Wallet Standard's own. */
export function buildSiwsMessage(fields: SiwsFields): string {
  return createSignInMessageText(fields);
}

/**
 * Reads a signed message strictly: only the shape `buildSiwsMessage` writes, line by line. The reference parser (`parseSignInMessageText`)
 * is lax: without the blank line after the address it reads every field into the statement and
 * the result still re-serialises, so it is never used here. Values are checked against what was
 * issued by the verifier; this only says which text is which field.
 */
export function parseSiwsMessage(text: string): SiwsFields {
  if (Buffer.byteLength(text, 'utf8') > SIWS_MESSAGE_MAX_BYTES) {
    throw new InvalidRequest(`The message is longer than ${SIWS_MESSAGE_MAX_BYTES} bytes`);
  }
  const refuse = (why: string): never => {
    throw new InvalidMessage(`Not a Sign In With Solana message as issued: ${why}`);
  };
  const lines = text.split('\n');
  const header = HEADER.exec(lines[0]);
  if (!header)
    refuse('the first line must be "<domain> wants you to sign in with your Solana account:"');
  if (lines[1] === undefined || solanaAddressBytes(lines[1]) === undefined) {
    refuse('the second line must be a base58 Ed25519 public key');
  }
  if (lines[2] !== '') refuse('a blank line must follow the address');
  if (!lines[3]) refuse('the statement is missing');
  if (lines[4] !== '') refuse('the statement must be one line, followed by a blank line');
  const fields: Record<string, string> = {
    domain: header![1],
    address: lines[1],
    statement: lines[3],
  };
  for (const [index, [name, prefix]] of FIELD_LINES.entries()) {
    const line = lines[5 + index];
    if (line === undefined || !line.startsWith(prefix) || line.length === prefix.length) {
      refuse(`line ${6 + index} must be "${prefix}<value>"`);
    }
    fields[name] = line.slice(prefix.length);
  }
  if (lines.length !== ISSUED_LINE_COUNT) refuse('nothing may follow the expiration time');
  // Every line was read at its place, whole and non-empty, so the fields render back to exactly
  // this text (`buildSiwsMessage` writes the same lines); the spec checks it, the request path
  // does not pay for it.
  return fields as unknown as SiwsFields;
}

/** The Solana address (second line) of a message that claims to be SIWS; unproven. */
export function claimedSolanaAddress(text: string): string | undefined {
  if (!isSiwsMessage(text)) return undefined;
  const start = text.indexOf('\n') + 1;
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end === -1 ? Math.min(text.length, start + 64) : end);
  return solanaAddressBytes(line) === undefined ? undefined : line;
}
