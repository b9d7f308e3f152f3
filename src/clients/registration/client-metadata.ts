import { parseClientScope, unknownScopes } from '../../protocol-rules/client-scope';
import {
  APPLICATION_TYPES,
  applicationTypeProblem,
  inferredApplicationType,
  redirectUriProblem,
  type ApplicationType,
} from '../../protocol-rules/redirect-uri';
import {
  idTokenAlgProblem,
  userinfoAlgProblem,
  type SigningAlg,
} from '../../protocol-rules/signing-algs';
import { InvalidClientMetadata, InvalidRedirectUri } from '../../platform/errors/protocol-error';
import { publicJwksProblem } from '../../protocol-rules/client-jwks';
import { requestObjectMetadataProblem } from '../../protocol-rules/request-object';
import { requestUrisProblem } from '../../protocol-rules/request-uris';
import { backchannelLogoutUriProblem } from '../../protocol-rules/backchannel-logout-uri';
import { cibaDelivery, type CibaDeliveryMode } from '../../protocol-rules/ciba-delivery';
import {
  type ClientJwks,
  type ClientLogoutMetadata,
  type OAuthClient,
  clientPageFields,
  logoutFields,
  requestObjectFields,
  signedResponseAlgFields,
} from '../oauth-client';
import {
  CLIENT_PAGE_URIS,
  clientPageUriProblem,
  type ClientPageUriField,
  type ClientPageUriName,
} from '../../protocol-rules/client-page-uri';
import { impersonatesService } from './client-name';
import {
  CIBA_GRANT_TYPE,
  defaultResponseTypes,
  grantTypesProblem,
  registrableGrantTypes,
  REGISTRABLE_RESPONSE_TYPES,
  type GrantTypeRules,
} from '../../protocol-rules/grant-types';

export { REGISTRABLE_RESPONSE_TYPES } from '../../protocol-rules/grant-types';

export const TOKEN_ENDPOINT_AUTH_METHOD_VALUES = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHOD_VALUES)[number];

/**
 * Bounds on what a client may register about itself, so that registration cannot be used to
 * park large data in the database or on the consent screen.
 */
export const CLIENT_METADATA_LIMITS = {
  redirectUris: 10,
  redirectUriLength: 2000,
  clientNameLength: 100,
} as const;

