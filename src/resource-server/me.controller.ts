import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isFederatedSubject, isWorkloadSubject } from '../tokens/access-token';
import { ApiBearerProtected } from '../platform/openapi/api-decorators';
import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { InsufficientScope } from '../platform/errors/protocol-error';
import { inTokenScheme } from '../tokens/dpop/dpop.errors';
import { AuthenticatedRequest, BearerAuthGuard } from './bearer-auth.guard';
import { MeResponseDto } from './me-response.dto';
import { ServerConfig } from '../config/sections/server.config';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.controller';

/** The protected resource every login model ends at. */
@ApiTags('api')
@Controller('api')
@UseGuards(BearerAuthGuard)
export class MeController {
  constructor(private readonly server: ServerConfig) {}

  @Get('me')
  @ApiOperation({ summary: 'Who the bearer access token is for, from either login model' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiBearerProtected({
    unauthorized: 'With WWW-Authenticate: Bearer',
    forbidden:
      "insufficient_scope: a client's own token (client_credentials) names no user to describe",
  })
  @Header('Cache-Control', 'no-store')
  me(@Req() request: AuthenticatedRequest): MeResponseDto {
    const token = request.accessToken;
    const authMethod = token.auth_method;
    // RFC 9068 §5: a token whose `sub` is the client itself must not pass for a user's.
    if (authMethod === undefined) {
      const refusal = new InsufficientScope(
        isFederatedSubject(token.sub)
          ? 'The access token names a subject a trusted issuer vouched for (JWT-bearer grant), no account here'
          : isWorkloadSubject(token.sub)
            ? 'The access token names a workload a trusted issuer vouched for (JWT-bearer grant), no user'
            : 'The access token names no user: it was issued to the client itself (client_credentials)',
        undefined,
        protectedResourceMetadataUrl(this.server.issuer),
      );
      throw inTokenScheme(token, refusal);
    }
    return {
      sub: token.sub,
      auth_method: authMethod,
      client_id: token.client_id,
      scope: token.scope,
      iss: token.iss,
      exp: token.exp,
    };
  }
}
