import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { adminScopesProblem, type AdminScope } from '../protocol-rules/admin-scopes';
import { ssfReceiverProblem } from '../protocol-rules/ssf';
import { parseClientScope } from '../protocol-rules/client-scope';
import { REGISTRABLE_RESPONSE_TYPES } from '../protocol-rules/grant-types';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { backchannelLogoutUriProblem } from '../protocol-rules/backchannel-logout-uri';
import { cibaDelivery } from '../protocol-rules/ciba-delivery';
import { operatorClientIdProblem } from '../protocol-rules/client-id';
import { clientProfileProblem, type ClientProfile } from '../protocol-rules/client-profile';
import { publicJwksProblem } from '../protocol-rules/client-jwks';
import { redirectUriProblem } from '../protocol-rules/redirect-uri';
import {
  isRequestObjectSigningAlg,
  requestObjectMetadataProblem,
  type RequestObjectSigningAlg,
} from '../protocol-rules/request-object';
import { resourceProblem } from '../protocol-rules/resource-indicator';
import { requestUrisProblem } from '../protocol-rules/request-uris';
import {
  CLIENT_PAGE_URIS,
  clientPageUriProblem,
  type ClientPageUriField,
  type ClientPageUriName,
} from '../protocol-rules/client-page-uri';
import {
  idTokenAlgProblem,
  userinfoAlgProblem,
  type SigningAlg,
} from '../protocol-rules/signing-algs';
import {
  SOLANA_CLUSTERS,
  type SolanaCluster,
  solanaCluster,
} from '../protocol-rules/solana-clusters';

/**
 * Small, strict readers for environment variables. Every failure names the variable, so a bad
 * deployment stops at boot with a message an operator can act on. One error may carry several
 * problems (`AppConfig.fromEnv` reports every variable's at once), one line each in `message`.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A URL-like value as a refusal may quote it: without what may be a credential, its user
 * information (`user:password@`), query (`?api-key=...`) and fragment, each left as `…`.
 * Text that is no URL at all is cut the same way: a start's error line must hold no secret.
 */
