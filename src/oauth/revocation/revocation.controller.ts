import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Clock } from '../../platform/clock/clock';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { singleParams } from '../../platform/http/single-params';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { ApiClientAuthenticatedForm } from '../../platform/openapi/api-decorators';
import { TOKEN_OPERATION_REQUEST_SCHEMA } from '../../platform/openapi/schemas';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { ClientAuthenticator, readClientCredentials } from '../../clients/client-authenticator';
import { TokenLookup } from './token-lookup.service';

/** RFC 7009 token revocation. */
@RateLimit('token')
@ApiTags('oauth')
@Controller('revoke')
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly lookup: TokenLookup,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'RFC 7009 revocation: a refresh token ends its grant; an access token alone',
    TOKEN_OPERATION_REQUEST_SCHEMA,
    { type: 'object', properties: {} },
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Req() request: Request): Promise<Record<string, never>> {
    const params = singleParams(request.body);
    const client = await this.clients.authenticate(readClientCredentials(request, params));
    if (params.token === undefined) throw new InvalidRequest('token is required');

    const found = await this.lookup.find(params.token, params.token_type_hint);
    // §2.2: unknown tokens, and tokens of other clients, get the same 200 and stay untouched.
    if (found?.type === 'refresh_token' && found.record.clientId === client.clientId) {
      // Revoking a refresh token ends its grant: the family and its access tokens (§2.1).
      await this.grants.revoke(found.record.grantId, 'revoked_by_client', this.clock.now());
    } else if (found?.type === 'access_token' && found.claims.client_id === client.clientId) {
      await this.grants.revokeAccessToken(found.claims.gid, found.claims.jti);
    }
    return {};
  }
}
