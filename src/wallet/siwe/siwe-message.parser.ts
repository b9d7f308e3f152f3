import { SiweError, SiweMessage, SiweParseError } from '@signinwithethereum/siwe';
import { type Address, getAddress } from 'viem';
import { InvalidMessage, InvalidRequest } from '../wallet.errors';

/** The fields of an EIP-4361 message, as signed. Absent optional fields are left out. */
export interface SiweFields {
  /** RFC 3986 scheme written before the domain (`https://example.com wants you ...`), if any. */
  readonly scheme?: string;
  /** RFC 3986 authority without userinfo: `host[:port]`. */
  readonly domain: string;
  /** EIP-55 checksummed. */
  readonly address: Address;
  readonly statement?: string;
  readonly uri: string;
  readonly version: string;
  readonly chainId: number;
  readonly nonce: string;
  /** RFC 3339 date-time, exactly as written in the message. */
  readonly issuedAt: string;
  readonly expirationTime?: string;
  readonly notBefore?: string;
  readonly requestId?: string;
  readonly resources?: readonly string[];
}

/** Bounds on what we parse or hand to a wallet; beyond them the request is refused unread. */
export const SIWE_LIMITS = {
  messageBytes: 4096,
  statementChars: 1024,
  resources: 32,
  resourceChars: 512,
} as const;

/**
 * Parses the text a wallet signed. Size limits are checked before the grammar parser sees the
 * text (InvalidRequest); anything that is not a strict EIP-4361 message, or that breaks our
 * address and domain policy, is InvalidMessage.
 */
export function parseSiweMessage(text: string): SiweFields {
  assertMessageSize(text);
  const located = locateStatementAndResources(text);
  assertFieldLimits(located.statement, located.resources);

  let parsed: SiweMessage;
  try {
    parsed = new SiweMessage(text);
  } catch (error) {
    throw new InvalidMessage(describeLibraryError(error));
  }
  // The fields must describe exactly the signed bytes. The grammar alone lets through e.g.
  // `Chain ID: 007` or a chain id beyond 2^53, which the library's parseInt silently changes.
  if (parsed.prepareMessage() !== text) {
    throw new InvalidMessage(
      'Not an EIP-4361 message: its fields do not render back to the same text',
    );
  }
  return checkedFields(parsed);
}

/**
 * Renders the exact EIP-4361 text for a wallet to sign. The fields are validated the same way a
 * signed message is: the result is always something `parseSiweMessage` accepts.
 */
export function buildSiweMessage(fields: SiweFields): string {
  assertFieldTypes(fields);
  assertFieldLimits(fields.statement, fields.resources ?? []);
  assertNoUserinfo(fields.domain);
  const address = normaliseAddress(fields.address);

  let message: SiweMessage;
  try {
    message = new SiweMessage({
      scheme: fields.scheme,
      domain: fields.domain,
      address,
      statement: fields.statement,
      uri: fields.uri,
      version: fields.version,
      chainId: fields.chainId,
      nonce: fields.nonce,
      issuedAt: fields.issuedAt,
      expirationTime: fields.expirationTime,
      notBefore: fields.notBefore,
      requestId: fields.requestId,
      resources: fields.resources === undefined ? undefined : [...fields.resources],
    });
  } catch (error) {
    throw new InvalidMessage(describeLibraryError(error));
  }
  const text = message.prepareMessage();
  parseSiweMessage(text);
  return text;
}

function assertMessageSize(text: string): void {
  if (Buffer.byteLength(text, 'utf8') > SIWE_LIMITS.messageBytes) {
    throw new InvalidRequest(`The SIWE message is longer than ${SIWE_LIMITS.messageBytes} bytes`);
  }
}

function assertFieldLimits(statement: string | undefined, resources: readonly string[]): void {
  if (statement !== undefined && statement.length > SIWE_LIMITS.statementChars) {
    throw new InvalidRequest(
      `The SIWE statement is longer than ${SIWE_LIMITS.statementChars} characters`,
    );
  }
  if (resources.length > SIWE_LIMITS.resources) {
    throw new InvalidRequest(`The SIWE message lists more than ${SIWE_LIMITS.resources} resources`);
  }
  if (resources.some((resource) => resource.length > SIWE_LIMITS.resourceChars)) {
    throw new InvalidRequest(
      `A SIWE resource is longer than ${SIWE_LIMITS.resourceChars} characters`,
    );
  }
}

/**
 * Finds the statement and resource lines by position alone, so the limits hold before the
 * grammar parser runs. EIP-4361 layout: header, address, "", [statement, ""] or "", "URI: ...",
 * ..., optionally "Resources:" followed by "- <uri>" lines to the end.
 */
