import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  cookieWriter,
  redirect,
  sendHtml,
  sendJson,
} from '../../platform/http/http-exchange';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { AUTHORIZE_PER_IP } from '../oauth.rate-limits';
import { SessionService } from '../../login/session.service';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { renderConsentPage } from '../consent/consent.page';
import { isSelfRegistered } from '../../clients/oauth-client';
import { renderErrorPage } from './error-page';
import { AuthorizationEndpoint } from './authorization.endpoint';
import { AuthorizationRequestDto } from './authorization-request.dto';
import { ApiHtmlPage } from '../../platform/openapi/api-decorators';

@RateLimit('closed', perIp(AUTHORIZE_PER_IP))
@ApiTags('oauth')
@Controller('authorize')
export class AuthorizeController {
  constructor(
    private readonly endpoint: AuthorizationEndpoint,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, S256 only)',
    description:
      'Redirects to the client with `code`, `state` and `iss` (RFC 9207), or with `error`; sends an unauthenticated user to /login first, and shows the consent screen (200, HTML) for a client that is not first-party until the user has allowed the requested scopes. An unknown client or unregistered redirect URI gets a 400 page, never a redirect.',
  })
  @ApiFoundResponse({ description: 'Redirect to the client, or to /login' })
  @ApiHtmlPage('The consent screen (HTML): Allow / Deny, posted to /consent')
  @ApiBadRequestResponse({
    description: 'HTML page (or this JSON with Accept: application/json)',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({
    description: 'More than RATE_LIMIT_AUTHORIZE_PER_IP requests per minute from this IP',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  async authorize(
    @Query() query: AuthorizationRequestDto,
    // The login session cookie, content negotiation and the URL to come back to after login.
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    // Several session cookies count as signed out (SessionService.current): the user is sent to
    // /login, whose new session replaces this host's cookie and clears a stale `pg_session`, as
    // for an expired session. An error page instead would strand a user whose browser merely
    // kept the cookie of an earlier version, and could never sign anyone in as the attacker.
    const session = await this.sessions.current(request);
    const outcome = await this.endpoint.handle(query, session, request.url, {
      presession: this.csrf.browserSession(request),
      startPresession: () => this.csrf.startBrowserSession(request, cookieWriter(response)),
    });
    switch (outcome.kind) {
      case 'error_page':
        if (acceptedType(request, ['html', 'json']) === 'json') {
          sendJson(response, outcome.error.status, {
            error: outcome.error.error,
            error_description: outcome.error.description,
          });
        } else {
          sendHtml(response, outcome.error.status, renderErrorPage(outcome.error, outcome.back));
        }
        return;
      case 'consent':
        sendHtml(
          response,
          200,
          renderConsentPage({
            clientName: outcome.client.name,
            clientId: outcome.client.clientId,
            selfAsserted: isSelfRegistered(outcome.client),
            scopes: outcome.scope
              .split(' ')
              .filter((value) => !outcome.alreadyAllowed.includes(value)),
            alreadyAllowed: outcome.alreadyAllowed,
            resources: outcome.resources,
            signedInAs: outcome.session.sub,
            returnTo: outcome.returnTo,
            csrfToken: this.csrf.issue(request, cookieWriter(response)),
          }),
        );
        return;
      case 'login':
      case 'redirect':
        redirect(request, response, 302, outcome.location);
    }
  }
}
