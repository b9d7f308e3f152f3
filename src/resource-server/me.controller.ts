import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, BearerAuthGuard } from './bearer-auth.guard';
import { MeResponseDto } from './me-response.dto';

/** The protected resource every login model ends at. */
@ApiTags('api')
@ApiBearerAuth('bearer')
@Controller('api')
@UseGuards(BearerAuthGuard)
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'Who the bearer access token is for, from either login model' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiUnauthorizedResponse({ description: 'With WWW-Authenticate: Bearer', type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  me(@Req() request: AuthenticatedRequest): MeResponseDto {
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
