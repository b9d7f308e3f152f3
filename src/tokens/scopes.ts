import { InvalidScope } from '../platform/errors/protocol-error';
import { ADMIN_SCOPES, isAdminScope, namesAdminScope } from '../protocol-rules/admin-scopes';
import { SSF_SCOPE } from '../protocol-rules/ssf';
import type { ResourceServer } from '../config/sections/resource-servers.config';

/** The scopes this server grants (protocol-rules/client-scope.ts, where a client's are checked). */
export { SUPPORTED_SCOPES } from '../protocol-rules/client-scope';
import { SUPPORTED_SCOPES } from '../protocol-rules/client-scope';
/** OpenID Connect Core §3.1.2.1: the scope that makes a request an OpenID Connect request. */
export const OPENID_SCOPE = 'openid';
/** OpenID Connect Core §5.4: the profile claims an account has (claims-request.ts). */
export const PROFILE_SCOPE = 'profile';
export const DEFAULT_SCOPE = PROFILE_SCOPE;
/** OpenID Connect Core §5.4: the account's address and that it is verified. */
export const EMAIL_SCOPE = 'email';
/** The names and date of birth, and `age_over_18` alone, an identity credential disclosed. */
export { AGE_SCOPE, IDENTITY_SCOPE } from '../protocol-rules/claims-request';
/**
 * OpenID Connect Core §11: asks for a refresh token. Refresh tokens are not gated on it: a
 * client registered for `refresh_token` gets them as before (what existing clients rely on).
 * It is accepted and advertised because the MCP authorization spec has clients ask for it when
 * `scopes_supported` lists it; it is dropped from the request of a client that will get no
 * refresh token (not registered for `refresh_token`), so the user is never asked for it in vain.
 */
export const OFFLINE_ACCESS_SCOPE = 'offline_access';
/** The scopes about the API and the user, i.e. all but offline_access (what RFC 9728 lists). */
export const RESOURCE_SCOPES: readonly string[] = SUPPORTED_SCOPES.filter(
  (scope) => scope !== OFFLINE_ACCESS_SCOPE,
);
/**
 * Managing the account itself (its passkeys and linked methods): granted to first-party clients
 * only, since a token with it can add a way into the account.
 */
export const ACCOUNT_SCOPE = 'account';

/** What the scope rules ask of the declared APIs (ResourceScopes): which one a scope belongs to. */
export interface ResourceScopeLookup {
  /** The API that declared `scope` (RESOURCE_SERVERS); undefined for any other scope. */
  serverOf(scope: string): ResourceServer | undefined;
}

/**
 * What a request's scope may hold beyond the server's own: the scopes of the APIs the operator
 * declared (RESOURCE_SERVERS), each only with its resource among those the tokens are for.
 */
export interface ResourceScopeContext {
  readonly lookup: ResourceScopeLookup;
  /** The resources (RFC 8707) the request's tokens are for. */
  readonly resources: readonly string[];
}

/**
 * RFC 6749 §3.3 scope syntax, against the supported set and, with `context`, the scopes the
 * request's resources declared; returns the normalised scope.
 */
export function checkScope(requested: string | undefined, context?: ResourceScopeContext): string {
  if (requested === undefined) return DEFAULT_SCOPE;
  const values = requested.split(' ');
  if (values.some((v) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(v))) {
    throw new InvalidScope('scope is malformed');
  }
  const unknown = values.filter((v) => !(SUPPORTED_SCOPES as readonly string[]).includes(v));
  if (unknown.some(namesAdminScope)) {
    // Issue #77: the admin API's scopes are never a user's to grant, whoever asks.
    throw new InvalidScope(
      `${unknown.filter(namesAdminScope).join(' ')}: the admin API's scopes are granted only to an admin client, for itself, by client_credentials`,
    ).because('admin_scope');
  }
  if (unknown.includes(SSF_SCOPE)) {
    // Issue #80: the transmitter's scope is a receiver client's own, never a user's to grant.
    throw new InvalidScope(
      `${SSF_SCOPE}: the Shared Signals scope is granted only to a receiver client, for itself, by client_credentials`,
    ).because('ssf_scope');
  }
  const undeclared = unknown.filter((value) => !declaredFor(value, context));
  if (undeclared.length > 0) {
    // The fix with the refusal: what may be asked for (scopes_supported, RFC 8414 §2).
    throw new InvalidScope(
      `Unsupported scope: ${undeclared.join(' ')} (supported: ${SUPPORTED_SCOPES.join(' ')})`,
    );
  }
  if (context !== undefined) refuseResourceWithoutScope(values, context);
  return [...new Set(values)].join(' ');
}

