import { InvalidMessage, InvalidRequest } from '../core/wallet.errors';
import { readBitcoinAddress } from './bitcoin-signature';

/**
 * The fields of a Sign in with Bitcoin message (CAIP-122, `bip122` namespace) as Proofgate issues
 * it: every one present, the statement one line, the chain its full CAIP-2 id. The message has no
 * Expiration Time line (issue #33 gives its lines): it stops being valid when its nonce does, and
 * the verifier holds Issued At to the nonce lifetime as well.
 */
export interface SiwbFields {
  readonly domain: string;
  /** The address exactly as the nonce request sent it. */
  readonly address: string;
  readonly statement: string;
  readonly uri: string;
  readonly version: string;
  /** CAIP-2: `bip122:000000000019d6689c085ae165831e93` (mainnet). */
  readonly chainId: string;
  readonly nonce: string;
  /** RFC 3339, as `Date.toISOString` writes it. */
  readonly issuedAt: string;
}

/** Longest message read; the issued ones are well under 1 KiB. */
export const SIWB_MESSAGE_MAX_BYTES = 4096;

const HEADER_SUFFIX = ' wants you to sign in with your Bitcoin account:';
const HEADER = /^([^\s]+) wants you to sign in with your Bitcoin account:$/;
/** How far into a message its first line may end and still be read as a SIWB header. */
const HEADER_MAX_CHARS = 600;
const FIELD_LINES = [
  ['uri', 'URI: '],
  ['version', 'Version: '],
  ['chainId', 'Chain ID: '],
  ['nonce', 'Nonce: '],
  ['issuedAt', 'Issued At: '],
] as const;
/** Header, address, blank, statement, blank, then the five field lines. */
const ISSUED_LINE_COUNT = 5 + FIELD_LINES.length;

/** Whether a signed message claims to be Sign in with Bitcoin: its first line alone says so. */
export function isSiwbMessage(text: string): boolean {
  const end = text.indexOf('\n');
  return end > 0 && end <= HEADER_MAX_CHARS && text.endsWith(HEADER_SUFFIX, end);
}

/** The exact text a wallet is asked to sign (CAIP-122's template, the lines issued). */
export function buildSiwbMessage(fields: SiwbFields): string {
  return [
    `${fields.domain}${HEADER_SUFFIX}`,
    fields.address,
    '',
    fields.statement,
    '',
    ...FIELD_LINES.map(([name, prefix]) => `${prefix}${fields[name]}`),
  ].join('\n');
}

/**
 * Reads a signed message strictly: only the shape `buildSiwbMessage` writes, line by line, every
 * line whole and non-empty, so the fields render back to exactly this text. Values are checked
 * against what was issued by the verifier; this only says which text is which field.
 */
export function parseSiwbMessage(text: string): SiwbFields {
  if (Buffer.byteLength(text, 'utf8') > SIWB_MESSAGE_MAX_BYTES) {
    throw new InvalidRequest(`The message is longer than ${SIWB_MESSAGE_MAX_BYTES} bytes`);
  }
  const refuse = (why: string): never => {
    throw new InvalidMessage(`Not a Sign in with Bitcoin message as issued: ${why}`);
  };
  const lines = text.split('\n');
  const header = HEADER.exec(lines[0]);
  if (!header) {
    refuse('the first line must be "<domain> wants you to sign in with your Bitcoin account:"');
  }
  if (lines[1] === undefined || readBitcoinAddress(lines[1]) === undefined) {
    refuse('the second line must be a Bitcoin address');
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
  if (lines.length !== ISSUED_LINE_COUNT) refuse('nothing may follow the issue time');
  return fields as unknown as SiwbFields;
}

/** The Bitcoin address (second line) of a message that claims to be SIWB; unproven. */
export function claimedBitcoinAddress(text: string): string | undefined {
  if (!isSiwbMessage(text)) return undefined;
  const start = text.indexOf('\n') + 1;
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end === -1 ? Math.min(text.length, start + 64) : end);
  return readBitcoinAddress(line) === undefined ? undefined : line;
}
