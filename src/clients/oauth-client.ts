import type { AdminScope } from '../protocol-rules/admin-scopes';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import type { ClientProfile } from '../protocol-rules/client-profile';
import type { ApplicationType } from '../protocol-rules/redirect-uri';
import type { RequestObjectSigningAlg } from '../protocol-rules/request-object';
import type { ClientPageUriField } from '../protocol-rules/client-page-uri';
import type { ClientSecret } from './client-secrets';

export type ClientType = 'confidential' | 'public';

/**
 * What a client registered for logout (OpenID Connect RP-Initiated Logout 1.0 §3.1, Back-Channel
 * Logout 1.0 §2.2), whichever way it was registered.
 */
export interface ClientLogoutMetadata {
  /** Where /end_session may send the browser back to (exact string match). */
  postLogoutRedirectUris?: string[];
  /** Where logout tokens are POSTed when a login session the client got tokens in ends. */
  backchannelLogoutUri?: string;
  /** The client needs `sid` in its logout tokens (every logout token here carries one). */
  backchannelLogoutSessionRequired?: true;
}

/** The logout metadata of `from`, without its absent fields (for building an OAuthClient). */
export function logoutFields(from: {
  readonly postLogoutRedirectUris?: readonly string[];
  readonly backchannelLogoutUri?: string;
  readonly backchannelLogoutSessionRequired?: boolean;
}): ClientLogoutMetadata {
  return {
    ...(from.postLogoutRedirectUris?.length
      ? { postLogoutRedirectUris: [...from.postLogoutRedirectUris] }
      : {}),
    ...(from.backchannelLogoutUri ? { backchannelLogoutUri: from.backchannelLogoutUri } : {}),
    ...(from.backchannelLogoutSessionRequired ? { backchannelLogoutSessionRequired: true } : {}),
  };
}

