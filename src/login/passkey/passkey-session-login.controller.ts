import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
} from '../../platform/http/http-exchange';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { LOGIN_PER_IP } from '../login.rate-limits';
import { PageSignInResponseDto } from '../page-sign-in-response.dto';
import { PageSignInAnswers } from '../page-sign-in.decorator';
import { PasskeySessionLoginDto } from './passkey-session-login.dto';
import { PasskeySessionLoginService } from './passkey-session-login.service';
import { ASSERTION_REFUSALS } from '../../passkeys/passkey.errors';

/** The login page's "Sign in with a passkey" posts here (JSON, from /static/passkey-login.js). */
@ApiTags('login')
@Controller('login')
export class PasskeySessionLoginController {
  constructor(private readonly login: PasskeySessionLoginService) {}

  @Post('passkey')
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({
    summary: 'Sign in with a passkey on the login page: a login session, no tokens',
    description:
      'Verifies the assertion exactly as POST /passkeys/authentication/verify does (options from POST /passkeys/authentication/options), checks the login page CSRF token, starts a login session (auth_method passkey) for the passkey’s account and answers where to go next.',
  })
  @PageSignInAnswers({
    badRequest: 'invalid_request (including a failed CSRF check)',
    unauthorized: ASSERTION_REFUSALS,
  })
  signIn(
    @Body() body: PasskeySessionLoginDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PageSignInResponseDto> {
    return this.login.login(body, { req, res: cookieWriter(res) });
  }
}
