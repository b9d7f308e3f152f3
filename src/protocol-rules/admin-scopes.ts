import { type MachineClientRegistration, machinePrivilegeProblem } from './machine-privilege';
import { resourceMetadataUrl } from './resource-metadata';

/**
 * The admin API's scopes (issue #77): reading and changing what `proofgate-admin` manages. They
 * are never among the scopes a user's authorization may ask (`SUPPORTED_SCOPES`): only a client
 * the operator marked (`admin_scopes` in OAUTH_CLIENTS, `clients add --admin-scope`) gets them,
 * by client_credentials, for itself.
 */
export const ADMIN_SCOPES = ['admin:read', 'admin:write'] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

/** Reading: every GET of the admin API. */
export const ADMIN_READ: AdminScope = 'admin:read';
/** Changing: every POST, PATCH, PUT and DELETE of the admin API. */
export const ADMIN_WRITE: AdminScope = 'admin:write';

/** The prefix that names a scope of the admin API, known or not (`admin:anything`). */
const ADMIN_SCOPE_PREFIX = 'admin:';

export function isAdminScope(scope: string): scope is AdminScope {
  return (ADMIN_SCOPES as readonly string[]).includes(scope);
}

/** Whether a scope value is in the admin API's namespace (a known admin scope or a typo of one). */
export function namesAdminScope(scope: string): boolean {
  return scope.startsWith(ADMIN_SCOPE_PREFIX);
}

/** Path of the admin API under the issuer. */
export const ADMIN_API_PATH = '/admin/v1';

/**
 * The admin API's resource indicator (RFC 8707) and its tokens' `aud` (RFC 9068 §2.2): the
 * issuer's URL with `/admin/v1`. Not a setting: the admin API is served by the issuer itself, and
 * a token for it is never accepted by the service's other API (`ACCESS_TOKEN_AUDIENCE`), nor the
 * reverse.
 */
export function adminApiAudience(issuer: string): string {
  return `${issuer}${ADMIN_API_PATH}`;
}

/** RFC 9728 §3.1: the admin API's metadata URL, the resource's path suffixed (as `/ssf`'s). */
export function adminApiResourceMetadataUrl(issuer: string): string {
  return resourceMetadataUrl(issuer, ADMIN_API_PATH);
}

/**
 * What is wrong with an operator's `admin_scopes` (OAUTH_CLIENTS, `clients add --admin-scope`),
 * or undefined: known admin scopes, on a confidential client registered for client_credentials
 * (the only way a token with them is issued).
 */
export function adminScopesProblem(
  scopes: unknown,
  client: MachineClientRegistration,
): string | undefined {
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    return 'must be an array of strings';
  }
  const unknown = scopes.filter((scope) => !isAdminScope(scope));
  if (unknown.length > 0) {
    return `names ${unknown.map((scope) => `"${scope}"`).join(', ')}: the admin scopes are ${ADMIN_SCOPES.join(', ')}`;
  }
  if (scopes.length === 0) return undefined;
  return machinePrivilegeProblem(client, {
    publicClient:
      'are for a confidential client (a secret or private_key_jwt): a public client never gets them',
    noClientCredentials:
      'need grant_types with client_credentials: admin tokens are issued by that grant only',
  });
}

/**
 * The admin console's client (issue #77): a first-party public client the service defines and
 * registers itself (src/clients/admin-console-client.ts), the only client that may get admin
 * scopes for a person: an operator's account, signed in with a passkey moments before. Never an
 * id an operator, a configuration or a registration may take (operatorClientIdProblem).
 */
export const ADMIN_CONSOLE_CLIENT_ID = 'proofgate-console';

/** Where the console is served, and its one redirect URI under the issuer. */
export const ADMIN_CONSOLE_PATH = '/admin/';

export function adminConsoleRedirectUri(issuer: string): string {
  return `${issuer}${ADMIN_CONSOLE_PATH}`;
}
