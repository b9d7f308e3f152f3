import type { Params } from '../../platform/http/single-params';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../clients/oauth-client';

/** One class per grant type; the token endpoint dispatches on `grant_type`. */
export abstract class GrantHandler {
  abstract readonly grantType: string;
  abstract handle(client: OAuthClient, params: Params): Promise<TokenResponse>;
}
