import { Body, Controller, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { CsrfFormPost } from '../platform/http/csrf-form-post';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
} from '../platform/http/http-exchange';
import { LogoutFormDto } from './logout-form.dto';
import { LogoutService } from './logout.service';

@ApiTags('login')
@Controller('logout')
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @CsrfFormPost({
    summary: 'Sign out: ends the login session and clears its cookie (CSRF-protected)',
    body: LogoutFormDto,
  })
  @ApiResponse({ status: 303, description: 'Signed out; Location is return_to or /login' })
  async signOut(
    @Body() form: LogoutFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    // 303: the browser follows with a GET.
    redirect(req, res, 303, await this.logout.logout(form, { req, res: cookieWriter(res) }));
  }
}
