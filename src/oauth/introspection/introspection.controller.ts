import { Body } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { InvalidClient, InvalidRequest } from '../../platform/errors/protocol-error';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { ServerConfig } from '../../config/sections/server.config';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import { FoundToken, TokenLookup } from '../revocation/token-lookup.service';
import { TokenOperationRequestDto } from '../revocation/token-operation-request.dto';
import { IntrospectionResponseDto } from './introspection-response.dto';

/**
 * RFC 7662 token introspection, for confidential clients, about their own tokens. The client's
 * budget is charged once its secret is checked; a public client is refused and charged nothing.
 */
@ClientEndpoint('introspect')
export class IntrospectionController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly lookup: TokenLookup,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
  ) {}

  @ClientFormPost({
    summary: 'RFC 7662 introspection, for confidential clients about their own tokens',
    response: IntrospectionResponseDto,
    formOnly: 'The introspection request',
  })
  async introspect(
    @Body() request: TokenOperationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<IntrospectionResponseDto> {
    const client = await this.clients.authenticate(
      presentedCredentials(authorization, request, callerAddress),
    );
    if (client.type !== 'confidential') {
      throw new InvalidClient('Introspection requires a confidential client');
    }
    // Proven by its secret: charged alongside the token's lookup.
    return this.budget.alongside(client.clientId, async () => {
      if (request.token === undefined) throw new InvalidRequest('token is required');
      const found = await this.lookup.find(request.token, request.token_type_hint);
      return this.describe(found, client.clientId);
    });
  }

  private describe(found: FoundToken | null, clientId: string): IntrospectionResponseDto {
    const now = this.clock.now();
    if (found?.type === 'access_token' && found.active && found.claims.client_id === clientId) {
      const c = found.claims;
      return {
        active: true,
        // RFC 9449 §6.2: a bound token is of type DPoP, and its `cnf` is told.
        token_type: c.cnf === undefined ? 'Bearer' : 'DPoP',
        ...(c.cnf === undefined ? {} : { cnf: c.cnf }),
        client_id: c.client_id,
        sub: c.sub,
        scope: c.scope,
        exp: c.exp,
        iat: c.iat,
        iss: c.iss,
        aud: c.aud,
        jti: c.jti,
        auth_method: c.auth_method,
        ...(c.auth_time === undefined ? {} : { auth_time: c.auth_time }),
        ...(c.acr === undefined ? {} : { acr: c.acr }),
        ...(c.act === undefined ? {} : { act: c.act }),
        // RFC 9396 §9.2: the details the token grants.
        ...(c.authorization_details === undefined
          ? {}
          : { authorization_details: c.authorization_details }),
        ...(c.approval === undefined ? {} : { approval: c.approval }),
      };
    }
    if (found?.type === 'refresh_token' && found.record.clientId === clientId) {
      const { record, grant } = found;
      const live =
        grant &&
        !grant.revokedAt &&
        !record.rotatedAt &&
        record.expiresAt.getTime() > now.getTime();
      if (live) {
        return {
          active: true,
          token_type: 'refresh_token',
          client_id: record.clientId,
          sub: grant.sub,
          scope: grant.scope,
          exp: Math.floor(record.expiresAt.getTime() / 1000),
          iat: Math.floor(record.createdAt.getTime() / 1000),
          iss: this.server.issuer,
          auth_method: grant.authMethod,
          ...(grant.authTime ? { auth_time: Math.floor(grant.authTime.getTime() / 1000) } : {}),
          ...(grant.acr === undefined ? {} : { acr: grant.acr }),
        };
      }
    }
    return { active: false };
  }
}
