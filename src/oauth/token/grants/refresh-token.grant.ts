import { Injectable } from '@nestjs/common';
import { InvalidRequest } from '../../../platform/errors/protocol-error';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import { OAuthClient } from '../../../clients/oauth-client';
import type { ClientCharge } from '../../client-budget';
import { EXAMPLE } from '../../oauth.examples';
import { type GrantEntry, GrantHandler, type TokenRequest, grantParameter } from '../grant';

const PARAMETERS = {
  refresh_token: grantParameter({
    description: 'refresh_token: the refresh token (rotated on every use)',
    example: EXAMPLE.refreshToken,
  }),
};

/** RFC 6749 §6, with rotation on every use (OAuth 2.1 §4.3.1). */
@Injectable()
export class RefreshTokenGrant extends GrantHandler<typeof PARAMETERS> {
  constructor(private readonly issuer: GrantTokenIssuer) {
    super();
  }

  /**
   * The rotation is both the proof (the refresh token is the client's and current) and the last
   * database write, so a public client's charge (started by the endpoint on success) follows it:
   * the one token request that costs a round trip more, as nothing else proves a public client.
   */
  handle(
    client: OAuthClient,
    request: TokenRequest<typeof PARAMETERS>,
    _charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    const refreshToken = request.refresh_token;
    if (refreshToken === undefined) throw new InvalidRequest('refresh_token is required');
    return this.issuer.refresh(
      client.clientId,
      refreshToken,
      { scope: request.scope, resource: request.resource },
      // RFC 9449 §5: a public client's refresh tokens are bound to the key of its proof.
      dpopJkt === undefined ? undefined : { jkt: dpopJkt, bindRefresh: client.type === 'public' },
      client.scope,
    );
  }
}

export const REFRESH_TOKEN_GRANT: GrantEntry<'refresh_token', typeof PARAMETERS> = {
  type: 'refresh_token',
  parameters: PARAMETERS,
  advertised: true,
  registration: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: false,
  },
  handler: RefreshTokenGrant,
};
