import { Body, Controller, Query, Req, Res } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SessionService } from '../../sessions/session.service';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { clientAddress } from '../../platform/http/client-address';
import { CsrfFormPost } from '../../platform/http/csrf-form-post';
import { HtmlPageGet } from '../../platform/http/html-page-get';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
  sendHtml,
} from '../../platform/http/http-exchange';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { AUTHORIZE_PER_IP } from '../oauth.rate-limits';
import {
  DeviceVerificationFormDto,
  DeviceVerificationQueryDto,
} from './device-verification-form.dto';
import { type PageLocale, askedLocaleOf, pageLocaleOf } from '../../platform/i18n/page-locale';
import {
  renderDeviceCodePage,
  renderDeviceConfirmPage,
  renderDeviceDonePage,
} from './device-verification.page';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { DeviceVerificationService } from './device-verification.service';
import { signInFirst } from '../../sessions/sign-in-first';

/** The verification page's own path (RFC 8628 §3.2 `verification_uri`). */
const DEVICE_PAGE = '/device';

/**
 * To /login, and back to the device page after, with its user code. A language the device page
 * was asked in (`ui_locales`, of its query or its form) goes along to both.
 */
function loginFirst(userCode: string | undefined, locale: PageLocale | undefined): string {
  const query = userCode ? [`user_code=${encodeURIComponent(userCode)}`] : [];
  return signInFirst(DEVICE_PAGE, locale, query);
}

/**
 * RFC 8628 §3.3: the user's side of the device authorization grant, behind Proofgate's own login
 * (every method of the login page), as /authorize sends a signed-out user to /login and back.
 */
@RateLimit('closed', perIp(AUTHORIZE_PER_IP))
@ApiTags('oauth')
@Controller('device')
export class DeviceVerificationController {
  constructor(
    private readonly verification: DeviceVerificationService,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly resourceScopes: ResourceScopes,
  ) {}

  @HtmlPageGet({
    summary: 'The device verification page (RFC 8628 §3.3)',
    description:
      'A form with the `user_code` input, prefilled from `verification_uri_complete`; a signed-out user is sent to /login first and comes back here.',
    page: 'The code entry form (HTML), posted to POST /device',
  })
  @ApiFoundResponse({ description: 'To /login, and back here after it' })
  async page(
    @Query() query: DeviceVerificationQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const session = await this.sessions.current(req);
    if (!session) {
      redirect(req, res, 302, loginFirst(query.user_code, askedLocaleOf(req, query.ui_locales)));
      return;
    }
    sendHtml(
      res,
      200,
      renderDeviceCodePage({
        userCode: query.user_code ?? '',
        csrfToken: this.csrf.issue(req, cookieWriter(res)),
        signedInAs: session.sub,
        locale: pageLocaleOf(req, query.ui_locales),
      }),
    );
  }

  @CsrfFormPost({
    summary: 'The verification page’s answer: look a user code up, then confirm or deny it',
    description: `\`action=lookup\` (default) shows the client, its scopes and the code to compare; \`approve\` or \`deny\` answers it, once (CSRF-protected). At most RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT codes per signed-in account and RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK per network (an IPv4 /24, an IPv6 /64) in 10 minutes, counted before the lookup (429).`,
    body: DeviceVerificationFormDto,
    badRequest: 'HTML: the form again (unknown, expired or answered code); JSON: CSRF check failed',
  })
  @ApiResponse({ status: 200, description: 'The confirm page, or the answer (HTML)' })
  @ApiResponse({ status: 303, description: 'Signed out: to /login and back' })
  @ApiTooManyRequestsResponse({
    description:
      'More than RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT user codes from this account, or RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK from its network, in 10 minutes',
    type: ErrorResponseDto,
  })
  async submit(
    @Body() form: DeviceVerificationFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    // A cross-site form must not be able to confirm a device for the user.
    this.csrf.assertValid(req, form.csrf_token);
    const session = await this.sessions.currentOrRefuse(req);
    if (!session) {
      redirect(req, res, 303, loginFirst(form.user_code, askedLocaleOf(req, form.ui_locales)));
      return;
    }
    const outcome = await this.verification.submit(
      form.user_code,
      form.action ?? 'lookup',
      session,
      clientAddress(req),
    );
    const csrfToken = () => this.csrf.issue(req, cookieWriter(res));
    const locale = pageLocaleOf(req, form.ui_locales);
    switch (outcome.kind) {
      case 'form':
        sendHtml(
          res,
          400,
          renderDeviceCodePage({
            userCode: outcome.userCode,
            error: outcome.error,
            csrfToken: csrfToken(),
            signedInAs: session.sub,
            locale,
          }),
        );
        return;
      case 'confirm':
        sendHtml(
          res,
          200,
          renderDeviceConfirmPage({
            ...outcome,
            scopeWords: (scope) => this.resourceScopes.wordsOf(scope),
            csrfToken: csrfToken(),
            signedInAs: session.sub,
            locale,
          }),
        );
        return;
      case 'done':
        sendHtml(
          res,
          200,
          renderDeviceDonePage({
            decision: outcome.decision,
            ...(outcome.client ? { clientName: outcome.client.name } : {}),
            locale,
          }),
        );
    }
  }
}
