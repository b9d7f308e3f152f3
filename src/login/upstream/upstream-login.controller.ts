import {
  Body,
  Controller,
  Get,
  Header,
  Param,
  Query,
  Req,
  Res,
  applyDecorators,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
} from '../../platform/http/http-exchange';
import { CsrfFormPost } from '../../platform/http/csrf-form-post';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { UPSTREAM_PER_IP } from '../../upstream/upstream.rate-limits';
import type { LoginExchange } from '../login-csrf';
import { AccountPageRequestDto } from '../account/account-page.dto';
import { UpstreamStartQueryDto } from './upstream-login.dto';
import { UPSTREAM_ERROR_PARAM, UpstreamSessionLogin } from './upstream-session-login.service';

const PROVIDER = {
  name: 'id',
  description: 'The provider’s id in UPSTREAM_PROVIDERS',
  example: 'google',
} as const;

const REFUSED = `A refusal: a 303 to the login page (the account page, for a link) with ${UPSTREAM_ERROR_PARAM}=<reason>, which shows it in an element with role="alert"`;

/** A sign-in or link that starts at a provider: its id, and where the browser goes (302 or 303). */
function ToProvider() {
  return applyDecorators(
    ApiParam(PROVIDER),
    ApiResponse({ status: 302, description: 'To the provider' }),
    ApiResponse({ status: 303, description: REFUSED }),
  );
}

/**
 * Starts the round trip: to the provider (302), or, a path of ours, to the page that tells why
 * not (303).
 */
async function toProvider(
  req: HttpRequest,
  res: HttpResponse,
  start: (http: LoginExchange) => Promise<string>,
): Promise<void> {
  const location = await start({ req, res: cookieWriter(res) });
  redirect(req, res, location.startsWith('/') ? 303 : 302, location);
}

/** The callback's query, as the provider wrote it (every parameter, none validated away). */
function queryOf(req: HttpRequest): string {
  const at = req.url.indexOf('?');
  return at < 0 ? '' : req.url.slice(at + 1);
}

/**
 * "Sign in with <provider>" on the login page: to the provider and back (authorization code +
 * PKCE, Proofgate as the relying party). Every refusal (a cancel, a forged or replayed state, a
 * mix-up, a provider down) ends on the login page, never in an error status.
 */
@RateLimit('closed', perIp(UPSTREAM_PER_IP))
@ApiTags('login')
@Controller('login/upstream')
export class UpstreamLoginController {
  constructor(private readonly login: UpstreamSessionLogin) {}

  @Get(':id')
  @ApiOperation({
    summary: 'Sign in at an upstream provider: a 302 to its authorization endpoint',
    description:
      'Issues the sign-in’s state, nonce and PKCE verifier as one challenge bound to this browser’s pre-login session (pg_presession, set when missing) and to the provider, and sends the browser to the provider with the S256 code_challenge. return_to survives the round trip.',
  })
  @ToProvider()
  @Header('Cache-Control', 'no-store')
  start(
    @Param('id') id: string,
    @Query() query: UpstreamStartQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    return toProvider(req, res, (http) => this.login.start(id, query.return_to, http));
  }

  @Get(':id/callback')
  @ApiOperation({
    summary: 'The provider’s answer (its redirect URI): signed in, then to return_to',
    description:
      'Redeems the state once, atomically, for this browser and this provider; checks RFC 9207 iss (another provider’s is a mix-up; a missing one is refused where the provider advertises it); exchanges the code with the PKCE verifier and validates the ID token (signature, iss, aud, exp, nonce). The account is the one holding upstream:<id>:<sub>, or a new one; a link from the account page adds it to the signed-in account. amr fed, acr urn:proofgate:acr:1fa.',
  })
  @ApiParam(PROVIDER)
  @ApiResponse({
    status: 303,
    description: `Signed in: to return_to (a link: to /account). ${REFUSED}`,
  })
  @Header('Cache-Control', 'no-store')
  async callback(
    @Param('id') id: string,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const location = await this.login.finish(id, queryOf(req), { req, res: cookieWriter(res) });
    redirect(req, res, 303, location);
  }
}

/** "Link <provider>" on the account page. */
@ApiTags('account')
@Controller('account/upstream')
export class UpstreamLinkController {
  constructor(private readonly login: UpstreamSessionLogin) {}

  @CsrfFormPost({
    path: ':id',
    summary: 'Link an account at an upstream provider to the signed-in account (form)',
    description:
      'Needs the page’s CSRF token and a recent sign-in (ACCOUNT_RECENT_LOGIN_SECONDS; with a passkey where ACCOUNT_CHANGES_REQUIRE_PHR asks it). Then as GET /login/upstream/{id}: the state is also bound to this account, and the callback links the provider account (never one that already signs in another account) and returns to /account.',
  })
  @RateLimit('closed', perIp(UPSTREAM_PER_IP))
  @ToProvider()
  link(
    @Param('id') id: string,
    @Body() form: AccountPageRequestDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    return toProvider(req, res, (http) => this.login.startLink(id, form.csrf_token, http));
  }
}
