import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Clock } from '../../platform/clock/clock';
import { InvalidClient, InvalidRequest } from '../../platform/errors/protocol-error';
import { singleParams } from '../../platform/http/single-params';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { AppConfig } from '../../config/app-config';
import { ApiClientAuthenticatedForm } from '../../platform/openapi/api-decorators';
import {
  INTROSPECTION_SCHEMA,
  TOKEN_OPERATION_REQUEST_SCHEMA,
} from '../../platform/openapi/schemas';
import { ClientAuthenticator, readClientCredentials } from '../../clients/client-authenticator';
import { FoundToken, TokenLookup } from '../revocation/token-lookup.service';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer' | 'refresh_token';
      client_id: string;
      sub: string;
      scope: string;
      exp: number;
      iat: number;
      iss: string;
      aud?: string;
      jti?: string;
      auth_method: string;
    };

/** RFC 7662 token introspection, for confidential clients, about their own tokens. */
@RateLimit('token')
@ApiTags('oauth')
@Controller('introspect')
export class IntrospectionController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly lookup: TokenLookup,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'RFC 7662 introspection, for confidential clients about their own tokens',
    TOKEN_OPERATION_REQUEST_SCHEMA,
    INTROSPECTION_SCHEMA,
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async introspect(@Req() request: Request): Promise<IntrospectionResponse> {
    const params = singleParams(request.body);
    const client = await this.clients.authenticate(readClientCredentials(request, params));
    if (client.type !== 'confidential') {
      throw new InvalidClient('Introspection requires a confidential client');
    }
    if (params.token === undefined) throw new InvalidRequest('token is required');
    const found = await this.lookup.find(params.token, params.token_type_hint);
    return this.describe(found, client.clientId);
  }

  private describe(found: FoundToken | null, clientId: string): IntrospectionResponse {
    const now = this.clock.now();
    if (found?.type === 'access_token' && found.active && found.claims.client_id === clientId) {
      const c = found.claims;
      return {
        active: true,
        token_type: 'Bearer',
        client_id: c.client_id,
        sub: c.sub,
        scope: c.scope,
        exp: c.exp,
        iat: c.iat,
        iss: c.iss,
        aud: c.aud,
        jti: c.jti,
        auth_method: c.auth_method,
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
          iss: this.config.issuer,
          auth_method: grant.authMethod,
        };
      }
    }
    return { active: false };
  }
}
