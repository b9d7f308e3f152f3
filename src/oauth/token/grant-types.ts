import { DEVICE_CODE_GRANT_TYPE } from '../device/device-authorization';
import { JWT_BEARER_GRANT_TYPE } from './grants/jwt-bearer/check-assertion';

/**
 * The grant types the token endpoint has a handler for (one `GrantHandler` each). Its own file:
 * the request DTO, the metadata and the handlers all name them, and none of them each other.
 */
export const SUPPORTED_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  DEVICE_CODE_GRANT_TYPE,
  'client_credentials',
  // RFC 8693 §2.1.
  'urn:ietf:params:oauth:grant-type:token-exchange',
  // RFC 7523 §2.1.
  JWT_BEARER_GRANT_TYPE,
];

export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The grants of a client that registered none (one the operator configured without
 * `grantTypes`): the browser grants only. Every grant added later (client credentials, device
 * code, JWT bearer, token exchange) is opt-in: a client gets it only by registering it, so a new
 * grant never opens silently for the clients already there.
 */
export const DEFAULT_GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token'];