/** RFC 7591 §2 client metadata, as far as this server uses it; everything else is ignored. */
export interface ClientMetadata extends ClientLogoutMetadata {
  readonly redirectUris: string[];
  readonly clientName?: string;
  /** Absent when the client did not say (RFC 7591 §2 defaults differ per use). */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  readonly grantTypes: string[];
  readonly responseTypes: string[];
  /** OpenID Connect Registration §2 `application_type`, as sent or inferred (redirect-uri.ts). */
  readonly applicationType: ApplicationType;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens` (default false). */
  readonly dpopBoundAccessTokens?: true;
  /** RFC 9126 §6 `require_pushed_authorization_requests` (default false). */
  readonly requirePushedAuthorizationRequests?: true;
  /** `require_pkce` (default true): false for a confidential OpenID Connect client only. */
  readonly requirePkce?: false;
  /** RFC 7591 §2 `jwks` of a private_key_jwt client: public keys only. */
  readonly jwks?: ClientJwks;
  /** RFC 7591 §2 `jwks_uri` of a private_key_jwt client. */
  readonly jwksUri?: string;
  /**
   * OpenID Connect Registration §2 `id_token_signed_response_alg`, one of SIGNING_ALGS: as sent,
   * else the default §2 gives it, RS256.
   */
  readonly idTokenSignedResponseAlg: SigningAlg;
  /** OpenID Connect Registration §2 `userinfo_signed_response_alg` (absent: JSON at /userinfo). */
  readonly userinfoSignedResponseAlg?: SigningAlg;
  /** OpenID Connect Registration §2 `request_object_signing_alg` (keys needed). */
  readonly requestObjectSigningAlg?: OAuthClient['requestObjectSigningAlg'];
  /** RFC 9101 §10.5 `require_signed_request_object` (keys needed; default false). */
  readonly requireSignedRequestObject?: true;
  /** OpenID Connect Registration §2 `request_uris` (protocol-rules/request-uris.ts). */
  readonly requestUris?: string[];
  /** RFC 9396 §10 `authorization_details_types` (which the server supports: checked on register). */
  readonly authorizationDetailsTypes?: string[];
  /** CIBA Core 1.0 §4 `backchannel_token_delivery_mode`, for a client of the CIBA grant. */
  readonly backchannelTokenDeliveryMode?: CibaDeliveryMode;
  /** CIBA Core 1.0 §4 `backchannel_client_notification_endpoint`, of a ping client. */
  readonly backchannelClientNotificationEndpoint?: string;
  /** RFC 7591 §2 `logo_uri`, `policy_uri`, `tos_uri` (https; protocol-rules/client-page-uri.ts). */
  readonly logoUri?: string;
  readonly policyUri?: string;
  readonly tosUri?: string;
  /**
   * RFC 7591 §2 `scope` (normalised): the values this server grants of those asked; the others
   * are dropped (§3.2.1: the server may replace a value), and the answer says what was kept.
   */
  readonly scope?: string;
}

/** What a client is registered as, whoever registered it, from its metadata and auth method. */
export type RegisteredFields = Pick<
  OAuthClient,
  | 'type'
  | 'redirectUris'
  | 'grantTypes'
  | 'applicationType'
  | 'secretMethod'
  | 'dpopBoundAccessTokens'
  | 'requirePushedAuthorizationRequests'
  | 'requirePkce'
  | 'jwks'
  | 'jwksUri'
  | 'requestObjectSigningAlg'
  | 'requireSignedRequestObject'
  | 'requestUris'
  | 'idTokenSignedResponseAlg'
  | 'userinfoSignedResponseAlg'
  | 'authorizationDetailsTypes'
  | 'backchannelClientNotificationEndpoint'
  | 'scope'
  | ClientPageUriField
  | keyof ClientLogoutMetadata
>;

/**
 * The client that `metadata` (parsed by parseClientMetadata) registers, authenticating with
 * `method`: the same whether it came to POST /register (RFC 7591) or in a client ID metadata
 * document. Defaults stay absent (a false flag, require_pkce true, no keys).
 */
export function registeredFields(
  metadata: ClientMetadata,
  method: TokenEndpointAuthMethod,
): RegisteredFields {
  return {
    type: method === 'none' ? 'public' : 'confidential',
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    applicationType: metadata.applicationType,
    ...(method === 'client_secret_basic' || method === 'client_secret_post'
      ? { secretMethod: method }
      : {}),
    ...(metadata.dpopBoundAccessTokens ? { dpopBoundAccessTokens: true } : {}),
    ...(metadata.requirePushedAuthorizationRequests
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(metadata.requirePkce === false ? { requirePkce: false } : {}),
    ...(metadata.jwks ? { jwks: metadata.jwks } : {}),
    ...(metadata.jwksUri ? { jwksUri: metadata.jwksUri } : {}),
    ...requestObjectFields(metadata),
    ...signedResponseAlgFields(metadata),
    ...logoutFields(metadata),
    ...(metadata.authorizationDetailsTypes
      ? { authorizationDetailsTypes: [...metadata.authorizationDetailsTypes] }
      : {}),
    ...(metadata.backchannelClientNotificationEndpoint
      ? { backchannelClientNotificationEndpoint: metadata.backchannelClientNotificationEndpoint }
      : {}),
    ...clientPageFields(metadata),
    ...(metadata.scope === undefined ? {} : { scope: metadata.scope }),
  };
}

const MAX_JWKS_URI_LENGTH = 2000;

/**
 * RFC 7591 §2 `jwks` / `jwks_uri`: a private_key_jwt client registers exactly one of them (its
 * assertions are checked against those keys); any other client's are ignored, but a private key
 * is refused wherever it is sent: the server must never hold what signs for the client.
 */
function clientKeys(
  body: Record<string, unknown>,
  method: TokenEndpointAuthMethod | undefined,
): { jwks?: ClientJwks; jwksUri?: string } {
  const { jwks, jwks_uri: jwksUri } = body;
  if (jwks !== undefined) {
    const problem = publicJwksProblem(jwks);
    if (problem?.includes('private') || (problem && method === 'private_key_jwt')) {
      throw new InvalidClientMetadata(`jwks ${problem}`);
    }
  }
  if (method !== 'private_key_jwt') return {};
  if ((jwks === undefined) === (jwksUri === undefined)) {
    throw new InvalidClientMetadata(
      'A private_key_jwt client registers its public keys: exactly one of jwks and jwks_uri',
    );
  }
  if (jwks !== undefined) return { jwks: jwks as ClientJwks };
  if (
    typeof jwksUri !== 'string' ||
    jwksUri.length > MAX_JWKS_URI_LENGTH ||
    !URL.canParse(jwksUri) ||
    !['https:', 'http:'].includes(new URL(jwksUri).protocol) ||
    jwksUri.includes('#') ||
    new URL(jwksUri).username !== ''
  ) {
    throw new InvalidClientMetadata(
      `jwks_uri must be an https URL of at most ${MAX_JWKS_URI_LENGTH} characters, without fragment or userinfo`,
    );
  }
  return { jwksUri };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new InvalidClientMetadata(`${name} must be an array of strings`);
  }
  return value;
}

function subsetOf(name: string, values: string[], allowed: readonly string[]): string[] {
  const unsupported = values.find((value) => !allowed.includes(value));
  if (unsupported !== undefined) {
    throw new InvalidClientMetadata(`${name} may contain only ${allowed.join(', ')}`);
  }
  return [...new Set(values)];
}

/**
 * The redirect URIs (or, with `name` post_logout_redirect_uris, RP-Initiated Logout 1.0 §3.1,
 * "validated like redirect URIs"), checked one by one; whether the grants need any is
 * `grantTypesProblem`'s.
 */
function redirectUris(body: Record<string, unknown>, name = 'redirect_uris'): string[] {
  const uris = stringArray(body, name) ?? [];
  if (uris.length > CLIENT_METADATA_LIMITS.redirectUris) {
    throw new InvalidRedirectUri(
      `${name} may name at most ${CLIENT_METADATA_LIMITS.redirectUris} URIs`,
    );
  }
  uris.forEach((uri, index) => {
    if (uri.length > CLIENT_METADATA_LIMITS.redirectUriLength) {
      throw new InvalidRedirectUri(
        `${name}[${index}] is longer than ${CLIENT_METADATA_LIMITS.redirectUriLength} characters`,
      );
    }
    // The rules configured clients obey (RFC 9700 §2.1, RFC 8252 §7): never plain http elsewhere.
    const problem = redirectUriProblem(uri);
    if (problem) throw new InvalidRedirectUri(`${name}[${index}] ${problem}`);
  });
  return [...new Set(uris)];
}

/**
 * RP-Initiated Logout 1.0 §3.1 `post_logout_redirect_uris`, Back-Channel Logout 1.0 §2.2
 * `backchannel_logout_uri` and `backchannel_logout_session_required`.
 */
function logoutMetadata(
  body: Record<string, unknown>,
  allowPrivate: boolean,
): ClientLogoutMetadata {
  const postLogout = redirectUris(body, 'post_logout_redirect_uris');
  const uri = body.backchannel_logout_uri;
  if (uri !== undefined) {
    if (typeof uri !== 'string') {
      throw new InvalidClientMetadata('backchannel_logout_uri must be a string');
    }
    const problem = backchannelLogoutUriProblem(uri, { allowPrivate });
    if (problem) throw new InvalidClientMetadata(`backchannel_logout_uri ${problem}`);
  }
  const sessionRequired = flag(body, 'backchannel_logout_session_required');
  return {
    ...(postLogout.length ? { postLogoutRedirectUris: postLogout } : {}),
    ...(typeof uri === 'string' ? { backchannelLogoutUri: uri } : {}),
    ...(sessionRequired ? { backchannelLogoutSessionRequired: true } : {}),
  };
}

/**
 * OpenID Connect Registration §2 `application_type` (which the MCP authorization spec asks
 * clients to send), or the one inferred from the redirect URIs; each URI must suit it.
 */
function applicationType(
  body: Record<string, unknown>,
  uris: string[],
  loopbackHttpForWeb: boolean,
): ApplicationType {
  const sent = body.application_type;
  if (
    sent !== undefined &&
    (typeof sent !== 'string' || !(APPLICATION_TYPES as readonly string[]).includes(sent))
  ) {
    throw new InvalidClientMetadata(
      `application_type must be one of ${APPLICATION_TYPES.join(', ')}`,
    );
  }
  const type = (sent as ApplicationType | undefined) ?? inferredApplicationType(uris);
  uris.forEach((uri, index) => {
    const problem = applicationTypeProblem(uri, type, loopbackHttpForWeb);
    if (problem) throw new InvalidRedirectUri(`redirect_uris[${index}] ${problem}`);
  });
  return type;
}

function clientName(body: Record<string, unknown>): string | undefined {
  const name = body.client_name;
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new InvalidClientMetadata('client_name must be a string');
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > CLIENT_METADATA_LIMITS.clientNameLength) {
    throw new InvalidClientMetadata(
      `client_name must have 1 to ${CLIENT_METADATA_LIMITS.clientNameLength} characters`,
    );
  }
  // It is shown to users on the consent screen: no control or bidirectional-override characters.
  if (/[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    throw new InvalidClientMetadata('client_name must not contain control or format characters');
  }
  // A name is the client's own claim: it may not pass itself off as the service (client-name.ts).
  if (impersonatesService(trimmed)) {
    throw new InvalidClientMetadata(
      'client_name must not claim to be Proofgate, first-party or official (names are self-asserted)',
    );
  }
  return trimmed;
}

/** A UTF-16 code unit of a surrogate pair, found alone: no character, and not UTF-8 encodable. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The top-level metadata name whose name or value (at any depth) holds a lone surrogate. A JSON
 * text may write one as an escape (`"\ud800"`, RFC 8259 §8.2); it would be stored and shown as
 * U+FFFD, or fail in whatever next encodes it as UTF-8.
 */
function fieldWithLoneSurrogate(body: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(body)) {
    if (LONE_SURROGATE.test(name)) return 'a metadata name';
    const pending: unknown[] = [value];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (typeof next === 'string' && LONE_SURROGATE.test(next)) return name;
      if (typeof next === 'object' && next !== null) {
        for (const [key, child] of Object.entries(next)) {
          if (LONE_SURROGATE.test(key)) return name;
          pending.push(child);
        }
      }
    }
  }
  return undefined;
}

function flag(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidClientMetadata(`${name} must be true or false`);
  }
  return value === true;
}

function authMethod(body: Record<string, unknown>): TokenEndpointAuthMethod | undefined {
  const method = body.token_endpoint_auth_method;
  if (method === undefined) return undefined;
  if (
    typeof method !== 'string' ||
    !(TOKEN_ENDPOINT_AUTH_METHOD_VALUES as readonly string[]).includes(method)
  ) {
    throw new InvalidClientMetadata(
      `token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHOD_VALUES.join(', ')}`,
    );
  }
  return method as TokenEndpointAuthMethod;
}

/**
 * OpenID Connect Registration §2 `id_token_signed_response_alg`: an alg this server signs ID tokens
 * with (idTokenAlgProblem), by default RS256 as §2 says.
 */
function idTokenAlg(body: Record<string, unknown>): SigningAlg {
  const alg = body.id_token_signed_response_alg;
  if (alg === undefined) return 'RS256';
  const problem = idTokenAlgProblem(alg);
  if (problem !== undefined) throw new InvalidClientMetadata(problem);
  return alg as SigningAlg;
}

/**
 * RFC 7591 §2 `logo_uri`, `policy_uri`, `tos_uri`, those sent: each an https URL
 * (clientPageUriProblem), shown on the consent screen, never fetched by the server.
 */
function clientPages(body: Record<string, unknown>): Partial<Record<ClientPageUriField, string>> {
  const pages: Partial<Record<ClientPageUriField, string>> = {};
  for (const name of Object.keys(CLIENT_PAGE_URIS) as ClientPageUriName[]) {
    const uri = body[name];
    if (uri === undefined) continue;
    const problem = clientPageUriProblem(uri);
    if (problem) throw new InvalidClientMetadata(`${name} ${problem}`);
    pages[CLIENT_PAGE_URIS[name]] = uri as string;
  }
  return pages;
}

/** OpenID Connect Registration §2 `userinfo_signed_response_alg`, when sent: an alg we sign with. */
function userinfoAlg(body: Record<string, unknown>): SigningAlg | undefined {
  const alg = body.userinfo_signed_response_alg;
  if (alg === undefined) return undefined;
  const problem = userinfoAlgProblem(alg);
  if (problem !== undefined) throw new InvalidClientMetadata(problem);
  return alg as SigningAlg;
}

/**
 * Reads RFC 7591 §2 client metadata, from a registration request or a client ID metadata
 * document. Unknown metadata is ignored (§2: "the authorization server MUST ignore any client
 * metadata sent by the client that it does not understand"); a value this server cannot honour
 * is refused with the §3.2.2 error naming the field, never echoing its value.
 * `defaultAuthMethod` is what an absent token_endpoint_auth_method means where the metadata
 * comes from (RFC 7591: client_secret_basic; a metadata document: none): the grant types a
 * client may register depend on whether it authenticates, by `grantTypeRules` (the grants' own,
 * RegistrableGrantTypes; protocol-rules/grant-types.ts).
 * `production` refuses a web client's loopback http redirect URIs (a native app's stay allowed).
 * `privateLogoutUris` (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE; outside production by default) lets
 * `backchannel_logout_uri` use http on a loopback or private address.
 */
export function parseClientMetadata(
  body: unknown,
  defaultAuthMethod: TokenEndpointAuthMethod,
  {
    production,
    privateLogoutUris = !production,
    grantTypeRules,
    requirePkceByDefault = true,
    declaredScopes,
  }: {
    production: boolean;
    privateLogoutUris?: boolean;
    grantTypeRules: GrantTypeRules;
    /** The scopes of the APIs the operator declared (RESOURCE_SERVERS), which `scope` may name. */
    declaredScopes: ReadonlySet<string>;
    /**
     * The `require_pkce` of a confidential client whose metadata does not say
     * (REGISTRATION_REQUIRE_PKCE); a public client always uses PKCE.
     */
    requirePkceByDefault?: boolean;
  },
): ClientMetadata {
  if (!isObject(body)) throw new InvalidClientMetadata('Client metadata must be a JSON object');
  const malformed = fieldWithLoneSurrogate(body);
  if (malformed !== undefined) {
    throw new InvalidClientMetadata(
      `${malformed} is not well-formed Unicode (a lone surrogate): metadata must be valid UTF-8`,
    );
  }
  const idTokenSignedResponseAlg = idTokenAlg(body);
  const userinfoSignedResponseAlg = userinfoAlg(body);
  const uris = redirectUris(body);
  const appType = applicationType(body, uris, !production);
  const name = clientName(body);
  const pages = clientPages(body);
  const method = authMethod(body);
  // RFC 7591 §2: grant_types defaults to authorization_code, response_types to code (for a
  // client whose grants use the authorization endpoint; none otherwise).
  const grantTypes = subsetOf(
    'grant_types',
    stringArray(body, 'grant_types') ?? ['authorization_code'],
    registrableGrantTypes(grantTypeRules),
  );
  const responseTypes = subsetOf(
    'response_types',
    stringArray(body, 'response_types') ?? defaultResponseTypes(grantTypes, grantTypeRules),
    REGISTRABLE_RESPONSE_TYPES,
  );
  const keys = clientKeys(body, method);
  const requestObjects = requestObjectMetadata(
    body,
    keys.jwks !== undefined || keys.jwksUri !== undefined,
    !production,
  );
  const logout = logoutMetadata(body, privateLogoutUris);
  const ciba = cibaMetadata(body, grantTypes, !production);
  const detailsTypes = stringArray(body, 'authorization_details_types');
  if (detailsTypes !== undefined && detailsTypes.length > MAX_AUTHORIZATION_DETAILS_TYPES) {
    throw new InvalidClientMetadata(
      `authorization_details_types has more than ${MAX_AUTHORIZATION_DETAILS_TYPES} values`,
    );
  }
  const scope = registeredScope(body.scope, declaredScopes);
  const confidential = (method ?? defaultAuthMethod) !== 'none';
  const asked = body.require_pkce;
  if (asked !== undefined && typeof asked !== 'boolean') {
    throw new InvalidClientMetadata('require_pkce must be true or false');
  }
  const requirePkce = asked ?? (confidential ? requirePkceByDefault : true);
  // OAuth 2.1 §4.1.1, RFC 9700 §2.1.1: PKCE is what protects a public client's code.
  if (requirePkce === false && !confidential) {
    throw new InvalidClientMetadata(
      'require_pkce may be false only for a confidential client: a public client always uses PKCE',
    );
  }
  const inconsistent = grantTypesProblem(
    { grantTypes, confidential, redirectUris: uris, responseTypes },
    grantTypeRules,
  );
  if (inconsistent) {
    const text = `${inconsistent.field} ${inconsistent.problem}`;
    throw inconsistent.field === 'redirect_uris'
      ? new InvalidRedirectUri(text)
      : new InvalidClientMetadata(text);
  }
  return {
    idTokenSignedResponseAlg,
    ...(userinfoSignedResponseAlg === undefined ? {} : { userinfoSignedResponseAlg }),
    redirectUris: uris,
    ...(name !== undefined ? { clientName: name } : {}),
    ...pages,
    ...(method !== undefined ? { tokenEndpointAuthMethod: method } : {}),
    grantTypes,
    responseTypes,
    applicationType: appType,
    ...(flag(body, 'dpop_bound_access_tokens') ? { dpopBoundAccessTokens: true } : {}),
    ...(flag(body, 'require_pushed_authorization_requests')
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(requirePkce === false ? { requirePkce: false } : {}),
    ...keys,
    ...requestObjects,
    ...logout,
    ...(detailsTypes === undefined
      ? {}
      : { authorizationDetailsTypes: [...new Set(detailsTypes)] }),
    ...ciba,
    ...(scope === undefined ? {} : { scope }),
  };
}

/**
 * RFC 7591 §2 `scope` of a registration: the values this server grants, others dropped (§3.2.1);
 * none of them is `invalid_client_metadata`, as are a malformed value and an admin scope or `ssf`
 * (an operator's to give, never a registration's).
 */
function registeredScope(value: unknown, declared: ReadonlySet<string>): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseClientScope(value);
  if ('problem' in parsed) throw new InvalidClientMetadata(`scope ${parsed.problem}`);
  const unknown = unknownScopes(parsed.scope, declared);
  const kept = parsed.scope.split(' ').filter((item) => !unknown.includes(item));
  if (kept.length === 0) {
    throw new InvalidClientMetadata(
      'scope names no scope this server grants (scopes_supported, or those an API lists in its resource metadata)',
    );
  }
  return kept.join(' ');
}

/**
 * CIBA Core 1.0 §4 registration metadata: `backchannel_token_delivery_mode` `poll` (the default
 * when a client of the grant names none) or `ping` with its
 * `backchannel_client_notification_endpoint` (protocol-rules/ciba-delivery.ts; http on a
 * loopback or private address outside production only); push is refused.
 * `backchannel_user_code_parameter` may only be false (metadata says
 * `backchannel_user_code_parameter_supported: false`). A client without the grant keeps none.
 */
function cibaMetadata(
  body: Record<string, unknown>,
  grantTypes: readonly string[],
  allowPrivate: boolean,
): Pick<ClientMetadata, 'backchannelTokenDeliveryMode' | 'backchannelClientNotificationEndpoint'> {
  const { endpoint, problem } = cibaDelivery(
    {
      grantTypes,
      mode: body.backchannel_token_delivery_mode,
      endpoint: body.backchannel_client_notification_endpoint,
    },
    { allowPrivate },
  );
  if (problem) throw new InvalidClientMetadata(`${problem.field} ${problem.problem}`);
  if (flag(body, 'backchannel_user_code_parameter')) {
    throw new InvalidClientMetadata(
      'backchannel_user_code_parameter must be false: backchannel requests take no user code',
    );
  }
  if (!grantTypes.includes(CIBA_GRANT_TYPE)) return {};
  return endpoint === undefined
    ? { backchannelTokenDeliveryMode: 'poll' }
    : { backchannelTokenDeliveryMode: 'ping', backchannelClientNotificationEndpoint: endpoint };
}

/** RFC 9396 §10: a client names the few types it uses; more are refused rather than stored. */
const MAX_AUTHORIZATION_DETAILS_TYPES = 20;

/**
 * OpenID Connect Registration §2 `request_object_signing_alg` and RFC 9101 §10.5
 * `require_signed_request_object`: a client's request objects are verified with its registered
 * keys (protocol-rules/request-object.ts); `request_uris`: where it publishes those it passes by
 * reference (https; http outside production, `allowHttp`; protocol-rules/request-uris.ts).
 */
function requestObjectMetadata(
  body: Record<string, unknown>,
  hasKeys: boolean,
  allowHttp: boolean,
): Pick<ClientMetadata, 'requestObjectSigningAlg' | 'requireSignedRequestObject' | 'requestUris'> {
  const alg = body.request_object_signing_alg;
  const requireSigned = body.require_signed_request_object;
  const problem = requestObjectMetadataProblem(alg, requireSigned, hasKeys);
  if (problem) throw new InvalidClientMetadata(problem);
  const uris = body.request_uris;
  const urisProblem = uris === undefined ? undefined : requestUrisProblem(uris, { allowHttp });
  if (urisProblem) throw new InvalidClientMetadata(urisProblem);
  return {
    ...(alg !== undefined
      ? { requestObjectSigningAlg: alg as ClientMetadata['requestObjectSigningAlg'] }
      : {}),
    ...(requireSigned === true ? { requireSignedRequestObject: true } : {}),
    ...(Array.isArray(uris) && uris.length > 0
      ? { requestUris: [...new Set(uris as string[])] }
      : {}),
  };
}
