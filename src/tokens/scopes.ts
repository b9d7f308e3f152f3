import { InvalidScope } from '../platform/errors/protocol-error';

/**
 * The scopes this server grants; `profile` when a client asks for none (RFC 6749 §3.3). No
 * `email`: no account has an address, so no token or ID token could ever carry one, and
 * advertising it (`scopes_supported`) promised what is never issued.
 */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'api', 'account'] as const;
/** OpenID Connect Core §3.1.2.1: the scope that makes a request an OpenID Connect request. */
export const OPENID_SCOPE = 'openid';
export const DEFAULT_SCOPE = 'profile';
/**
 * Managing the account itself (its passkeys and linked methods): granted to first-party clients
 * only, since a token with it can add a way into the account.
 */
export const ACCOUNT_SCOPE = 'account';

/** RFC 6749 §3.3 scope syntax, against the supported set; returns the normalised scope. */
export function checkScope(requested: string | undefined): string {
  if (requested === undefined) return DEFAULT_SCOPE;
  const values = requested.split(' ');
  if (values.some((v) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(v))) {
    throw new InvalidScope('scope is malformed');
  }
  const unknown = values.filter((v) => !(SUPPORTED_SCOPES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new InvalidScope(`Unsupported scope: ${unknown.join(' ')}`);
  return [...new Set(values)].join(' ');
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
 * when none is asked for.
 */
export function checkClientScope(requested: string | undefined): string {
  if (requested === undefined) return CLIENT_SCOPES.join(' ');
  const scope = checkScope(requested);
  const beyond = scope.split(' ').filter((value) => !CLIENT_SCOPES.includes(value));
  if (beyond.length > 0) {
    throw new InvalidScope(
      `The client may ask only for ${CLIENT_SCOPES.join(' ')} for itself; not ${beyond.join(' ')} (a user's scope)`,
    );
  }
  return scope;
}
