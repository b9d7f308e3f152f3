import {
  Body,
  Controller,
  Get,
  Header,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiFoundResponse,
  ApiSeeOtherResponse,
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
import { SessionService } from '../../sessions/session.service';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { consentPageLinks, renderConsentPage } from '../consent/consent.page';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { OAuthConfig } from '../../config/sections/oauth.config';
import { contentSecurityPolicyWithImagesFrom } from '../../platform/http/security-headers';
import { isSelfRegistered } from '../../clients/oauth-client';
import { renderErrorPage } from './error-page';
import { pageLocaleOf } from '../../platform/i18n/page-locale';
import { AuthorizationEndpoint, type RequestArrival } from './authorization.endpoint';
import { AuthorizationRequestDto } from '../request-rules/authorization-request.dto';
import { ApiHtmlPage, FORM } from '../../platform/openapi/api-decorators';
import { RequireContentType } from '../../platform/http/require-content-type.guard';

/**
 * What an authorization request is answered with besides its redirects, GET or POST alike: never
 * cached.
 */
function AuthorizationAnswers() {
  return applyDecorators(
    Header('Cache-Control', 'no-store'),
    ApiHtmlPage('The consent screen (HTML): Allow / Deny, posted to /consent'),
    ApiBadRequestResponse({
      description: 'HTML page (or this JSON with Accept: application/json)',
      type: ErrorResponseDto,
    }),
    ApiTooManyRequestsResponse({
      description: 'More than RATE_LIMIT_AUTHORIZE_PER_IP requests per minute from this IP',
      type: ErrorResponseDto,
    }),
  );
}

@RateLimit('closed', perIp(AUTHORIZE_PER_IP))
@ApiTags('oauth')
@Controller('authorize')
export class AuthorizeController {
  constructor(
    private readonly endpoint: AuthorizationEndpoint,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly oauth: OAuthConfig,
    private readonly resourceScopes: ResourceScopes,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, S256 only)',
    description:
      'Redirects to the client with `code`, `state` and `iss` (RFC 9207), or with `error`; sends an unauthenticated user to /login first, and shows the consent screen (200, HTML) for a client that is not first-party until the user has allowed the requested scopes. An unknown client or unregistered redirect URI gets a 400 page, never a redirect.',
  })
  @ApiFoundResponse({ description: 'Redirect to the client, or to /login' })
  @AuthorizationAnswers()
  async authorize(
    @Query() query: AuthorizationRequestDto,
    // The login session cookie, content negotiation and the URL to come back to after login.
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.answer(query, { method: 'GET', url: request.url }, request, response);
  }

  @Post()
  @ApiOperation({
    summary: 'Authorization request as a form post (OpenID Connect Core §3.1.2.1)',
    description:
      'The same request as GET /authorize, form-serialized in the body, with the same checks and answers (303 where GET answers 302). Not CSRF-protected: a form post from the client’s page is the request itself. A post without the session cookie (a cross-site form post carries no SameSite=Lax cookie) is answered with a 303 to a GET of the request, which carries the session: the request is held server-side, and the way back from the login and consent pages is GET /authorize?client_id=…&pg_request=….',
  })
  @ApiConsumes(FORM)
  @ApiBody({ type: AuthorizationRequestDto })
  @ApiSeeOtherResponse({ description: 'Redirect to the client, to /login, or to the held request' })
  @AuthorizationAnswers()
  @UseGuards(
    new RequireContentType(
      FORM,
      'An authorization request sent by POST must be application/x-www-form-urlencoded (OpenID Connect Core §3.1.2.1)',
    ),
  )
  async authorizeByPost(
    @Body() form: AuthorizationRequestDto,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.answer(form, { method: 'POST', url: asGet(form) }, request, response);
  }

  private async answer(
    parameters: AuthorizationRequestDto,
    arrival: RequestArrival,
    request: HttpRequest,
    response: HttpResponse,
  ): Promise<void> {
    // Several session cookies count as signed out (SessionService.current): the user is sent to
    // /login, whose new session replaces this host's cookie and clears a stale `pg_session`, as
    // for an expired session. An error page instead would strand a user whose browser merely
    // kept the cookie of an earlier version, and could never sign anyone in as the attacker.
    const session = await this.sessions.current(request);
    const outcome = await this.endpoint.handle(parameters, session, arrival, {
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
          sendHtml(
            response,
            outcome.error.status,
            renderErrorPage(
              outcome.error,
              outcome.back,
              pageLocaleOf(request.raw, parameters.ui_locales),
            ),
          );
        }
        return;
      case 'consent': {
        const pages = consentPageLinks(outcome.client, this.oauth.consentLogoOrigins);
        // The logo shown is the one image from elsewhere: its origin (allowed) and no other.
        if (pages.logoUri !== undefined) {
          response.header(
            'Content-Security-Policy',
            contentSecurityPolicyWithImagesFrom([new URL(pages.logoUri).origin]),
          );
        }
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
            scopeWords: (scope) => this.resourceScopes.wordsOf(scope),
            resourceName: (resource) => this.resourceScopes.nameOf(resource),
            authorizationDetails: outcome.authorizationDetails,
            pages,
            signedInAs: outcome.session.sub,
            returnTo: outcome.returnTo,
            csrfToken: this.csrf.issue(request, cookieWriter(response)),
            locale: pageLocaleOf(request.raw, outcome.uiLocales),
          }),
        );
        return;
      }
      case 'login':
      case 'redirect':
        // RFC 9110 §15.4.4: after a POST, 303 tells the browser to follow with a GET.
        redirect(request, response, arrival.method === 'POST' ? 303 : 302, outcome.location);
    }
  }
}

/**
 * The GET of a POSTed request's parameters (the URL a sign-in marker binds to, and the way back
 * to a pushed request): what Proofgate read of the form, in URLSearchParams' spelling.
 */
function asGet(form: AuthorizationRequestDto): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (typeof value === 'string') query.set(name, value);
  }
  return `/authorize?${query.toString()}`;
}
