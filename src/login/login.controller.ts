import { PHISHING_RESISTANT_HARDWARE, acrRequestedBy } from '../protocol-rules/acr';
import { AccountService } from '../accounts/account.service';
import { credentialIdOf } from '../accounts/account';
import type { ProofDescriptor } from '../proofs/proof-descriptor';
import { Body, Controller, Header, Post, Query, Req, Res } from '@nestjs/common';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  cookieWriter,
  redirect,
  sendHtml,
  sendJson,
} from '../platform/http/http-exchange';
import { ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RateLimit, perIp } from '../platform/rate-limit/rate-limit';
import { LOGIN_PER_IP } from './login.rate-limits';
import { FORM } from '../platform/openapi/api-decorators';
import { HtmlPageGet } from '../platform/http/html-page-get';
import { LoginFormDto } from './login-form.dto';
import { LoginPageQueryDto } from './login-page-query.dto';
import { ProofList } from '../proofs/proof-list';
import {
  type LoginPageButton,
  type OfferedProvider,
  type LoginPageView,
  loginPageButtons,
  renderLoginPage,
} from './login.page';
import { PendingAuthorization } from './pending-authorization';
import { safeReturnTo } from '../sessions/return-to';
import { LoginOutcome, PasswordLoginService } from './password-login.service';
import { SessionService } from '../sessions/session.service';
import { UpstreamConfig } from '../config/sections/upstream.config';
import { Oid4vpConfig } from '../config/sections/oid4vp.config';
import { isUpstreamRefusalReason, upstreamRefusalMessage } from '../upstream/upstream.errors';
import { pageLocaleOf } from '../platform/i18n/page-locale';
import { EmailSignIn } from '../email/email-sign-in.service';

type PageExtras = Pick<
  LoginPageView,
  'signedInAs' | 'pending' | 'requiredAcr' | 'preferredAcr' | 'error' | 'emailLogin' | 'locale'
>;

/** The login page's ways to sign in besides the password: the proofs' buttons, the providers. */
interface PageOffers {
  readonly buttons: readonly LoginPageButton[];
  readonly providers: readonly OfferedProvider[];
  /** The registry's proofs: what each way to sign in achieves. */
  readonly proofs: readonly ProofDescriptor[];
}

function send(
  req: HttpRequest,
  res: HttpResponse,
  { buttons, providers, proofs }: PageOffers,
  outcome: LoginOutcome,
  extras: PageExtras = {},
): void {
  switch (outcome.kind) {
    case 'redirect':
      // 303: the browser follows with a GET, never re-posting the credentials.
      redirect(req, res, 303, outcome.location);
      return;
    case 'form':
      sendHtml(
        res,
        200,
        renderLoginPage({ ...outcome.view, ...extras }, buttons, providers, proofs),
      );
      return;
    case 'refused': {
      const { error } = outcome;
      for (const [name, value] of Object.entries(error.headers)) res.header(name, value);
      // The form for a browser; the one error envelope for a client that asks for JSON.
      if (acceptedType(req, ['html', 'json']) === 'json') {
        sendJson(res, error.status, { error: error.error, error_description: error.description });
      } else {
        sendHtml(
          res,
          error.status,
          renderLoginPage(
            {
              ...outcome.view,
              pending: extras.pending,
              emailLogin: extras.emailLogin,
              locale: extras.locale,
            },
            buttons,
            providers,
            proofs,
          ),
        );
      }
    }
  }
}

/** The server-rendered password login page (with a Sign out control when a session is live). */
@ApiTags('login')
@ApiProduces('text/html')
@Controller('login')
export class LoginController {
  constructor(
    private readonly login: PasswordLoginService,
    private readonly sessions: SessionService,
    private readonly pending: PendingAuthorization,
    private readonly email: EmailSignIn,
    private readonly accounts: AccountService,
    proofs: ProofList,
    upstream: UpstreamConfig,
    oid4vp: Oid4vpConfig,
  ) {
    this.offers = {
      buttons: loginPageButtons(proofs.proofs, { oid4vp }),
      providers: upstream.providers.map(({ id, name }) => ({ id, name })),
      proofs: proofs.proofs,
    };
  }

  /** A button per proof that has one, from the registry; a link per upstream provider. */
  private readonly offers: PageOffers;

  @HtmlPageGet({ summary: 'The password login form (HTML, with a CSRF token)' })
  async showForm(
    @Query() query: LoginPageQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const session = await this.sessions.current(req);
    const pending = await this.pending.describe(safeReturnTo(query.return_to));
    const requiredAcr = acrRequestedBy(query.acr_values);
    const preferredAcr = acrRequestedBy(query.acr_preferred);
    // A sign-in at a provider that ended without one says why (a fixed text, never the query's).
    const upstreamError = isUpstreamRefusalReason(query.upstream_error)
      ? { id: upstreamRefusalMessage(query.upstream_error) }
      : undefined;
    send(
      req,
      res,
      this.offers,
      this.login.showForm(query.return_to, { req, res: cookieWriter(res) }),
      {
        signedInAs: session?.sub,
        pending,
        emailLogin: this.email.enabled,
        locale: pageLocaleOf(req.raw, query.ui_locales),
        ...(requiredAcr === undefined ? {} : { requiredAcr }),
        ...(preferredAcr === undefined ? {} : { preferredAcr }),
        ...(upstreamError === undefined ? {} : { error: upstreamError }),
        ...(requiredAcr === PHISHING_RESISTANT_HARDWARE && session
          ? { hardwareBoundCredentials: await this.hardwareBoundCredentials(session.sub) }
          : {}),
      },
    );
  }

  /** A `phrh` step-up of a signed-in account: the passkeys that can meet it, and only those. */
  private async hardwareBoundCredentials(sub: string): Promise<string[]> {
    const account = await this.accounts.account(sub);
    return account.methods
      .filter((method) => method.passkey?.hardwareBound === true)
      .map((method) => credentialIdOf(method.key));
  }

  @Post()
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({ summary: 'Password login: 303 to return_to, or the form again with an error' })
  @ApiConsumes(FORM)
  @ApiResponse({ status: 303, description: 'Logged in; Location is return_to' })
  @ApiResponse({
    status: 400,
    description:
      'invalid_request: a missing username or password, or a failed CSRF check: the form with the message, or the JSON error envelope with Accept: application/json',
  })
  @ApiResponse({
    status: 401,
    description:
      'invalid_credentials: a wrong password or an unknown username (one answer for both): the form with the message, or the JSON error envelope with Accept: application/json',
  })
  @ApiResponse({
    status: 403,
    description:
      'access_denied: the password is right but the account is disabled (proofgate-admin users disable): the form with the message, or the JSON error envelope with Accept: application/json',
  })
  @ApiResponse({
    status: 429,
    description:
      'Too many failed attempts for this account (from this address, or in all): the form with the message and Retry-After, or the JSON error envelope with Accept: application/json',
  })
  @Header('Cache-Control', 'no-store')
  async submit(
    @Body() form: LoginFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const pending = await this.pending.describe(safeReturnTo(form.return_to));
    send(req, res, this.offers, await this.login.submit(form, { req, res: cookieWriter(res) }), {
      pending,
      emailLogin: this.email.enabled,
      locale: pageLocaleOf(req.raw, form.ui_locales),
    });
  }
}
