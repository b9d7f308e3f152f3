/**
 * The grant types the token endpoint has a handler for (one `GrantHandler` each). Its own file:
 * the request DTO, the metadata and the handlers all name them, and none of them each other.
 */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'];
