import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Clock } from '../../platform/clock/clock';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { ApiClientAuthenticatedForm } from '../../platform/openapi/api-decorators';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { presentedCredentials } from '../client-authentication.dto';
import { RevocationResponseDto } from './revocation-response.dto';
import { TokenLookup } from './token-lookup.service';
import { TokenOperationRequestDto } from './token-operation-request.dto';

/** RFC 7009 token revocation. */
@RateLimit('token', 'closed')
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
    RevocationResponseDto,
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(
    @Body() request: TokenOperationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
  ): Promise<RevocationResponseDto> {
    const client = await this.clients.authenticate(presentedCredentials(authorization, request));
    if (request.token === undefined) throw new InvalidRequest('token is required');

    const found = await this.lookup.find(request.token, request.token_type_hint);
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
