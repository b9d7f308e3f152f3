import { Body, Controller, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { CsrfFormPost } from '../../platform/http/csrf-form-post';
import {
  type HttpRequest as Request,
  type HttpResponse as Response,
  redirect,
  sendHtml,
} from '../../platform/http/http-exchange';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { AUTHORIZE_PER_IP } from '../oauth.rate-limits';
import { ConsentDecisionService } from './consent-decision.service';
import { ConsentFormDto } from './consent-form.dto';
import { renderConsentDeniedPage } from '../consent/consent.page';
import { pageLocaleOf } from '../../platform/i18n/page-locale';

@RateLimit('closed', perIp(AUTHORIZE_PER_IP))
@ApiTags('oauth')
@Controller('consent')
export class ConsentController {
  constructor(private readonly decision: ConsentDecisionService) {}

  @CsrfFormPost({
    summary: 'The consent screen’s answer: Allow or Deny (CSRF-protected)',
    description:
      'Allow remembers the scopes for this user and client and goes back to the pending /authorize request, which then issues the code; Deny redirects to the client with `error=access_denied`, `state` and `iss` (for a client that registered itself: a page with that as a link, RFC 9700 §4.11.2).',
    body: ConsentFormDto,
    badRequest:
      'invalid_request: CSRF check failed, no registered client and redirect URI, or more than one login session cookie',
  })
  @ApiResponse({
    status: 303,
    description: 'Allow: the pending /authorize request; Deny: the client with access_denied',
  })
  @ApiResponse({
    status: 200,
    description: 'Deny, for a client that registered itself: a page linking back to it (HTML)',
  })
  async decide(
    @Body() form: ConsentFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const outcome = await this.decision.decide(form, req);
    // 303: the browser follows with a GET.
    if (outcome.kind === 'redirect') redirect(req, res, 303, outcome.location);
    else sendHtml(res, 200, renderConsentDeniedPage(outcome, pageLocaleOf(req, form.ui_locales)));
  }
}
