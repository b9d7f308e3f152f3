import { SiweError, SiweMessage, SiweParseError } from '@signinwithethereum/siwe';
import type { Address } from 'viem';
import { InvalidMessage, InvalidRequest } from '../core/wallet.errors';
import { CAIP122_FIELD_LINES } from '../core/caip122-message';
import { eip55 } from './eip55';

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
  return readOwnRendering(text) ?? parseWithLibrary(text);
}

/**
 * The reference library's parser (its EIP-4361 ABNF through apg-js), then our policy. Every
 * message `readOwnRendering` does not take comes here, so every refusal is worded from it.
 */
export function parseWithLibrary(text: string): SiweFields {
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

const HEADER = /^(?:([^:/]*):\/\/)?(.*) wants you to sign in with your Ethereum account:$/;
const OPTIONAL_FIELD_LINES = [
  ['expirationTime', 'Expiration Time: '],
  ['notBefore', 'Not Before: '],
  ['requestId', 'Request ID: '],
] as const;

/**
 * The fields of a message exactly as `buildSiweMessage` renders them, or undefined for any other
 * text. Such a text is one the reference library parses back to the same fields (the parser spec
 * checks the builder against the library, and this reader against `parseWithLibrary`), so this
 * accepts nothing the library refuses and returns what it would. It exists for speed: nonces
 * are issued with messages the builder rendered, which wallets sign as they are, and the library's
 * ABNF parser (apg-js) costs about 380 µs of CPU per /wallet/verify. A text that differs in any
 * byte (a lowercase address, an empty statement or resource list, a stray character) goes to the
 * library, as does every error.
 */
function readOwnRendering(text: string): SiweFields | undefined {
  const lines = text.split('\n');
  const header = HEADER.exec(lines[0]);
  if (!header || lines[2] !== '') return undefined;
  let at = 3;
  let statement: string | undefined;
  if (lines[at] !== '') {
    statement = lines[at];
    at += 1;
  }
  if (lines[at] !== '') return undefined;
  at += 1;
  const fields: Record<string, unknown> = {
    ...(header[1] !== undefined && { scheme: header[1] }),
    domain: header[2],
    address: lines[1],
    ...(statement !== undefined && { statement }),
  };
  // EIP-4361 is CAIP-122's Ethereum profile: the same required lines.
  for (const [name, prefix] of CAIP122_FIELD_LINES) {
    if (!lines[at]?.startsWith(prefix)) return undefined;
    fields[name] = lines[at].slice(prefix.length);
    at += 1;
  }
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(fields.chainId as string)) return undefined;
  fields.chainId = Number(fields.chainId);
  for (const [name, prefix] of OPTIONAL_FIELD_LINES) {
    if (lines[at]?.startsWith(prefix)) {
      fields[name] = lines[at].slice(prefix.length);
      at += 1;
    }
  }
  if (at < lines.length) {
    if (lines[at] !== 'Resources:' || at + 1 === lines.length) return undefined;
    const resources = lines.slice(at + 1);
    if (!resources.every((line) => line.startsWith('- '))) return undefined;
    fields.resources = resources.map((line) => line.slice(2));
  }
  const read = fields as unknown as SiweFields;
  try {
    return buildSiweMessage(read) === text ? read : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Renders the exact EIP-4361 text for a wallet to sign. Every field is checked against the
 * EIP-4361 grammar rule it is written under (the rules below), so the text is always one
 * `parseSiweMessage` accepts and parses back to the same fields; the text is built directly,
 * never parsed back here: the specs prove that property, the request path does not pay for it.
 */
export function buildSiweMessage(fields: SiweFields): string {
  assertFieldTypes(fields);
  assertFieldLimits(fields.statement, fields.resources ?? []);
  assertNoUserinfo(fields.domain);
  const address = normaliseAddress(fields.address);
  assertGrammar(fields);
  const text = renderSiweMessage(fields, address);
  assertMessageSize(text);
  return text;
}

/**
 * EIP-4361 §Message format, line by line, as the reference library's `toMessage` writes it:
 * after the address a blank line, then the statement and a blank line, or a second blank line
 * when there is no statement (an empty statement thus gives three: the grammar's
 * `empty-statement`); then the fields in their fixed order, optional ones only when present.
 */
function renderSiweMessage(fields: SiweFields, address: Address): string {
  const prefix = fields.scheme === undefined ? '' : `${fields.scheme}://`;
  const lines = [
    `${prefix}${fields.domain} wants you to sign in with your Ethereum account:`,
    address,
    '',
    ...(fields.statement === undefined ? [''] : [fields.statement, '']),
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
  ];
  if (fields.expirationTime !== undefined) lines.push(`Expiration Time: ${fields.expirationTime}`);
  if (fields.notBefore !== undefined) lines.push(`Not Before: ${fields.notBefore}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources !== undefined) {
    lines.push('Resources:', ...fields.resources.map((resource) => `- ${resource}`));
  }
  return lines.join('\n');
}

/*
 * The EIP-4361 ABNF (with RFC 3986 for URIs and RFC 3339 for dates) as regular expressions, one
 * per field, written after the reference parser's grammar (@signinwithethereum/siwe-parser):
 * same character sets, IPv4 octets with leading zeros, IPv6 and IPvFuture literals, a `port`
 * of any digits. The parser spec checks them against that parser on the upstream vectors and on
 * generated fields, both ways.
 */
const PCT_ENCODED = '%[0-9A-Fa-f]{2}';
/** unreserved / sub-delims / ":" (RFC 3986 §3.2.1), as userinfo and IPvFuture use them. */
const UNRESERVED_SUB_DELIMS_COLON = "A-Za-z0-9\\-._~!$&'()*+,;=:";
const USERINFO = `(?:[${UNRESERVED_SUB_DELIMS_COLON}]|${PCT_ENCODED})*`;
const REG_NAME = `(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|${PCT_ENCODED})*`;
const PCHAR = `(?:[${UNRESERVED_SUB_DELIMS_COLON}@]|${PCT_ENCODED})`;
const SCHEME = '[A-Za-z][A-Za-z0-9+\\-.]*';
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])';
const IPV4 = `${DEC_OCTET}(?:\\.${DEC_OCTET}){3}`;
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
/** RFC 3986 §3.2.2 IPv6address, its nine forms. */
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|');
const IPVFUTURE = `[vV][0-9A-Fa-f]+\\.[${UNRESERVED_SUB_DELIMS_COLON}]+`;
/** An IPv4 address is also a reg-name, so `reg-name` covers it. */
const HOST = `(?:\\[(?:${IPV6}|${IPVFUTURE})\\]|${REG_NAME})`;
const HOST_PORT = `${HOST}(?::[0-9]*)?`;
const PATH_REST = `(?:/${PCHAR}*)*`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const URI = [
  `${SCHEME}:`,
  `(?://(?:${USERINFO}@)?${HOST_PORT}${PATH_REST}|/(?:${PCHAR}+${PATH_REST})?|${PCHAR}+${PATH_REST}|)`,
  `(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?`,
].join('');

const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
const GRAMMAR = {
  scheme: whole(SCHEME),
  /** `domain = authority`, less the userinfo our policy refuses beforehand. */
  domain: whole(HOST_PORT),
  uri: whole(URI),
  /** The reserved and unreserved characters and space: no line break, no `%`, `"`, `<`, `>`... */
  statement: /^[A-Za-z0-9 !#$&'()*+,\-./:;=?@[\]_~]*$/,
  nonce: /^[A-Za-z0-9]{8,}$/,
  requestId: whole(`${PCHAR}*`),
  /** RFC 3339 `date-time`; the letters T and Z in either case, as ABNF strings are. */
  dateTimeSyntax:
    /^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$/,
  /** RFC 3339 §5.7 ranges; the day must also exist in its month (checked below). */
  dateTimeRanges:
    /^(?<date>[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$/,
} as const;

/** Messages name the grammar rule a field breaks, as the parser's do; never the value. */
function assertGrammar(fields: SiweFields): void {
  const refuse = (rule: string): never => {
    throw new InvalidMessage(`Not an EIP-4361 message: invalid ${rule}`);
  };
  if (fields.scheme !== undefined && !GRAMMAR.scheme.test(fields.scheme)) refuse('URI scheme');
  if (!GRAMMAR.domain.test(fields.domain)) refuse('domain');
  if (fields.statement !== undefined && !GRAMMAR.statement.test(fields.statement)) {
    refuse('statement');
  }
  if (!GRAMMAR.uri.test(fields.uri)) refuse('URI');
  if (fields.version !== '1') refuse('version');
  if (fields.chainId < 0) refuse('chain-id');
  if (!GRAMMAR.nonce.test(fields.nonce)) refuse('nonce');
  assertDateTime(fields.issuedAt, 'issued-at');
  if (fields.expirationTime !== undefined) assertDateTime(fields.expirationTime, 'expiration-time');
  if (fields.notBefore !== undefined) assertDateTime(fields.notBefore, 'not-before');
  if (fields.requestId !== undefined && !GRAMMAR.requestId.test(fields.requestId)) {
    refuse('requestID');
  }
  if (fields.resources?.some((resource) => !GRAMMAR.uri.test(resource))) refuse('resource URI');
}

function assertDateTime(value: string, rule: string): void {
  if (!GRAMMAR.dateTimeSyntax.test(value)) {
    throw new InvalidMessage(`Not an EIP-4361 message: invalid ${rule} date time syntax`);
  }
  const date = GRAMMAR.dateTimeRanges.exec(value)?.groups?.date;
  // A calendar date that exists: 2023-02-29 or 2023-04-31 come back as another day.
  if (date === undefined || new Date(date).toISOString().slice(0, 10) !== date) {
    throw new InvalidMessage(`Not an EIP-4361 message: invalid ${rule} date time semantics`);
  }
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
  const checksummed = eip55.checksum(address);
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
