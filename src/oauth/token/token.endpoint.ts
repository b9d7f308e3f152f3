import { Injectable } from '@nestjs/common';
import { UnsupportedGrantType } from '../../platform/errors/protocol-error';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { presentedCredentials } from '../client-authentication.dto';
import { GrantHandler } from './grant-handler';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import type { TokenRequestDto } from './token-request.dto';

/** RFC 6749 §3.2: authenticate the client, then hand the request to its grant's handler. */
@Injectable()
export class TokenEndpoint {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
  ) {
    this.handlers = new Map([authorizationCode, refreshToken].map((h) => [h.grantType, h]));
  }

  async handle(
    request: TokenRequestDto,
    authorization: string | undefined,
  ): Promise<TokenResponse> {
    const handler = this.handlers.get(request.grant_type);
    const client = await this.clients.authenticate(presentedCredentials(authorization, request));
    if (!handler) {
      throw new UnsupportedGrantType(`Unsupported grant_type: ${request.grant_type.slice(0, 40)}`);
    }
    return handler.handle(client, request);
  }
}
