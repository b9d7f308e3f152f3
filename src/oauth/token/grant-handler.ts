import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../clients/oauth-client';
import type { ClientCharge } from '../client-budget';
import type { TokenRequestDto } from './token-request.dto';

/**
 * One class per grant type; the token endpoint dispatches on `grant_type`. A handler starts
 * `charge` as soon as its grant proves the client (a public client has no other proof), so the
 * charge runs alongside the rest of its work; the endpoint charges every success regardless.
 * `dpopJkt` is the key of the request's verified DPoP proof (RFC 9449), if it had one: the
 * tokens are bound to it.
 */
export abstract class GrantHandler {
  abstract readonly grantType: string;
  abstract handle(
    client: OAuthClient,
    request: TokenRequestDto,
    charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse>;
}