/**
 * Whether `value` is a scope an API declared and the request's resources name that API; an
 * `invalid_scope` naming the resource to ask with when they do not (a scope is for one API).
 */
function declaredFor(value: string, context: ResourceScopeContext | undefined): boolean {
  if (context === undefined) return false;
  const declared = context.lookup.serverOf(value);
  if (declared === undefined) return false;
  if (context.resources.includes(declared.resource)) return true;
  throw new InvalidScope(
    `${value} is a scope of ${declared.resource}: ask for it with resource=${declared.resource} (RFC 8707)`,
  ).because('resource_scope_without_resource');
}

/**
 * A request whose scopes are all APIs' own must ask one of each resource it names: a token for
 * a resource carries that resource's scopes alone (ResourceScopes.forAudience), and would carry
 * none. A scope of the server's own goes into every token.
 */
function refuseResourceWithoutScope(values: readonly string[], context: ResourceScopeContext) {
  const owners = values.map((value) => context.lookup.serverOf(value)?.resource);
  if (owners.includes(undefined)) return;
  const bare = context.resources.find((resource) => !owners.includes(resource));
  if (bare !== undefined) {
    throw new InvalidScope(
      `No scope asked for is for the resource ${bare}: ask for one of its scopes, or one of this server's`,
    );
  }
}

/**
 * What a client may ask for, as the operator (or its registration) said: its admin scopes (issue
 * #77), whether it is a Shared Signals receiver (issue #80), and its registered `scope`.
 */
export interface ClientScopeLimits {
  readonly adminScopes?: readonly string[];
  readonly ssfReceiver?: boolean;
  /** RFC 7591 §2 `scope` (normalised); absent: any scope the server grants. */
  readonly scope?: string;
}

/**
 * RFC 7591 §2 `scope`: "scope values that the client can use when requesting access tokens". A
 * client registered with one asks for those alone; `invalid_scope` names the others. The limit
 * leaves `offline_access` aside: whether a client gets refresh tokens is its grant types' to say.
 * `asked`: false when `scope` is the default the client did not ask for (RFC 6749 §3.3), which
 * it must then replace with a scope of its own.
 */
export function refuseOutsideClientScope(
  scope: string,
  registered: string | undefined,
  asked: boolean,
): void {
  if (registered === undefined) return;
  const allowed = registered.split(' ');
  const outside = scope
    .split(' ')
    .filter((value) => value !== OFFLINE_ACCESS_SCOPE && !allowed.includes(value));
  if (outside.length === 0) return;
  throw new InvalidScope(
    asked
      ? `${outside.join(' ')}: outside this client's registered scope (${registered})`
      : `Ask for a scope: this client's registered scope (${registered}) does not hold the default, ${scope}`,
  ).because('client_scope');
}

/**
 * The values of a granted `scope` a client may still be given: within its registered scope (RFC
 * 7591 §2) as it stands now, so that narrowing a client's scope narrows what its grants renew.
 * `offline_access` stays beside another value, as `refuseOutsideClientScope` leaves it; alone it
 * allows nothing, and the answer is empty.
 */
export function withinClientScope(scope: string, registered: string | undefined): string {
  if (registered === undefined) return scope;
  const allowed = registered.split(' ');
  const kept = scope
    .split(' ')
    .filter((value) => value === OFFLINE_ACCESS_SCOPE || allowed.includes(value));
  return kept.some((value) => value !== OFFLINE_ACCESS_SCOPE) ? kept.join(' ') : '';
}

/** `scope` (normalised) without `value`; the default scope when nothing else is left. */
export function withoutScope(scope: string, value: string): string {
  const rest = scope.split(' ').filter((item) => item !== value);
  return rest.length > 0 ? rest.join(' ') : DEFAULT_SCOPE;
}

/** Whether a granted (normalised) scope includes `value`. */
export function hasScope(scope: string, value: string): boolean {
  return scope.split(' ').includes(value);
}

/**
 * The scopes a client may be granted for itself (RFC 6749 §4.4, client_credentials): those about
 * the API, none about a user (`openid`, `profile`, `account` describe or manage a user, and the
 * client's own token names none). Also what such a client gets when it asks for no scope.
 */
