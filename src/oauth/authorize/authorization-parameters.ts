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
] as const;

export type AuthorizationParameterName = (typeof AUTHORIZATION_PARAMETERS)[number];

/** An authorization request's parameters, as /authorize reads them. */
export type AuthorizationParameters = Partial<Record<AuthorizationParameterName, string>>;

/** The authorization parameters of `request`, without the absent ones. */
export function authorizationParametersOf(
  request: Partial<Record<AuthorizationParameterName, string | undefined>>,
): AuthorizationParameters {
  const parameters: AuthorizationParameters = {};
  for (const name of AUTHORIZATION_PARAMETERS) {
    const value = request[name];
    if (value !== undefined) parameters[name] = value;
  }
  return parameters;
}
