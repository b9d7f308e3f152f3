import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, BearerAuthGuard } from './bearer-auth.guard';

/** The protected resource both login models end at. */
@Controller('api')
@UseGuards(BearerAuthGuard)
export class MeController {
  @Get('me')
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
