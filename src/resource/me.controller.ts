import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ERROR_SCHEMA, ME_SCHEMA } from '../platform/openapi/schemas';
import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, BearerAuthGuard } from './bearer-auth.guard';

/** The protected resource both login models end at. */
@ApiTags('api')
@ApiBearerAuth('bearer')
@Controller('api')
@UseGuards(BearerAuthGuard)
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'Who the bearer access token is for, from either login model' })
  @ApiOkResponse({ schema: ME_SCHEMA })
  @ApiUnauthorizedResponse({ description: 'With WWW-Authenticate: Bearer', schema: ERROR_SCHEMA })
  @Header('Cache-Control', 'no-store')
  me(@Req() request: AuthenticatedRequest) {
    const token = request.accessToken;
    return {
      sub: token.sub,
      auth_method: token.auth_method,
      client_id: token.client_id,
      scope: token.scope,
      iss: token.iss,
      exp: token.exp,
    };
  }
}
