import {
  DEFAULT_GRANT_TYPES,
  isConfidentialOnly,
  type GrantTypeRules,
} from '../../protocol-rules/grant-types';
import type { OAuthClient } from '../../clients/oauth-client';
import { UnauthorizedClient } from '../../platform/errors/protocol-error';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';

/**
 * The grants a client may use at /token: those it registered (RFC 7591 §2 `grant_types`, from
 * POST /register, its metadata document or the operator), else the browser grants
 * (`DEFAULT_GRANT_TYPES`): any other grant is opt-in.
 */
export function grantTypesOf(client: OAuthClient): readonly string[] {
  return client.grantTypes ?? DEFAULT_GRANT_TYPES;
}

/**
 * RFC 6749 §5.2: a client may use only the grant types it is registered for; and a grant only
 * for clients that authenticate (client credentials, §4.4; token exchange, whose `act` names the
 * client) never for a public one, even one whose record predates that rule (the grant's
 * `confidentialOnly` in `rules`).
 */
export function checkGrantType(
  client: OAuthClient,
  grantType: string,
  rules: GrantTypeRules,
): void {
  if (!grantTypesOf(client).includes(grantType)) {
    throw new UnauthorizedClient(
      `The client is not registered for the ${grantType} grant type`,
    ).because('grant_type_not_registered');
  }
  if (isConfidentialOnly(grantType, rules) && client.type !== 'confidential') {
    throw new UnauthorizedClient(
      `The ${grantType} grant is for confidential clients only: the client must authenticate`,
    ).because('public_client');
  }
}

/**
 * RFC 6749 §1.5, §5.1: a refresh token is issued only to a client that may redeem it; one not
 * registered for refresh_token gets the access token alone and signs the user in again.
 */
export function withRegisteredGrants(client: OAuthClient, response: TokenResponse): TokenResponse {
  if (grantTypesOf(client).includes('refresh_token')) return response;
  const withheld: TokenResponse = { ...response };
  delete withheld.refresh_token;
  return withheld;
}