/** A registered OAuth client as the service sees it; a secret exists only as a hash. */
export interface OAuthClient extends ClientLogoutMetadata {
  clientId: string;
  /**
   * A stored client's revision: one more at each change of its registration or keys (absent: 0,
   * as stored before revisions). The admin API's changes name the one they read (If-Match).
   */
  revision?: number;
  type: ClientType;
  name: string;
  redirectUris: string[];
  /**
   * A confidential client's secrets (client_secret_basic, client_secret_post), newest last: one,
   * or two while a rotation's overlap lasts (client-secrets.ts). Absent: public, or private_key_jwt.
   */
  secrets?: readonly ClientSecret[];
  /** RFC 8707 resources it may ask tokens for, besides the default audience (every client's). */
  resources?: string[];
  /**
   * Registered as the operator's own application: its users are not asked for consent. Every
   * other client gets the consent screen before its first code (and again for a wider scope).
   */
  firstParty?: boolean;
  /**
   * Registered from OAUTH_CLIENTS (set at every start for each entry). An instance whose
   * OAUTH_CLIENTS no longer names it treats it as unknown: taking an entry out of the
   * configuration ends the client, as it would if the configuration were the only copy.
   */
  configured?: true;
  /** RFC 7591: registered by the client itself at POST /register, at this time. */
  dynamicallyRegisteredAt?: Date;
  /**
   * RFC 7591 §3: its registration carried the operator's initial access token
   * (REGISTRATION_INITIAL_ACCESS_TOKEN), so whoever registered it holds a token the operator
   * gave out. Still a client that registered itself (its name and redirect URIs are its own), but
   * one the operator vouched for: see `sendsErrorsBack`.
   */
  registeredWithInitialAccessToken?: true;
  /**
   * A registered client is unknown from this time on (REGISTERED_CLIENT_UNUSED_TTL_HOURS after
   * registering, REGISTERED_CLIENT_IDLE_TTL_DAYS after its last token). Absent: never expires
   * (configured and operator-added clients).
   */
  expiresAt?: Date;
  /** When a token was last issued to it, recorded about once a day (registered clients only). */
  lastUsedAt?: Date;
  /**
   * The client_id is the URL of its metadata document (draft-ietf-oauth-client-id-metadata-document):
   * never stored, read from the document and cached.
   */
  metadataDocument?: true;
  /**
   * RFC 7591 §2 grant_types of a client that registered itself (POST /register or a metadata
   * document) or the operator gave. Absent: the browser grants only (see `grantTypesOf`); every
   * other grant must be registered.
   */
  grantTypes?: string[];
  /**
   * RFC 7591 §2 `token_endpoint_auth_method` of a confidential client that registered itself
   * with a secret (`client_secret_basic` unless it asked for `client_secret_post`): the one way
   * its secret is taken. Absent (an operator's client, or one registered before it was kept):
   * either way.
   */
  secretMethod?: SecretMethod;
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof, so
   * the client never gets a bearer token.
   */
  dpopBoundAccessTokens?: true;
  /** RFC 9126 §6 `require_pushed_authorization_requests`: /authorize only with a request_uri. */
  requirePushedAuthorizationRequests?: true;
  /**
   * `require_pkce: false`: a confidential client that may send an OpenID Connect authorization
   * request without PKCE, relying on `nonce` (RFC 9700 §2.1.1; the rules: oauth/pkce/check-pkce.ts).
   * Absent: PKCE is required, as it always is of a public client.
   */
  requirePkce?: false;
  /**
   * OpenID Connect Registration §2 `application_type` of a client that registered itself. A
   * `native` app may use any port on a registered loopback redirect (RFC 8252 §7.3). Absent
   * (configured and operator-added clients): a public client is treated as native there.
   */
  applicationType?: ApplicationType;
  /**
   * RFC 7523 §2.2 `private_key_jwt`: the client authenticates with assertions signed by one of
   * these public keys (RFC 7591 `jwks`), or of those published at `jwksUri` (never both). Such a
   * client is confidential and has no secret.
   */
  jwks?: ClientJwks;
  jwksUri?: string;
  /**
   * A client profile the operator gave it (`fapi2`: FAPI 2.0 Security Profile): rules held on
   * each of its requests, see protocol-rules/client-profile.ts. Operator clients only.
   */
  profile?: ClientProfile;
  /**
   * Issue #77: the admin API scopes (`admin:read`, `admin:write`) this client may get for itself
   * by client_credentials; only an operator gives them (OAUTH_CLIENTS `admin_scopes`, `clients
   * add --admin-scope`), never a client that registered itself. Absent: none.
   */
  adminScopes?: AdminScope[];
  /**
   * Issue #80: a Shared Signals receiver, which may get the `ssf` scope for itself by
   * client_credentials and manage its own streams; only an operator marks one (OAUTH_CLIENTS
   * `ssf_receiver`, `clients add --ssf-receiver`), never a client that registered itself.
   */
  ssfReceiver?: boolean;
  /**
   * RFC 7591 §2 `scope` (normalised, space-separated): the only scopes this client may ask for
   * (tokens/scopes.ts `refuseOutsideClientScope`), each this server's or a declared API's; a
   * narrowing reaches its grants at their next refresh. Absent: any scope the server grants.
   */
  scope?: string;
  /**
   * OpenID Connect Registration §2 `request_object_signing_alg`: every request object (RFC 9101)
   * of this client must be signed with this algorithm by one of its keys (`jwks` or `jwksUri`);
   * an unsigned one is refused.
   */
  requestObjectSigningAlg?: RequestObjectSigningAlg;
  /**
   * OpenID Connect Registration §2 `request_uris`: where its request objects may be fetched from
   * when it passes them by reference (Core §6.2, RFC 9101 §5.2), fragments aside; a `request_uri`
   * of another URL is refused (protocol-rules/request-uris.ts).
   */
  requestUris?: string[];
  /**
   * OpenID Connect Registration §2 `id_token_signed_response_alg`: the alg of this client's ID
   * tokens and logout tokens. Absent (a client the operator configured without one): the
   * access tokens' alg, TOKEN_SIGNING_ALG.
   */
  idTokenSignedResponseAlg?: SigningAlg;
  /**
   * OpenID Connect Registration §2 `userinfo_signed_response_alg`: /userinfo answers this client
   * with a JWT signed with this alg by the server's key for it (Core §5.3.2). Absent: JSON.
   */
  userinfoSignedResponseAlg?: SigningAlg;
  /**
   * RFC 9101 §10.5 `require_signed_request_object`: every authorization request of this client
   * is a signed request object (at /authorize or /par), with FAPI 2.0 Message Signing's `exp` and
   * `nbf` rules.
   */
  requireSignedRequestObject?: true;
  /**
   * RFC 9396 §10 `authorization_details_types`: the only types of authorization details this
   * client may ask for. Absent (configured clients): any type the server supports.
   */
  authorizationDetailsTypes?: string[];
  /**
   * CIBA Core 1.0 §4 `backchannel_client_notification_endpoint`: a client of the CIBA grant in
   * the ping mode, told here when the person answered (§10.2). Absent: the poll mode.
   */
  backchannelClientNotificationEndpoint?: string;
  /**
   * RFC 7591 §2 `logo_uri`: shown on the consent screen only when its origin is one the operator
   * allowed (CONSENT_LOGO_ORIGINS); never fetched by the server (protocol-rules/client-page-uri.ts).
   */
  logoUri?: string;
  /** RFC 7591 §2 `policy_uri`: the client's privacy policy, a link on the consent screen. */
  policyUri?: string;
  /** RFC 7591 §2 `tos_uri`: the client's terms of service, a link on the consent screen. */
  tosUri?: string;
}

/** The client's own pages (RFC 7591 §2), those it registered (for building an OAuthClient). */
export function clientPageFields(
  from: Partial<Record<ClientPageUriField, string>>,
): Partial<Pick<OAuthClient, ClientPageUriField>> {
  return {
    ...(from.logoUri ? { logoUri: from.logoUri } : {}),
    ...(from.policyUri ? { policyUri: from.policyUri } : {}),
    ...(from.tosUri ? { tosUri: from.tosUri } : {}),
  };
}

