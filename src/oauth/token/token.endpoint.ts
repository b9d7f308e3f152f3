import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequest, UnsupportedGrantType } from '../../platform/errors/protocol-error';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { singleParams } from '../../platform/http/single-params';
import { DomainEvents } from '../../platform/events/domain-events';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ClientAuthenticator, readClientCredentials } from '../../clients/client-authenticator';
import { GrantHandler } from './grant-handler';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenRequestCompleted } from './token.events';

export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'];

/** RFC 6749 §3.2: authenticate the client, then hand the request to its grant's handler. */
@Injectable()
export class TokenEndpoint {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    private readonly events: DomainEvents,
  ) {
    this.handlers = new Map([authorizationCode, refreshToken].map((h) => [h.grantType, h]));
  }

  async handle(request: Request): Promise<TokenResponse> {
    const started = performance.now();
    const grantType = (request.body as Record<string, unknown> | undefined)?.grant_type;
    // Known grant types, else "other" (never the client's string).
    const label =
      typeof grantType === 'string' && SUPPORTED_GRANT_TYPES.includes(grantType)
        ? grantType
        : 'other';
    const done = (outcome: string) =>
      this.events.emit(
        new TokenRequestCompleted(label, outcome, (performance.now() - started) / 1000),
      );
    try {
      const response = await this.dispatch(request);
      done('success');
      return response;
    } catch (error) {
      done(error instanceof ProtocolError ? error.error : 'server_error');
      throw error;
    }
  }

  private async dispatch(request: Request): Promise<TokenResponse> {
    if (!request.is('application/x-www-form-urlencoded')) {
      throw new InvalidRequest('The token request must be application/x-www-form-urlencoded');
    }
    const params = singleParams(request.body);
    const grantType = params.grant_type;
    if (!grantType) throw new InvalidRequest('grant_type is required');
    const handler = this.handlers.get(grantType);
    const client = await this.clients.authenticate(readClientCredentials(request, params));
    if (!handler)
      throw new UnsupportedGrantType(`Unsupported grant_type: ${grantType.slice(0, 40)}`);
    return handler.handle(client, params);
  }
}
