import { ADMIN_CONSOLE_CLIENT_ID } from './admin-scopes';

/**
 * Prefix of every dynamically registered client_id (RFC 7591): the server chooses those ids, so
 * no configured client (`OAUTH_CLIENTS`, `proofgate-admin clients add`) may take one, in any case.
 */
export const DYNAMIC_CLIENT_ID_PREFIX = 'dcr_';

/**
 * Ids an operator gives: short, URL- and log-safe. Never a URL (no `:` or `/`), so never the id
 * of a client ID metadata document, which is the document's https URL.
 */
const OPERATOR_CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Why `clientId` cannot be an operator-registered client's id, or undefined when it can. */
export function operatorClientIdProblem(clientId: unknown): string | undefined {
  if (typeof clientId !== 'string' || !OPERATOR_CLIENT_ID.test(clientId)) {
    return 'must be 1-64 characters of [A-Za-z0-9._-]';
  }
  if (clientId.toLowerCase().startsWith(DYNAMIC_CLIENT_ID_PREFIX)) {
    return `must not start with "${DYNAMIC_CLIENT_ID_PREFIX}" (reserved for dynamically registered clients)`;
  }
  if (clientId.toLowerCase() === ADMIN_CONSOLE_CLIENT_ID) {
    return `must not be "${ADMIN_CONSOLE_CLIENT_ID}" (the admin console's own client, built in)`;
  }
  return undefined;
}

/**
 * Whether `clientId` is one an operator registered (`OAUTH_CLIENTS`, `proofgate-admin clients
 * add`), not one a client gave itself (RFC 7591's `dcr_…`, or a metadata document's URL): what
 * an operator vouches for may reach the internal network (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE,
 * CIBA_NOTIFICATION_ALLOW_PRIVATE).
 */
export function isOperatorClientId(clientId: string): boolean {
  return operatorClientIdProblem(clientId) === undefined;
}
