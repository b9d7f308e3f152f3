import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
  sendHtml,
} from '../../platform/http/http-exchange';
import { CsrfFormPost } from '../../platform/http/csrf-form-post';
import { FORM } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { EndSessionConfirmDto } from './end-session-confirm.dto';
import { EndSessionErrorPages } from './end-session-error.filter';
import { EndSessionRequestDto } from './end-session-request.dto';
import { EndSessionService, type EndSessionOutcome } from './end-session.service';
import { LogoutFormDto } from './logout-form.dto';

function send(
  req: HttpRequest,
  res: HttpResponse,
  outcome: EndSessionOutcome,
  status: 302 | 303,
): void {
  if (outcome.kind === 'redirect') redirect(req, res, status, outcome.location);
  else sendHtml(res, 200, outcome.html);
}

/**
 * What an RP-initiated logout request is answered with besides its redirect and pages, GET or POST
 * alike: a refusal, as a page for a browser (EndSessionErrorPages); never cached.
 */
function EndSessionAnswers(badRequest: string) {
  return applyDecorators(
    ApiBadRequestResponse({ description: badRequest, type: ErrorResponseDto }),
    Header('Cache-Control', 'no-store'),
    UseFilters(EndSessionErrorPages),
  );
}

/**
 * Signing out: the pages' Sign out (POST /logout), and OpenID Connect RP-Initiated Logout 1.0 §2,
 * the end_session_endpoint (/end_session).
 */
@ApiTags('login')
@ApiProduces('text/html')
@Controller()
export class EndSessionController {
  constructor(private readonly endSession: EndSessionService) {}

  @CsrfFormPost({
    path: 'logout',
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
    redirect(req, res, 303, await this.endSession.logout(form, { req, res: cookieWriter(res) }));
  }

  @Get('end_session')
  @ApiOperation({
    summary:
      'RP-Initiated Logout: ends the login session the id_token_hint names, or asks the user first; back to a registered post_logout_redirect_uri with state',
  })
  @ApiResponse({
    status: 302,
    description:
      'Signed out; Location is post_logout_redirect_uri (only with a valid id_token_hint of that client)',
  })
  @ApiResponse({
    status: 200,
    description:
      'The confirmation page, or the signed-out page (with post_logout_redirect_uri as a link when no valid id_token_hint vouched for it)',
  })
  @EndSessionAnswers(
    'invalid_request: bad id_token_hint, unregistered post_logout_redirect_uri, …; a browser gets it as a page',
  )
  async get(
    @Query() query: EndSessionRequestDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    send(req, res, await this.endSession.request(query, { req, res: cookieWriter(res) }), 302);
  }

  @Post('end_session')
  @HttpCode(200)
  @ApiOperation({ summary: 'RP-Initiated Logout, the form-encoded POST (same parameters as GET)' })
  @ApiConsumes(FORM)
  @ApiBody({ type: EndSessionRequestDto })
  @ApiResponse({ status: 303, description: 'Signed out; Location is post_logout_redirect_uri' })
  @EndSessionAnswers('invalid_request; a browser gets it as a page')
  async post(
    @Body() form: EndSessionRequestDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    send(req, res, await this.endSession.request(form, { req, res: cookieWriter(res) }), 303);
  }

  @CsrfFormPost({
    path: 'end_session/confirm',
    summary: "The confirmation page's answer (CSRF-protected form)",
    body: EndSessionConfirmDto,
    badRequest: 'invalid_request: CSRF check failed, or the request is no longer valid',
  })
  @HttpCode(200)
  @ApiResponse({ status: 303, description: 'Signed out; Location is post_logout_redirect_uri' })
  async confirm(
    @Body() form: EndSessionConfirmDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    send(req, res, await this.endSession.confirm(form, { req, res: cookieWriter(res) }), 303);
  }
}