/**
 * The algs of `from`'s signed responses (its ID tokens', its UserInfo answers'), those it has (for
 * building an OAuthClient).
 */
export function signedResponseAlgFields(
  from: Pick<OAuthClient, 'idTokenSignedResponseAlg' | 'userinfoSignedResponseAlg'>,
): Pick<OAuthClient, 'idTokenSignedResponseAlg' | 'userinfoSignedResponseAlg'> {
  return {
    ...(from.idTokenSignedResponseAlg
      ? { idTokenSignedResponseAlg: from.idTokenSignedResponseAlg }
      : {}),
    ...(from.userinfoSignedResponseAlg
      ? { userinfoSignedResponseAlg: from.userinfoSignedResponseAlg }
      : {}),
  };
}

/** The request object settings of `from`, without its absent fields (for building an OAuthClient). */
export function requestObjectFields(from: {
  readonly requestObjectSigningAlg?: RequestObjectSigningAlg;
  readonly requireSignedRequestObject?: boolean;
  readonly requestUris?: readonly string[];
}): Pick<OAuthClient, 'requestObjectSigningAlg' | 'requireSignedRequestObject' | 'requestUris'> {
  return {
    ...(from.requestObjectSigningAlg
      ? { requestObjectSigningAlg: from.requestObjectSigningAlg }
      : {}),
    ...(from.requireSignedRequestObject ? { requireSignedRequestObject: true } : {}),
    ...(from.requestUris?.length ? { requestUris: [...from.requestUris] } : {}),
  };
}

/** A JWK Set of public keys (RFC 7517 §5), as registered: checked by `publicJwksProblem`. */
export interface ClientJwks {
  keys: Array<Record<string, unknown>>;
}

/** Whether the client authenticates with private_key_jwt (it has keys, not a secret). */
export function usesPrivateKeyJwt(client: Pick<OAuthClient, 'jwks' | 'jwksUri'>): boolean {
  return client.jwks !== undefined || client.jwksUri !== undefined;
}

/**
 * Whether the client registered itself (RFC 7591 `POST /register`, or a client ID metadata
 * document): nobody vouched for its name, its redirect URIs or its resources, and anyone can
 * make one (RFC 9700 §4.11.2: such a client's redirect URI may be a phishing site).
 */
export function isSelfRegistered(
  client: Pick<OAuthClient, 'dynamicallyRegisteredAt' | 'metadataDocument'>,
): boolean {
  return client.dynamicallyRegisteredAt !== undefined || client.metadataDocument === true;
}

/**
 * Whether the browser goes back to the client's registered redirect URI by itself with an
 * authorization error or a denial (RFC 6749 §4.1.2.1): for a client the operator registered, or
 * one registered with the operator's initial access token. One that registered itself openly (or
 * by a metadata document) gets a page with the way back as a link instead (RFC 9700 §4.11.2:
 * anyone could make its redirect URI a phishing site, then send a request that fails on purpose).
 */
export function sendsErrorsBack(
  client: Pick<
    OAuthClient,
    'dynamicallyRegisteredAt' | 'metadataDocument' | 'registeredWithInitialAccessToken'
  >,
): boolean {
  return !isSelfRegistered(client) || client.registeredWithInitialAccessToken === true;
}

/**
 * The client as a metric or span label: the id of a client the operator configured (a bounded
 * set), `registered` for one that registered itself (RFC 7591 or a metadata document URL), whose
 * ids anyone can multiply.
 */
export function clientLabel(client: OAuthClient): string {
  return isSelfRegistered(client) ? 'registered' : client.clientId;
}

/** RFC 6749 §2.3.1: the two ways a client sends its secret. */
export const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SecretMethod = (typeof SECRET_METHODS)[number];

/** RFC 8414 token_endpoint_auth_methods_supported: a secret either way, none, or a key. */
export const TOKEN_ENDPOINT_AUTH_METHODS = [...SECRET_METHODS, 'none', 'private_key_jwt'];

/** RFC 8414 `*_endpoint_auth_signing_alg_values_supported`: what a client assertion may use. */
export { CLIENT_ASSERTION_ALGS } from '../protocol-rules/client-jwks';

/**
 * Prefix of every dynamically registered client_id (RFC 7591), kept with the rules of configured
 * ids (protocol-rules/client-id.ts), which may not use it. RFC 9700 §4.15: a client must never hold
 * an identifier equal to a user's `sub`. The ids are random and server-chosen, and user names
 * may not start with this prefix (checkUsername); wallet subjects are CAIP-10 (`eip155:…`).
 */
export { DYNAMIC_CLIENT_ID_PREFIX } from '../protocol-rules/client-id';

/** Whether the client may still be used at `nowMs` (see `expiresAt`). */
export function isLive(client: OAuthClient, nowMs: number): boolean {
  return client.expiresAt === undefined || client.expiresAt.getTime() > nowMs;
}