export const CLIENT_SCOPES: readonly string[] = ['api'];

/**
 * RFC 6749 §3.3, §4.4.2: the scope of a client's own token, within CLIENT_SCOPES; all of them
 * when none is asked for. An admin client (issue #77) may also ask for the admin scopes the
 * operator gave it (`adminScopes`), alone: a token for the admin API is for nothing else. This is
 * the one place an admin scope is granted; every other grant checks `checkScope`, which refuses
 * them. A Shared Signals receiver (issue #80, `ssfReceiver`) may likewise ask for `ssf`, alone.
 * A client registered with a `scope` (RFC 7591 §2) asks within it.
 */
export function checkClientScope(
  requested: string | undefined,
  client: ClientScopeLimits = {},
  context?: ResourceScopeContext,
): string {
  if (requested === undefined) {
    const scope = CLIENT_SCOPES.join(' ');
    refuseOutsideClientScope(scope, client.scope, false);
    return scope;
  }
  const values = requested.split(' ');
  const admin = values.filter(namesAdminScope);
  if (admin.length > 0) return checkAdminScope(values, admin, client.adminScopes ?? []);
  if (values.includes(SSF_SCOPE)) return checkSsfScope(values, client.ssfReceiver === true);
  const scope = checkScope(requested, context);
  refuseOutsideClientScope(scope, client.scope, true);
  // An API's own scopes (RESOURCE_SERVERS) are the client's to ask for itself too.
  const beyond = scope
    .split(' ')
    .filter((value) => !CLIENT_SCOPES.includes(value) && !context?.lookup.serverOf(value));
  if (beyond.length > 0) {
    throw new InvalidScope(
      `The client may ask only for ${CLIENT_SCOPES.join(' ')} for itself; not ${beyond.join(' ')} (a user's scope)`,
    );
  }
  return scope;
}

/**
 * The scope of the admin console's authorization request (issue #77): admin scopes alone, one
 * or both, for a token of the admin API and nothing else. Who may have them is decided with the
 * sign-in (oauth/admin-console/console-admin-access.ts).
 */
export function checkConsoleScope(requested: string | undefined): string {
  const values = requested?.split(' ') ?? [];
  if (values.length === 0 || values.some((value) => !isAdminScope(value))) {
    throw new InvalidScope(
      `The admin console asks for admin scopes alone: ${ADMIN_SCOPES.join(', ')}, one or both`,
    ).because('admin_scope');
  }
  return [...new Set(values)].join(' ');
}

/** An admin client's token for the admin API: known admin scopes it was given, nothing else. */
function checkAdminScope(
  values: readonly string[],
  admin: readonly string[],
  given: readonly string[],
): string {
  const unknown = admin.filter((value) => !isAdminScope(value));
  if (unknown.length > 0) {
    throw new InvalidScope(
      `Unsupported scope: ${unknown.join(' ')} (the admin scopes are ${ADMIN_SCOPES.join(' ')})`,
    );
  }
  const refused = admin.filter((value) => !given.includes(value));
  if (refused.length > 0) {
    throw new InvalidScope(
      given.length === 0
        ? `${refused.join(' ')}: this client is not an admin client (the operator gives admin scopes with admin_scopes in OAUTH_CLIENTS or clients add --admin-scope)`
        : `${refused.join(' ')}: this admin client was given only ${given.join(' ')}`,
    ).because('admin_scope');
  }
  if (admin.length !== values.length) {
    throw new InvalidScope(
      'A token for the admin API carries admin scopes only: ask for the other scopes in a token of their own',
    );
  }
  return [...new Set(admin)].join(' ');
}

/** A receiver's token for the transmitter's stream management API: `ssf`, nothing else. */
function checkSsfScope(values: readonly string[], ssfReceiver: boolean): string {
  if (!ssfReceiver) {
    throw new InvalidScope(
      `${SSF_SCOPE}: this client is not a Shared Signals receiver (the operator marks one with ssf_receiver in OAUTH_CLIENTS or clients add --ssf-receiver)`,
    ).because('ssf_scope');
  }
  if (values.some((value) => value !== SSF_SCOPE)) {
    throw new InvalidScope(
      'A token for the Shared Signals transmitter carries the ssf scope only: ask for the other scopes in a token of their own',
    );
  }
  return SSF_SCOPE;
}