function locateStatementAndResources(text: string): {
  statement: string | undefined;
  resources: string[];
} {
  const lines = text.split('\n');
  const statement = lines[2] === '' && lines[4] === '' ? lines[3] : undefined;
  const title = lines.lastIndexOf('Resources:');
  const after = title < 0 ? [] : lines.slice(title + 1);
  const resources = after.filter((line) => line.startsWith('- ')).map((line) => line.slice(2));
  return { statement, resources };
}

function checkedFields(parsed: SiweMessage): SiweFields {
  assertNoUserinfo(parsed.domain);
  if (!Number.isSafeInteger(parsed.chainId)) {
    throw new InvalidMessage('Not an EIP-4361 message: the chain id is not an integer');
  }
  if (parsed.issuedAt === undefined) {
    throw new InvalidMessage('Not an EIP-4361 message: Issued At is missing');
  }
  return {
    ...(parsed.scheme !== undefined && { scheme: parsed.scheme }),
    domain: parsed.domain,
    address: normaliseAddress(parsed.address),
    ...(parsed.statement !== undefined && { statement: parsed.statement }),
    uri: parsed.uri,
    version: parsed.version,
    chainId: parsed.chainId,
    nonce: parsed.nonce,
    issuedAt: parsed.issuedAt,
    ...(parsed.expirationTime !== undefined && { expirationTime: parsed.expirationTime }),
    ...(parsed.notBefore !== undefined && { notBefore: parsed.notBefore }),
    ...(parsed.requestId !== undefined && { requestId: parsed.requestId }),
    ...(parsed.resources !== undefined && { resources: parsed.resources }),
  };
}

// EIP-4361 erratum: `domain` is host[:port]; a userinfo part lets `trusted.com@evil.com` phish.
// The library's grammar still accepts it, so we refuse it here.
function assertNoUserinfo(domain: string): void {
  if (domain.includes('@')) {
    throw new InvalidMessage('The domain must not contain a userinfo part (user@host)');
  }
}

// EIP-55: a mixed-case address must carry a valid checksum. All-lowercase is what many wallets
// emit, so it is accepted and normalised; all-uppercase is refused (no wallet emits it).
function normaliseAddress(address: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new InvalidMessage('The address is not a 20-byte hex Ethereum address');
  }
  const checksummed = getAddress(address.toLowerCase());
  if (address !== address.toLowerCase() && address !== checksummed) {
    throw new InvalidMessage('invalid EIP-55 address: a mixed-case address needs a valid checksum');
  }
  return checksummed;
}

const REQUIRED_STRINGS = ['domain', 'address', 'uri', 'version', 'nonce', 'issuedAt'] as const;
const OPTIONAL_STRINGS = [
  'scheme',
  'statement',
  'expirationTime',
  'notBefore',
  'requestId',
] as const;

/** Fields may come from JSON: their types are checked at run time, not trusted. */
function assertFieldTypes(fields: SiweFields): void {
  const record = fields as unknown as Readonly<Record<string, unknown>>;
  for (const name of REQUIRED_STRINGS) {
    if (typeof record[name] !== 'string' || record[name] === '') {
      throw new InvalidMessage(`The message field ${name} is required`);
    }
  }
  for (const name of OPTIONAL_STRINGS) {
    if (record[name] !== undefined && typeof record[name] !== 'string') {
      throw new InvalidMessage(`The message field ${name} must be a string`);
    }
  }
  if (!Number.isSafeInteger(record.chainId)) {
    throw new InvalidMessage('The message field chainId must be an integer');
  }
  const resources = record.resources;
  if (
    resources !== undefined &&
    !(Array.isArray(resources) && resources.every((r: unknown) => typeof r === 'string'))
  ) {
    throw new InvalidMessage('The message field resources must be a list of URIs');
  }
}

/** `line N: <reason>` from the library's fixed texts; never a value taken from the message. */
const GRAMMAR_REASON = /^line (\d+): ([a-zA-Z0-9 -]{1,80}?)(?: - |$)/;

function describeLibraryError(error: unknown): string {
  if (error instanceof SiweError) return `Not an EIP-4361 message: ${error.type}`;
  if (error instanceof SiweParseError) {
    for (const line of error.errors) {
      const match = GRAMMAR_REASON.exec(line);
      if (match) return `Not an EIP-4361 message: line ${match[1]}: ${match[2]}`;
    }
  }
  return 'Not an EIP-4361 message';
}
