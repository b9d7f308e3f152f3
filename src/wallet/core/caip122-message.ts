import { InvalidMessage, InvalidRequest } from './wallet.errors';

/**
 * The CAIP-122 text template every non-Ethereum chain issues (`<domain> wants you to sign in with
 * your <Chain> account:`, the address, a one-line statement, then one `Label: value` line per
 * field), read strictly: only the lines as issued, each whole and non-empty at its place, so the
 * fields render back to exactly the text read. Each chain names its account, its address rule
 * and its field lines; values are checked against what was issued by its verifier.
 */
export interface Caip122Profile<Field extends string> {
  /** `Solana`, `Bitcoin`: the header's account word. */
  readonly account: string;
  /** `Sign In With Solana`: how refusals name the message. */
  readonly name: string;
  /** Whether the second line is an address of this chain. */
  readonly isAddress: (line: string) => boolean;
  /** The refusal when it is not, e.g. `a base58 Ed25519 public key`. */
  readonly addressRule: string;
  /** The field lines after the statement, in order: `[field, 'Label: ']`. */
  readonly fieldLines: readonly (readonly [Field, string])[];
  /** What the last field line is, for the refusal of anything after it (`the issue time`). */
  readonly lastLine: string;
}

/** CAIP-122's required field lines, in its template's order: the first lines of every chain's. */
export const CAIP122_FIELD_LINES = [
  ['uri', 'URI: '],
  ['version', 'Version: '],
  ['chainId', 'Chain ID: '],
  ['nonce', 'Nonce: '],
  ['issuedAt', 'Issued At: '],
] as const;

/** The fields of CAIP122_FIELD_LINES. */
export type Caip122Field = (typeof CAIP122_FIELD_LINES)[number][0];

/** Longest message read; the issued ones are well under 1 KiB. */
export const CAIP122_MESSAGE_MAX_BYTES = 4096;
/** How far into a message its first line may end and still be read as a header. */
const HEADER_MAX_CHARS = 600;

export interface Caip122Message<Field extends string> {
  /** Whether a signed message claims this profile: its first line alone says so. */
  claims(text: string): boolean;
  /** The text of `fields` in the template's lines. */
  render(fields: Readonly<Record<'domain' | 'address' | 'statement' | Field, string>>): string;
  /** The fields of a message as issued; InvalidRequest past the size, InvalidMessage otherwise. */
  parse(text: string): Record<'domain' | 'address' | 'statement' | Field, string>;
  /** The address (second line) of a message that claims this profile; unproven. */
  claimedAddress(text: string): string | undefined;
}

export function caip122Message<Field extends string>(
  profile: Caip122Profile<Field>,
): Caip122Message<Field> {
  const headerSuffix = ` wants you to sign in with your ${profile.account} account:`;
  const header = new RegExp(`^([^\\s]+)${headerSuffix}$`);
  // Header, address, blank, statement, blank, then the field lines.
  const lineCount = 5 + profile.fieldLines.length;

  const claims = (text: string): boolean => {
    const end = text.indexOf('\n');
    return end > 0 && end <= HEADER_MAX_CHARS && text.endsWith(headerSuffix, end);
  };

  return {
    claims,
    render: (fields) =>
      [
        `${fields.domain}${headerSuffix}`,
        fields.address,
        '',
        fields.statement,
        '',
        ...profile.fieldLines.map(([name, prefix]) => `${prefix}${fields[name]}`),
      ].join('\n'),
    parse(text) {
      if (Buffer.byteLength(text, 'utf8') > CAIP122_MESSAGE_MAX_BYTES) {
        throw new InvalidRequest(`The message is longer than ${CAIP122_MESSAGE_MAX_BYTES} bytes`);
      }
      const refuse = (why: string): never => {
        throw new InvalidMessage(`Not a ${profile.name} message as issued: ${why}`);
      };
      const lines = text.split('\n');
      const domain = header.exec(lines[0])?.[1];
      if (domain === undefined) {
        return refuse(`the first line must be "<domain>${headerSuffix}"`);
      }
      if (lines[1] === undefined || !profile.isAddress(lines[1])) {
        refuse(`the second line must be ${profile.addressRule}`);
      }
      if (lines[2] !== '') refuse('a blank line must follow the address');
      if (!lines[3]) refuse('the statement is missing');
      if (lines[4] !== '') refuse('the statement must be one line, followed by a blank line');
      const fields: Record<string, string> = { domain, address: lines[1], statement: lines[3] };
      for (const [index, [name, prefix]] of profile.fieldLines.entries()) {
        const line = lines[5 + index];
        if (line === undefined || !line.startsWith(prefix) || line.length === prefix.length) {
          refuse(`line ${6 + index} must be "${prefix}<value>"`);
        }
        fields[name] = line.slice(prefix.length);
      }
      if (lines.length !== lineCount) refuse(`nothing may follow ${profile.lastLine}`);
      return fields;
    },
    claimedAddress(text) {
      if (!claims(text)) return undefined;
      const start = text.indexOf('\n') + 1;
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end === -1 ? Math.min(text.length, start + 64) : end);
      return profile.isAddress(line) ? line : undefined;
    },
  };
}
