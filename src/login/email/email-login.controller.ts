import { Body, Controller, Get, Header, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { InvalidCode } from '../../email/email.errors';
import { EMAIL_CODES_PER_IP, EMAIL_VERIFY_PER_IP } from '../../email/email.rate-limits';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  cookieWriter,
  redirect,
  sendHtml,
  sendJson,
} from '../../platform/http/http-exchange';
import { ApiHtmlPage, FORM } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { EmailLoginErrorPages } from './email-login-error.filter';
import { EmailLoginRoute, SignedInAnswers } from './email-login-routes.decorator';
import {
  EmailLinkConfirmDto,
  EmailLinkQueryDto,
  EmailLoginStartDto,
  EmailLoginStartResponseDto,
  EmailLoginVerifyDto,
} from './email-login.dto';
import { renderEmailCodePage, renderEmailLinkPage } from './email-login.page';
import { pageLocaleOf } from '../../platform/i18n/page-locale';
import { EmailSessionLogin } from './email-session-login.service';

/** A browser posting the page's form without its script: it reads pages, not JSON. */
function wantsPage(req: HttpRequest): boolean {
  return acceptedType(req, ['json', 'html']) === 'html';
}

/**
 * Email sign-in on the login page. Each route answers a script (JSON, or no Accept) as POST
 * /login/siwe does, and a browser's plain form post with pages (the code form, a 303 to
 * return_to, a page saying what was refused).
 */
@ApiTags('login')
@UseFilters(EmailLoginErrorPages)
@Controller('login/email')
export class EmailLoginController {
  constructor(private readonly login: EmailSessionLogin) {}

  @Post('start')
  @EmailLoginRoute({
    limit: EMAIL_CODES_PER_IP,
    summary: 'Email a sign-in code and link to an address, for this browser',
    description:
      'Checks the login page CSRF token (bound to the pg_presession cookie), charges the address (RATE_LIMIT_EMAIL_CODES_PER_ADDRESS, 5 per 15 minutes), the browser and the IP, then queues a mail with an 8-digit code and a link, both valid 10 minutes in this browser only; a new request replaces this browser’s earlier code. The answer is the same whether or not an account has the address. JSON or a form; a browser’s form post gets the code page.',
  })
  @ApiConsumes('application/json', FORM)
  @ApiOkResponse({ type: EmailLoginStartResponseDto })
  @ApiBadRequestResponse({
    description: 'invalid_request: a malformed address, or a failed CSRF check',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({
    description:
      'too_many_requests with Retry-After: the address, the browser or the IP asked for too many codes; no mail is sent',
    type: ErrorResponseDto,
  })
  async start(
    @Body() body: EmailLoginStartDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const requested = await this.login.start(body, { req, res: cookieWriter(res) });
    const locale = pageLocaleOf(req.raw, body.ui_locales);
    if (wantsPage(req)) sendHtml(res, 200, renderEmailCodePage({ ...requested, locale }));
    else sendJson(res, 200, { sent: true } satisfies EmailLoginStartResponseDto);
  }

  @Post('verify')
  @EmailLoginRoute({
    limit: EMAIL_VERIFY_PER_IP,
    summary: 'Sign in with the emailed code: a login session, no tokens',
    description:
      'Checks the login page CSRF token, then redeems this browser’s code once: 5 wrong codes spend it. Every refused code gets the same answer (a code sent to another browser is a wrong code here, and costs that browser nothing). A new address creates an account (ACCOUNT_CREATIONS_PER_IP_PER_HOUR). Starts a login session (auth_method email, amr otp) and answers where to go next, as POST /login/siwe.',
  })
  @ApiConsumes('application/json', FORM)
  @SignedInAnswers('Logged in')
  @ApiBadRequestResponse({
    description: 'invalid_request: not 8 digits, or a failed CSRF check',
    type: ErrorResponseDto,
  })
  @ApiUnauthorizedResponse({
    description:
      'invalid_code: wrong, expired, used, spent by 5 wrong codes, or sent to another browser',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async verify(
    @Body() body: EmailLoginVerifyDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const http = { req, res: cookieWriter(res) };
    if (!wantsPage(req)) {
      sendJson(res, 200, await this.login.verify(body, http));
      return;
    }
    try {
      redirect(req, res, 303, (await this.login.verify(body, http)).redirect);
    } catch (error) {
      if (!(error instanceof InvalidCode)) throw error;
      // The code form again, saying why: the user may have mistyped a digit.
      const page = {
        ...this.login.codePage(http, body.return_to),
        error: 'email.error.invalid_code' as const,
        locale: pageLocaleOf(req.raw, body.ui_locales),
      };
      sendHtml(res, error.status, renderEmailCodePage(page));
    }
  }

  @Get('link')
  @EmailLoginRoute({
    limit: EMAIL_VERIFY_PER_IP,
    summary: 'The mail’s link: a page that confirms the sign-in from this browser',
    description:
      'Signs nobody in by itself (mail scanners open links): its form posts the token with this browser’s CSRF token to POST /login/email/link.',
  })
  @ApiHtmlPage('The confirmation page (form#email-link)')
  @ApiBadRequestResponse({
    description: 'invalid_request: not a link token',
    type: ErrorResponseDto,
  })
  @Header('Referrer-Policy', 'no-referrer')
  showLink(
    @Query() query: EmailLinkQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): void {
    const csrfToken = this.login.linkPage({ req, res: cookieWriter(res) });
    sendHtml(
      res,
      200,
      renderEmailLinkPage({
        csrfToken,
        token: query.token,
        locale: pageLocaleOf(req.raw, query.ui_locales),
      }),
    );
  }

  @Post('link')
  @EmailLoginRoute({
    limit: EMAIL_VERIFY_PER_IP,
    summary: 'Sign in with the mail’s link, confirmed from the browser that asked',
    description:
      'Checks the CSRF token, then redeems this browser’s code request by the link’s token (once, as a code would be), starts a login session and goes to the return_to the code was asked with.',
  })
  @ApiConsumes(FORM, 'application/json')
  @SignedInAnswers('Logged in (JSON)')
  @ApiBadRequestResponse({
    description: 'invalid_request: a failed CSRF check',
    type: ErrorResponseDto,
  })
  @ApiUnauthorizedResponse({
    description: 'invalid_code: expired, used, or asked for in another browser',
    type: ErrorResponseDto,
  })
  async confirmLink(
    @Body() body: EmailLinkConfirmDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const signedIn = await this.login.confirmLink(body, { req, res: cookieWriter(res) });
    if (wantsPage(req)) redirect(req, res, 303, signedIn.redirect);
    else sendJson(res, 200, signedIn);
  }
}
