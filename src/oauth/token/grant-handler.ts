import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../clients/oauth-client';
import type { TokenRequestDto } from './token-request.dto';

/** The grant types the token endpoint has a handler for. */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'];

/** One class per grant type; the token endpoint dispatches on `grant_type`. */
export abstract class GrantHandler {
  abstract readonly grantType: string;
  abstract handle(client: OAuthClient, request: TokenRequestDto): Promise<TokenResponse>;
}
