export type ClientType = 'confidential' | 'public';

/** A registered OAuth client as the service sees it; the secret exists only as a hash. */
export interface OAuthClient {
  clientId: string;
  type: ClientType;
  name: string;
  redirectUris: string[];
  secretHash?: string;
  /** RFC 8707 resources it may ask tokens for, besides the default audience (every client's). */
  resources?: string[];
  /**
   * Registered as the operator's own application: its users are not asked for consent. Every
   * other client gets the consent screen before its first code (and again for a wider scope).
   */
  firstParty?: boolean;
}

/** RFC 8414 token_endpoint_auth_methods_supported. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];
