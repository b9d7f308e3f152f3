import { Body, Controller, Header, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
} from '../platform/http/http-exchange';
import { FORM } from '../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { LogoutFormDto } from './logout-form.dto';
import { LogoutService } from './logout.service';

@ApiTags('login')
@Controller('logout')
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @Post()
  @ApiOperation({
    summary: 'Sign out: ends the login session and clears its cookie (CSRF-protected)',
  })
  @ApiConsumes(FORM)
  @ApiBody({ type: LogoutFormDto })
  @ApiResponse({ status: 303, description: 'Signed out; Location is return_to or /login' })
  @ApiBadRequestResponse({
    description: 'invalid_request: CSRF check failed',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  async signOut(
    @Body() form: LogoutFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    // 303: the browser follows with a GET.
    redirect(req, res, 303, await this.logout.logout(form, { req, res: cookieWriter(res) }));
  }
}
