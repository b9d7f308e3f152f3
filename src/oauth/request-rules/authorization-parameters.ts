/**
 * The authorization request parameters /authorize reads (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID
 * Connect Core §3.1.2.1, RFC 8707, RFC 9449 §10), besides `client_id`: what a pushed request
 * keeps, what a request object's claims are read for, and what a held request stores. Anything
 * else a request carries is ignored (RFC 6749 §3.1).
 */
export const AUTHORIZATION_PARAMETERS = [
  'response_type',
  'response_mode',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'resource',
  'dpop_jkt',
  'prompt',
  'max_age',
  'acr_values',
  'claims',
  'authorization_details',
  'ui_locales',
] as const;

export type AuthorizationParameterName = (typeof AUTHORIZATION_PARAMETERS)[number];

/** The parameters that are text, once: every one but `resource`. */
export type TextParameterName = Exclude<AuthorizationParameterName, 'resource'>;

/**
 * An authorization request's parameters, as /authorize reads them: text, but for `resource`,
 * which may be repeated (RFC 8707 §2) and is the list of its values.
 */
export type AuthorizationParameters = Partial<Record<TextParameterName, string>> & {
  resource?: string[];
};

/**
 * The authorization parameters of `request`, without the absent ones. A `resource` given as one
 * string (a request pushed or held before it could be repeated) is read as a list of one.
 */
export function authorizationParametersOf(
  request: Partial<Record<TextParameterName, string | undefined>> & {
    resource?: string | readonly string[] | undefined;
  },
): AuthorizationParameters {
  const parameters: AuthorizationParameters = {};
  for (const name of AUTHORIZATION_PARAMETERS) {
    if (name === 'resource') continue;
    const value = request[name];
    if (value !== undefined) parameters[name] = value;
  }
  const { resource } = request;
  if (resource !== undefined) {
    parameters.resource = typeof resource === 'string' ? [resource] : [...resource];
  }
  return parameters;
}

/**
 * A `nonce` longer than this is refused. OpenID Connect sets no limit; it is stored with the code
 * and signed into the ID token, so it is bounded like any other stored request value. 512 is far
 * above what clients send (a hash or 32 random bytes, base64url: 43 characters).
 */
export const MAX_NONCE_LENGTH = 512;

/**
 * The /authorize parameter Proofgate adds to the request it sends the user to sign in for, when
 * that request asked for a fresh sign-in (`prompt=login`, `max_age`): the key of a sign-in marker
 * kept in the challenge store. Only this server mints it; clients never send it.
 */
export const SIGN_IN_MARKER_PARAM = 'pg_signin';

/**
 * The /authorize parameter of the way back to a held request (see HeldAuthorizationRequests):
 * its key in the challenge store. Only this server sets it; clients never send it.
 */
export const HELD_REQUEST_PARAM = 'pg_request';
