/**
 * The authorization request parameters /authorize reads (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID
 * Connect Core §3.1.2.1, RFC 8707, RFC 9449 §10), besides `client_id`: what a pushed request
 * keeps, what a request object's claims are read for, and what a held request stores. Anything
 * else a request carries is ignored (RFC 6749 §3.1).
 */
export const AUTHORIZATION_PARAMETERS = [
  'response_type',
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