export function quotedUrl(value: string): string {
  return value
    .replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#@\s]*@/i, '$1…@')
    .replace(/([?#]).*$/s, '$1…');
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function str(env: Env, name: string, fallback: string): string;
export function str(env: Env, name: string): string | undefined;
export function str(env: Env, name: string, fallback?: string): string | undefined {
  return raw(env, name) ?? fallback;
}

export function int(
  env: Env,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) {
    throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  }
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}`);
  }
  return parsed;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/**
 * A file of PEM certificates (a CA bundle), read and parsed at boot so that a wrong path or a
 * file that is not certificates stops the start, not the first fetch that needs it.
 */
export function pemCertificates(env: Env, name: string): string[] | undefined {
  const path = raw(env, name);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name}: cannot read "${path}" (${(error as Error).message})`);
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${name}: "${path}" holds no PEM certificate`);
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConfigError(`${name}: certificate ${index + 1} of "${path}" does not parse`);
    }
  }
  return blocks.map((block) => `${block}\n`);
}

export function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export function httpUrl(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${quotedUrl(value)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, got "${quotedUrl(value)}"`);
  }
  if (url.search || url.hash) {
    throw new ConfigError(`${name} must not carry a query or fragment, got "${quotedUrl(value)}"`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * A host as a URL's authority names it, with an optional port: `auth.example.com`,
 * `localhost:25000`, `[::1]:8080`. Lower-case, as a browser's `location.host` is; no scheme,
 * path, user information or query (WALLET_DOMAIN: a wallet message's `domain`).
 */
export function hostWithPort(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  // A scheme of no special rules: the host is neither lower-cased nor its port dropped.
  const url = URL.canParse(`x://${value}`) ? new URL(`x://${value}`) : undefined;
  const bare =
    url !== undefined &&
    url.host === value &&
    url.pathname === '' &&
    url.username === '' &&
    url.search === '' &&
    value === value.toLowerCase();
  if (!bare) {
    throw new ConfigError(
      `${name} must be a lower-case host with an optional port, like "auth.example.com" or "localhost:25000" (no scheme or path), got "${quotedUrl(value)}"`,
    );
  }
  return value;
}

/**
 * A resource indicator (RFC 8707 §2): an absolute URI without fragment, written as URL parsing
 * gives it back (ACCESS_TOKEN_AUDIENCE: the resource asked for when none is).
 */
export function resourceUri(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  if (resourceProblem(value) !== undefined) {
    throw new ConfigError(
      `${name} must be an absolute URI without fragment, in normalised form, like "https://api.example.com" (an RFC 8707 resource), got "${quotedUrl(value)}"`,
    );
  }
  return value;
}

/** Schemes a link must not have: a page would run or open them as code or a local file. */
const UNSAFE_LINK_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:']);

/**
 * Where a link sends a person's wallet app (OID4VP_WALLET_URL): a URL of any other scheme,
 * custom (`openid4vp://`, `haip://`) or https, without fragment; a query of its own is kept and
 * the request's parameters added to it.
 */
export function walletLinkUrl(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || UNSAFE_LINK_SCHEMES.has(url.protocol) || url.hash !== '') {
    throw new ConfigError(
      `${name} must be a URL a wallet app opens, like "openid4vp://" or "https://wallet.example/authorize" (no fragment; not javascript:, data:, vbscript:, file: or blob:), got "${quotedUrl(value)}"`,
    );
  }
  return value;
}

export function mongoUri(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  if (!/^mongodb(\+srv)?:\/\/[^/]+/.test(value)) {
    throw new ConfigError(`${name} must be a mongodb:// or mongodb+srv:// URI`);
  }
  return value;
}

/**
 * A comma-separated list of DNS servers as `dns.Resolver#setServers` takes them: IPv4 or IPv6
 * addresses, each with an optional port (`192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`,
 * `[2001:db8::53]:5353`). Only addresses: a server named by a host name would need a resolver
 * to be found.
 */
export function dnsServers(env: Env, name: string): string[] | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  return value.split(',').map((part) => {
    const entry = part.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
    const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(entry);
    const [address, port] = bracketed
      ? [bracketed[1], bracketed[2]]
      : v4
        ? [v4[1], v4[2]]
        : [entry, undefined];
    const family = isIP(address);
    const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
    if (family === 0 || !portOk || (bracketed && family !== 6)) {
      throw new ConfigError(
        `${name} must list DNS server IP addresses with optional ports, like "192.0.2.53,[2001:db8::53]:5353", got "${value}"`,
      );
    }
    return entry;
  });
}

/** A comma-separated list of EIP-155 chain ids, e.g. `1,8453`. */
export function chainIds(env: Env, name: string, fallback: number[]): number[] {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  return value.split(',').map((part) => {
    const id = part.trim();
    if (!/^[1-9]\d{0,15}$/.test(id)) {
      throw new ConfigError(`${name} must list chain ids like "1,8453", got "${value}"`);
    }
    return Number(id);
  });
}

/** Solana clusters, comma-separated, by Wallet Standard name or CAIP-2 id (`solana:mainnet`). */
export function solanaChains(
  env: Env,
  name: string,
  fallback: readonly SolanaCluster[],
): SolanaCluster[] {
  const value = raw(env, name);
  if (value === undefined) return [...fallback];
  const chains: SolanaCluster[] = [];
  for (const part of value.split(',')) {
    const cluster = solanaCluster(part.trim());
    if (cluster === undefined) {
      const names = SOLANA_CLUSTERS.map((c) => c.name).join(', ');
      throw new ConfigError(
        `${name} must list Solana chains among ${names} (or their CAIP-2 ids), got "${value}"`,
      );
    }
    if (!chains.includes(cluster)) chains.push(cluster);
  }
  return chains;
}

/** `chainId=url` pairs separated by commas, e.g. `1=https://rpc.example,8453=https://...`. */
export function rpcUrls(env: Env, name: string): Record<number, string> {
  const value = raw(env, name);
  if (value === undefined) return {};
  const result: Record<number, string> = {};
  for (const pair of value.split(',')) {
    const [id, url] = pair.split(/=(.*)/s, 2).map((s) => s?.trim());
    if (!id || !/^[1-9]\d{0,15}$/.test(id) || !url || !/^https?:\/\/\S+$/.test(url)) {
      throw new ConfigError(`${name} must be "chainId=url" pairs separated by commas`);
    }
    result[Number(id)] = url;
  }
  return result;
}

/** The fields of a client entry (OAUTH_CLIENTS, the admin CLI): another is refused, not passed over. */
const CLIENT_ENTRY_FIELDS = [
  'client_id',
  'client_secret',
  'redirect_uris',
  'name',
  'resources',
  'first_party',
  'dpop_bound_access_tokens',
  'require_pushed_authorization_requests',
  'require_pkce',
  'grant_types',
  'token_endpoint_auth_method',
  'jwks',
  'jwks_uri',
  'request_object_signing_alg',
  'require_signed_request_object',
  'request_uris',
  'id_token_signed_response_alg',
  'userinfo_signed_response_alg',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
  'backchannel_token_delivery_mode',
  'backchannel_client_notification_endpoint',
  'profile',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'admin_scopes',
  'ssf_receiver',
  'scope',
  'response_types',
] as const;
const KNOWN_CLIENT_ENTRY_FIELDS: ReadonlySet<string> = new Set(CLIENT_ENTRY_FIELDS);

export type ClientEntry = { [Field in (typeof CLIENT_ENTRY_FIELDS)[number]]?: unknown };

/** A registered client as configuration describes it (OAUTH_CLIENTS, or the admin CLI). */
export interface ClientEntryConfig {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  name: string;
  /** RFC 8707 resources this client may ask tokens for, besides ACCESS_TOKEN_AUDIENCE. */
  resources?: string[];
  /** The operator's own application: its users are not asked for consent. */
  firstParty?: boolean;
  /** RFC 9449 §5.2: every token request must carry a DPoP proof. */
  dpopBoundAccessTokens?: boolean;
  /** RFC 9126 §6: authorization requests only through PAR. */
  requirePushedAuthorizationRequests?: boolean;
  /** `require_pkce: false` (confidential clients only): OpenID Connect requests without PKCE. */
  requirePkce?: boolean;
  /** RFC 7591 §2 grant_types; absent: the browser grants (authorization_code, refresh_token). */
  grantTypes?: string[];
  /** RFC 7591 §2 response_types as written; absent: those the grant types need. */
  responseTypes?: string[];
  /** RFC 7523 private_key_jwt: the client's public keys (a JWK Set), or where it publishes them. */
  jwks?: { keys: Array<Record<string, unknown>> };
  jwksUri?: string;
  /** OpenID Connect Registration §2 request_object_signing_alg: a private_key_jwt client's. */
  requestObjectSigningAlg?: RequestObjectSigningAlg;
  /** RFC 9101 §10.5 require_signed_request_object: a private_key_jwt client's. */
  requireSignedRequestObject?: boolean;
  /** OpenID Connect Registration §2 request_uris (http is checked against NODE_ENV later). */
  requestUris?: string[];
  /**
   * OpenID Connect Registration §2 id_token_signed_response_alg: the alg of its ID tokens and
   * logout tokens; absent: TOKEN_SIGNING_ALG.
   */
  idTokenSignedResponseAlg?: SigningAlg;
  /** OpenID Connect Registration §2 userinfo_signed_response_alg: /userinfo answers a JWT. */
  userinfoSignedResponseAlg?: SigningAlg;
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris. */
  postLogoutRedirectUris?: string[];
  /** OpenID Connect Back-Channel Logout 1.0 §2.2 backchannel_logout_uri ... */
  backchannelLogoutUri?: string;
  /** ... and backchannel_logout_session_required. */
  backchannelLogoutSessionRequired?: boolean;
  /** CIBA Core 1.0 §4 backchannel_client_notification_endpoint (`ping` mode). */
  backchannelClientNotificationEndpoint?: string;
  /** A client profile whose rules the client is held to (protocol-rules/client-profile.ts). */
  profile?: ClientProfile;
  /** RFC 7591 §2 logo_uri, policy_uri, tos_uri: shown on the consent screen. */
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
  /** Issue #77: the admin API scopes it may get by client_credentials (an admin client). */
  adminScopes?: AdminScope[];
  /** Issue #80: a Shared Signals receiver, which may get the `ssf` scope by client_credentials. */
  ssfReceiver?: boolean;
  /** RFC 7591 §2 `scope` (normalised): the only scopes it may ask for; absent, any. */
  scope?: string;
}

/**
 * The logout metadata of a client entry: post_logout_redirect_uris by the rules of redirect
 * URIs, backchannel_logout_uri by Back-Channel Logout 1.0 §2.2 (http on loopback is checked
 * against NODE_ENV by the caller that knows it: see readOAuthConfig).
 */
function entryLogout(
  entry: ClientEntry,
  where: string,
): Pick<
  ClientEntryConfig,
  'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired'
> {
  const postLogout = entry.post_logout_redirect_uris;
  if (postLogout !== undefined) {
    if (!Array.isArray(postLogout) || !postLogout.every((uri) => typeof uri === 'string')) {
      throw new ConfigError(`${where}post_logout_redirect_uris must be an array of strings`);
    }
    for (const uri of postLogout) {
      const problem = redirectUriProblem(uri);
      if (problem) {
        throw new ConfigError(
          `${where}post_logout_redirect_uris ${problem}, got "${quotedUrl(uri)}"`,
        );
      }
    }
  }
  const uri = entry.backchannel_logout_uri;
  if (uri !== undefined) {
    const problem =
      typeof uri === 'string'
        ? backchannelLogoutUriProblem(uri, { allowPrivate: true })
        : 'must be a string';
    if (problem) throw new ConfigError(`${where}backchannel_logout_uri ${problem}`);
  }
  const required = entry.backchannel_logout_session_required;
  if (required !== undefined && typeof required !== 'boolean') {
    throw new ConfigError(`${where}backchannel_logout_session_required must be true or false`);
  }
  return {
    ...(Array.isArray(postLogout) && postLogout.length
      ? { postLogoutRedirectUris: [...new Set(postLogout)] }
      : {}),
    ...(typeof uri === 'string' ? { backchannelLogoutUri: uri } : {}),
    ...(required === true ? { backchannelLogoutSessionRequired: true } : {}),
  };
}

/**
 * RFC 7523 private_key_jwt in a client entry: `token_endpoint_auth_method: "private_key_jwt"`
 * with exactly one of `jwks` (public keys) and `jwks_uri`, and no client_secret.
 */
export function entryKeys(
  entry: ClientEntry,
  where = '',
): Pick<ClientEntryConfig, 'jwks' | 'jwksUri'> {
  const method = entry.token_endpoint_auth_method;
  if (method === undefined) {
    if (entry.jwks !== undefined || entry.jwks_uri !== undefined) {
      throw new ConfigError(
        `${where}jwks and jwks_uri need token_endpoint_auth_method "private_key_jwt"`,
      );
    }
    return {};
  }
  if (method !== 'private_key_jwt') {
    throw new ConfigError(
      `${where}token_endpoint_auth_method may only be "private_key_jwt" (a secret or none is told by client_secret)`,
    );
  }
  if (entry.client_secret !== undefined) {
    throw new ConfigError(`${where}a private_key_jwt client has no client_secret`);
  }
  if ((entry.jwks === undefined) === (entry.jwks_uri === undefined)) {
    throw new ConfigError(
      `${where}a private_key_jwt client needs exactly one of jwks and jwks_uri`,
    );
  }
  if (entry.jwks !== undefined) {
    const problem = publicJwksProblem(entry.jwks);
    if (problem) throw new ConfigError(`${where}jwks ${problem}`);
    return { jwks: entry.jwks as { keys: Array<Record<string, unknown>> } };
  }
  const uri = entry.jwks_uri;
  if (
    typeof uri !== 'string' ||
    !URL.canParse(uri) ||
    !['https:', 'http:'].includes(new URL(uri).protocol) ||
    uri.includes('#')
  ) {
    throw new ConfigError(`${where}jwks_uri must be an https URL without fragment`);
  }
  return { jwksUri: uri };
}

/**
 * What a JSON list's entry says of the fields its shape does not have (a misspelt one would be
 * passed over): ` has unknown field(s) a, b (known: ...)`, to follow the entry's name; undefined
 * when it has none. `known` is named in the line (`known for kind oidc`).
 */
export function unknownFieldsProblem(
  fields: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  knownAs = 'known',
): string | undefined {
  const unknown = Object.keys(fields).filter((key) => !known.has(key));
  return unknown.length === 0
    ? undefined
    : ` has unknown field(s) ${unknown.join(', ')} (${knownAs}: ${[...known].join(', ')})`;
}

/**
 * A setting whose value is a JSON array of entries (`shape` says what, e.g. `a JSON array of {
 * "issuer", ... }`), each read by `readEntry`, which throws a ConfigError naming `where`
 * (`JWT_BEARER_ISSUERS[2]`) and sees the entries read before it (to refuse a repeat). Every
 * entry's problems are reported at once; nothing of the value is quoted (it may hold secrets).
 */
export function jsonList<T>(
  env: Env,
  name: string,
  shape: string,
  readEntry: (entry: unknown, where: string, earlier: readonly T[]) => T,
): T[] {
  const parsed = jsonSetting(env, name, `${name} must be ${shape}`);
  if (parsed === undefined) return [];
  if (!Array.isArray(parsed)) throw new ConfigError(`${name} must be ${shape}`);
  const problems: string[] = [];
  const entries: T[] = [];
  parsed.forEach((entry: unknown, index) => {
    try {
      entries.push(readEntry(entry, `${name}[${index}]`, entries));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return entries;
}

/**
 * OAUTH_CLIENTS: a JSON array of `{ client_id, client_secret?, redirect_uris, name?, resources?,
 * first_party?, dpop_bound_access_tokens?, require_pushed_authorization_requests?,
 * require_pkce?, grant_types?, token_endpoint_auth_method?, jwks?, jwks_uri?, profile?,
 * request_object_signing_alg?, require_signed_request_object?, request_uris?,
 * id_token_signed_response_alg?, userinfo_signed_response_alg?,
 * post_logout_redirect_uris?, backchannel_logout_uri?, backchannel_logout_session_required?,
 * backchannel_token_delivery_mode?, backchannel_client_notification_endpoint?, logo_uri?,
 * policy_uri?, tos_uri?, admin_scopes?, ssf_receiver?, scope? }`, and no other field. No secret (and no
 * private_key_jwt keys) means a public client. Redirect URIs follow `redirectUriProblem`'s
 * rules; a client whose grant_types use no redirect (client_credentials) has none.
 */
export function clients(env: Env, name: string): ClientEntryConfig[] {
  return jsonList(env, name, 'a JSON array of clients', (entry, where) =>
    clientEntry(entry as ClientEntry, `${where}.`),
  );
}

/**
 * A setting whose value is a JSON object: its entries, or undefined when it is unset or empty. Not
 * JSON, or JSON of another shape, is a ConfigError starting with `shape` (what it must be).
 */
export function jsonObject(
  env: Env,
  name: string,
  shape: string,
): Record<string, unknown> | undefined {
  const parsed = jsonSetting(env, name, shape);
  if (parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(shape);
  }
  return parsed as Record<string, unknown>;
}

/**
 * A setting's value read as JSON, or undefined when it is unset or blank. JSON that does not parse
 * is a ConfigError of `refusal` followed by where and why (never a quote of the value: it may hold
 * secrets); a member named twice in one object is refused as such.
 */
function jsonSetting(env: Env, name: string, refusal: string): unknown {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  try {
    return parseJson(value);
  } catch (error) {
    throw (
      repeatedMember(name, error) ?? new ConfigError(`${refusal}: ${jsonProblem(error, value)}`)
    );
  }
}

/**
 * The ConfigError for a setting whose JSON names a member twice in one object (JSON.parse would
 * keep the last silently, a misconfiguration no one sees), naming the setting and the member and
 * nothing of the value; undefined for any other parse failure.
 */
function repeatedMember(name: string, error: unknown): ConfigError | undefined {
  return error instanceof DuplicateMemberName
    ? new ConfigError(`${name} ${error.message}`)
    : undefined;
}

/**
 * Where and why `text` is not JSON, without quoting it (it holds client secrets): the parser's
 * reason, and the line and column of `at position N` when it gives one.
 */
export function jsonProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  // V8 quotes the input in some messages (`Unexpected token 'x', "…" is not valid JSON`).
  const reason = message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ after JSON at position \d+.*$/s, ' after the JSON')
    .replace(/^(Unexpected token)\b.*$/s, '$1')
    .replace(/^Unexpected end of JSON input$/, 'it ends too early');
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return reason || 'not valid JSON';
  const before = text.slice(0, Number(position)).split('\n');
  return `${reason} (line ${before.length}, column ${before[before.length - 1].length + 1})`;
}

/**
 * One client entry, checked by the rules every registered client obeys, however it is
 * registered: OAUTH_CLIENTS and the admin CLI both come through here. `where` prefixes the
 * field names in error messages (`OAUTH_CLIENTS[0].`). Whether its `grant_types` agree with its
 * redirect URIs and secret is the grants' rule (`configuredGrantTypesProblem`), checked where the
 * grants are known: when the service registers its configured clients, and by the admin CLI.
 */
export function clientEntry(entry: ClientEntry, where = ''): ClientEntryConfig {
  const entryName = where.replace(/\.$/, '') || 'the client';
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${entryName} must be an object`);
  }
  // A misspelt field would be passed over: `dpop_bound_access_token` would leave DPoP off.
  const unknown = unknownFieldsProblem(entry, KNOWN_CLIENT_ENTRY_FIELDS);
  if (unknown !== undefined) throw new ConfigError(`${entryName}${unknown}`);
  const idProblem = operatorClientIdProblem(entry.client_id);
  if (idProblem !== undefined || typeof entry.client_id !== 'string') {
    throw new ConfigError(`${where}client_id ${idProblem ?? 'must be a string'}`);
  }
  if (entry.client_secret !== undefined) {
    if (typeof entry.client_secret !== 'string' || entry.client_secret.length < 8) {
      throw new ConfigError(`${where}client_secret must be a string of 8+ characters`);
    }
  }
  const grantTypes = entry.grant_types;
  if (
    grantTypes !== undefined &&
    (!Array.isArray(grantTypes) || !grantTypes.every((value) => typeof value === 'string'))
  ) {
    throw new ConfigError(`${where}grant_types must be an array of strings`);
  }
  // RFC 7591 §2.1: whether they agree with grant_types is the grants' rule (configuredGrantTypesProblem).
  const responseTypes = entry.response_types;
  if (
    responseTypes !== undefined &&
    (!Array.isArray(responseTypes) ||
      !responseTypes.every((value) =>
        (REGISTRABLE_RESPONSE_TYPES as readonly unknown[]).includes(value),
      ))
  ) {
    throw new ConfigError(
      `${where}response_types must be an array of ${REGISTRABLE_RESPONSE_TYPES.join(', ')}`,
    );
  }
  const uris = entry.redirect_uris ?? (grantTypes === undefined ? undefined : []);
  if (!Array.isArray(uris) || (uris.length === 0 && grantTypes === undefined)) {
    throw new ConfigError(`${where}redirect_uris must be a non-empty array`);
  }
  for (const uri of uris) {
    if (typeof uri !== 'string') {
      throw new ConfigError(`${where}redirect_uris must be strings`);
    }
    const problem = redirectUriProblem(uri);
    if (problem) throw new ConfigError(`${where}redirect_uris ${problem}, got "${quotedUrl(uri)}"`);
  }
  const resources = entry.resources;
  if (resources !== undefined) {
    if (!Array.isArray(resources)) throw new ConfigError(`${where}resources must be an array`);
    for (const resource of resources) {
      const problem = typeof resource === 'string' ? resourceProblem(resource) : 'must be strings';
      if (problem)
        throw new ConfigError(`${where}resources ${problem}, got "${quotedUrl(String(resource))}"`);
    }
  }
  const keys = entryKeys(entry, where);
  const confidential = entry.client_secret !== undefined || Object.keys(keys).length > 0;
  const requestObjectProblem = requestObjectMetadataProblem(
    entry.request_object_signing_alg,
    entry.require_signed_request_object,
    Object.keys(keys).length > 0,
  );
  if (requestObjectProblem) throw new ConfigError(`${where}${requestObjectProblem}`);
  // http on loopback and private addresses is checked against NODE_ENV by readOAuthConfig.
  const requestUris = entry.request_uris;
  const requestUrisRefusal =
    requestUris === undefined ? undefined : requestUrisProblem(requestUris, { allowHttp: true });
  if (requestUrisRefusal) throw new ConfigError(`${where}${requestUrisRefusal}`);
  const idTokenAlg = entry.id_token_signed_response_alg;
  const idTokenProblem = idTokenAlg === undefined ? undefined : idTokenAlgProblem(idTokenAlg);
  if (idTokenProblem) throw new ConfigError(`${where}${idTokenProblem}`);
  const userinfoAlg = entry.userinfo_signed_response_alg;
  const userinfoProblem = userinfoAlg === undefined ? undefined : userinfoAlgProblem(userinfoAlg);
  if (userinfoProblem) throw new ConfigError(`${where}${userinfoProblem}`);
  for (const flag of [
    'first_party',
    'dpop_bound_access_tokens',
    'require_pushed_authorization_requests',
    'require_pkce',
  ] as const) {
    if (entry[flag] !== undefined && typeof entry[flag] !== 'boolean') {
      throw new ConfigError(`${where}${flag} must be true or false`);
    }
  }
  // OAuth 2.1 §4.1.1, RFC 9700 §2.1.1: a public client always uses PKCE.
  if (entry.require_pkce === false && !confidential) {
    throw new ConfigError(
      `${where}require_pkce may be false only for a confidential client: a public client always uses PKCE`,
    );
  }
  const profile = entryProfile(entry, keys, where);
  const pages = entryPages(entry, where);
  // http on loopback and private addresses is checked against NODE_ENV by readOAuthConfig.
  const ciba = cibaDelivery(
    {
      grantTypes: grantTypes ?? [],
      mode: entry.backchannel_token_delivery_mode,
      endpoint: entry.backchannel_client_notification_endpoint,
    },
    { allowPrivate: true },
  );
  if (ciba.problem) throw new ConfigError(`${where}${ciba.problem.field} ${ciba.problem.problem}`);
  const adminScopes = entry.admin_scopes;
  const adminProblem =
    adminScopes === undefined
      ? undefined
      : adminScopesProblem(adminScopes, {
          confidential,
          grantTypes,
        });
  if (adminProblem) throw new ConfigError(`${where}admin_scopes ${adminProblem}`);
  const ssfProblem =
    entry.ssf_receiver === undefined
      ? undefined
      : ssfReceiverProblem(entry.ssf_receiver, { confidential, grantTypes });
  if (ssfProblem) throw new ConfigError(`${where}ssf_receiver ${ssfProblem}`);
  const scope = entry.scope === undefined ? undefined : parseClientScope(entry.scope);
  if (scope !== undefined && 'problem' in scope) {
    throw new ConfigError(`${where}scope ${scope.problem}`);
  }
  return {
    clientId: entry.client_id,
    ...(typeof entry.client_secret === 'string' ? { clientSecret: entry.client_secret } : {}),
    redirectUris: uris as string[],
    name: typeof entry.name === 'string' ? entry.name : entry.client_id,
    ...(resources?.length ? { resources: resources as string[] } : {}),
    ...(entry.first_party === true ? { firstParty: true } : {}),
    ...(entry.dpop_bound_access_tokens === true ? { dpopBoundAccessTokens: true } : {}),
    ...(entry.require_pushed_authorization_requests === true
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(entry.require_pkce === false ? { requirePkce: false } : {}),
    ...(grantTypes !== undefined ? { grantTypes: [...new Set(grantTypes)] } : {}),
    ...(Array.isArray(responseTypes)
      ? { responseTypes: [...new Set(responseTypes as string[])] }
      : {}),
    ...keys,
    ...(isRequestObjectSigningAlg(entry.request_object_signing_alg)
      ? { requestObjectSigningAlg: entry.request_object_signing_alg }
      : {}),
    ...(entry.require_signed_request_object === true ? { requireSignedRequestObject: true } : {}),
    ...(Array.isArray(requestUris) && requestUris.length
      ? { requestUris: [...new Set(requestUris as string[])] }
      : {}),
    ...(idTokenAlg !== undefined ? { idTokenSignedResponseAlg: idTokenAlg as SigningAlg } : {}),
    ...(userinfoAlg !== undefined ? { userinfoSignedResponseAlg: userinfoAlg as SigningAlg } : {}),
    ...entryLogout(entry, where),
    ...(ciba.endpoint !== undefined
      ? { backchannelClientNotificationEndpoint: ciba.endpoint }
      : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...pages,
    ...(Array.isArray(adminScopes) && adminScopes.length
      ? { adminScopes: [...new Set(adminScopes as AdminScope[])] }
      : {}),
    ...(entry.ssf_receiver === true ? { ssfReceiver: true } : {}),
    ...(scope === undefined ? {} : { scope: scope.scope }),
  };
}

/** The entry's logo_uri, policy_uri and tos_uri, each an https URL (clientPageUriProblem). */
function entryPages(
  entry: ClientEntry,
  where: string,
): Partial<Record<ClientPageUriField, string>> {
  const pages: Partial<Record<ClientPageUriField, string>> = {};
  for (const name of Object.keys(CLIENT_PAGE_URIS) as ClientPageUriName[]) {
    const uri = entry[name];
    if (uri === undefined) continue;
    const problem = clientPageUriProblem(uri);
    if (problem) throw new ConfigError(`${where}${name} ${problem}`);
    pages[CLIENT_PAGE_URIS[name]] = uri as string;
  }
  return pages;
}

/** The entry's `profile`, checked by the profile's registration rules (client-profile.ts). */
function entryProfile(
  entry: ClientEntry,
  keys: Pick<ClientEntryConfig, 'jwks' | 'jwksUri'>,
  where: string,
): ClientProfile | undefined {
  if (entry.profile === undefined) return undefined;
  const problem = clientProfileProblem(entry.profile, {
    hasSecret: entry.client_secret !== undefined,
    hasKeys: keys.jwks !== undefined || keys.jwksUri !== undefined,
    ...(keys.jwks ? { keys: keys.jwks.keys } : {}),
    ...(typeof entry.dpop_bound_access_tokens === 'boolean'
      ? { dpopBoundAccessTokens: entry.dpop_bound_access_tokens }
      : {}),
    ...(typeof entry.require_pushed_authorization_requests === 'boolean'
      ? { requirePushedAuthorizationRequests: entry.require_pushed_authorization_requests }
      : {}),
    ...(typeof entry.require_pkce === 'boolean' ? { requirePkce: entry.require_pkce } : {}),
    requestObjectSigningAlg: entry.request_object_signing_alg,
  });
  if (problem) throw new ConfigError(`${where}profile ${problem}`);
  return entry.profile as ClientProfile;
}

/** Trusted proxies (proxy-addr): off, a number of hops, or the proxies' addresses and subnets. */
export type TrustProxy = false | number | readonly string[];

/** The names proxy-addr gives to the reserved ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: unset for no proxy; a hop count (`1` behind one reverse proxy); or a comma-separated
 * list of proxy addresses, CIDR subnets and the names `loopback`, `linklocal`, `uniquelocal`.
 * `true` (trust every hop) is refused: anyone could then choose their address for the rate limits.
 */
export function trustProxy(env: Env, name: string): TrustProxy {
  const value = raw(env, name);
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new ConfigError(`${name} must be a hop count of at most 32, got ${hops}`);
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((part) => part.trim());
  for (const entry of entries) {
    if (!isProxyAddress(entry)) {
      throw new ConfigError(
        `${name} must be a hop count or a comma-separated list of proxy addresses, CIDR subnets, ` +
          `loopback, linklocal or uniquelocal, got "${entry}"`,
      );
    }
  }
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * WEBAUTHN_RP_ID: a domain name (WebAuthn Level 3 §5.1.2 `rp.id`, a valid domain string), lower
 * case, without scheme or port. Browsers refuse an IP address as an RP ID.
 */
export function webauthnRpId(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  if (isIP(value.replace(/^\[|\]$/g, '')) !== 0) {
    throw new ConfigError(
      `${name} must be a domain name: browsers refuse an IP address as a WebAuthn RP ID, got "${value}"`,
    );
  }
  if (
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
      value,
    )
  ) {
    throw new ConfigError(
      `${name} must be a lower-case domain name like "example.com", got "${value}"`,
    );
  }
  return value;
}

/**
 * Comma-separated `https:` origins (`https://cdn.example.com`), each bare (no path, no userinfo)
 * and in the form URL#origin writes it, without repeats: origins a page's Content-Security-Policy
 * may name (CONSENT_LOGO_ORIGINS).
 */
export function httpsOrigins(env: Env, name: string): string[] | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  const origins = value.split(',').map((part) => {
    const entry = part.trim();
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url === undefined || url.protocol !== 'https:' || url.origin !== entry) {
      throw new ConfigError(
        `${name} must list bare https origins like "https://cdn.example.com" (no path), got "${quotedUrl(entry)}"`,
      );
    }
    return entry;
  });
  return [...new Set(origins)];
}

/**
 * WEBAUTHN_ORIGINS: comma-separated origins (`https://app.example.com,https://example.com`) a
 * ceremony's clientDataJSON `origin` may be. https only, except on localhost, which browsers
 * treat as a secure context.
 */
export function webOrigins(env: Env, name: string): string[] | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  return value.split(',').map((part) => {
    const entry = part.trim();
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(
        `${name} must list origins like "https://example.com", got "${quotedUrl(entry)}"`,
      );
    }
    if (url.origin !== entry) {
      throw new ConfigError(
        `${name} must list bare origins (scheme, host, port; no path), got "${quotedUrl(entry)}"`,
      );
    }
    if (url.protocol !== 'https:' && url.hostname !== 'localhost') {
      throw new ConfigError(
        `${name} must list https origins (http only on localhost), got "${quotedUrl(entry)}"`,
      );
    }
    return entry;
  });
}
