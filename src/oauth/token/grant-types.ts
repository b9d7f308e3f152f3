/** RFC 8693 §2.1: the grant type of a token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The grants of a client that registered none (one the operator configured without
 * `grantTypes`): the browser grants only. Every grant added later (client credentials, device
 * code, JWT bearer, token exchange) is opt-in: a client gets it only by registering it, so a new
 * grant never opens silently for the clients already there.
 */
export const DEFAULT_GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token'];
