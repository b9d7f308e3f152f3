import { Body, Controller, Query, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OID4VP_PER_IP } from '../../oid4vp/oid4vp.rate-limits';
import { Oid4vpCompleteQueryDto, Oid4vpRequestCreatedDto } from '../oid4vp/oid4vp-login.dto';
import { IdentityWalletLinkErrorPages } from './identity-wallet-link-error.filter';
import { renderIdentityWalletLinkPage } from './identity-wallet-link.page';
import { type PageLocale, askedLocaleOf, pageLocaleOf } from '../../platform/i18n/page-locale';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { CallerAddress } from '../../platform/http/client-address';
import { CsrfFormPost } from '../../platform/http/csrf-form-post';
import { HtmlPageGet } from '../../platform/http/html-page-get';
import { AccountAction, AccountForm } from './account-routes.decorator';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
  sendHtml,
} from '../../platform/http/http-exchange';
import { AccountMethodDto } from './account-method.dto';
import { methodView } from './account-methods.service';
import { PasskeyCreationOptionsDto } from '../../passkeys/passkey-options.dto';
import { PasskeyRegisteredDto, passkeyRegisteredJson } from '../../passkeys/passkey-request.dto';
import { LOGIN_PER_IP, WALLET_PROOF_LIMITS } from '../login.rate-limits';
import { ACCOUNT_PAGE } from '../../sessions/return-to';
import { inAskedLanguage, signInFirst } from '../../sessions/sign-in-first';
import {
  AccountFormDto,
  AccountPageQueryDto,
  AccountPageRequestDto,
  AccountPasskeyDto,
  AccountWalletDto,
  AccountWalletNonceDto,
  AddEmailFormDto,
  ConfirmEmailFormDto,
  IdentityWalletLinkFormDto,
  RemoveMethodFormDto,
  SetPasswordFormDto,
} from './account-page.dto';
import { AccountPageService } from './account-page.service';
import { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';
import { WALLET_LIMITS } from '../../wallet/wallet.rate-limits';
import { type AccountPageView, renderAccountPage, renderSignedOutEverywhere } from './account.page';
import type { OfferedProvider } from '../login.page';
import { UpstreamConfig } from '../../config/sections/upstream.config';
import { isUpstreamRefusalReason, upstreamRefusalMessage } from '../../upstream/upstream.errors';
import type { AccountRefusal } from './account-refusal';
import { anyChain } from '../../wallet/wallet-chains';
import { type PageWallet, pageWallets } from '../../proofs/proof-descriptor';
import { ProofList } from '../../proofs/proof-list';

/** GET /account and its actions, for a signed-in browser (session cookie, CSRF token). */
@ApiTags('account')
@ApiBadRequestResponse({
  description: 'invalid_request: CSRF check failed',
  type: ErrorResponseDto,
})
@Controller('account')
export class AccountPageController {
  /** The wallet chains' link buttons, from the proof registry. */
  private readonly wallets: readonly PageWallet[];
  /** The upstream providers' link buttons (UPSTREAM_PROVIDERS). */
  private readonly providers: readonly OfferedProvider[];

  constructor(
    private readonly page: AccountPageService,
    proofs: ProofList,
    upstream: UpstreamConfig,
  ) {
    this.wallets = pageWallets(proofs.proofs);
    this.providers = upstream.providers.map(({ id, name }) => ({ id, name }));
  }

  @HtmlPageGet({ summary: 'The account page: sign-in methods, add a passkey, remove, sign out' })
  @ApiResponse({ status: 303, description: 'No session: to /login, and back here after' })
  async show(
    @Query() query: AccountPageQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const upstreamError = query.upstream_error;
    // A fixed text for a known reason, never the query's own words.
    const error = isUpstreamRefusalReason(upstreamError)
      ? { id: upstreamRefusalMessage(upstreamError) }
      : undefined;
    const locale = pageLocaleOf(req.raw, query.ui_locales);
    const view = await this.page.view(
      { req, res: cookieWriter(res) },
      error === undefined ? { locale } : { locale, error },
    );
    if (!view) {
      const asked = askedLocaleOf(req.raw, query.ui_locales);
      redirect(req, res, 303, signInFirst(ACCOUNT_PAGE, asked));
      return;
    }
    sendHtml(res, 200, renderAccountPage(view, this.wallets, this.providers));
  }

  @AccountAction({
    path: 'passkeys/options',
    limits: [perIp(LOGIN_PER_IP)],
    summary: 'Creation options for a new passkey of the signed-in account',
    status: 200,
    type: PasskeyCreationOptionsDto,
  })
  passkeyOptions(
    @Body() body: AccountPageRequestDto,
    @Req() req: HttpRequest,
  ): Promise<PasskeyCreationOptionsDto> {
    return this.page.passkeyOptions(req, body.csrf_token);
  }

  @AccountAction({
    path: 'passkeys',
    limits: [perIp(LOGIN_PER_IP)],
    summary: 'Add the passkey the browser created to the signed-in account',
    status: 201,
    type: PasskeyRegisteredDto,
  })
  async addPasskey(
    @Body() body: AccountPasskeyDto,
    @Req() req: HttpRequest,
  ): Promise<PasskeyRegisteredDto> {
    const added = await this.page.addPasskey(req, body.csrf_token, body.response);
    return passkeyRegisteredJson(added);
  }

  @AccountAction({
    path: 'wallets/nonce',
    limits: WALLET_LIMITS,
    summary: `A nonce and the ${anyChain((chain) => chain.message)} message that links this wallet to the signed-in account (and does nothing else)`,
    status: 201,
    type: WalletNonceResponseDto,
  })
  walletNonce(
    @Body() body: AccountWalletNonceDto,
    @Req() req: HttpRequest,
  ): Promise<WalletNonceResponseDto> {
    return this.page.walletNonce(req, body.csrf_token, body.address, body.chainId);
  }

  @AccountAction({
    path: 'oid4vp/requests',
    limits: [perIp(OID4VP_PER_IP)],
    summary:
      'Link an identity wallet’s credential to the signed-in account: a presentation request (OpenID4VP 1.0), as the login page’s',
    description:
      'Needs the page’s CSRF token and a recent login, as every change of the account. The wallet’s answer signs nobody in: its redirect (GET /account/oid4vp/complete) links the credential, in a browser signed in to this account; GET /oid4vp/requests/{id} (this browser) answers presented until then, and linked, with redirect /account, after. A credential that signs in another account is refused (the wallet is told method_already_linked; the poll answers refused).',
    status: 201,
    type: Oid4vpRequestCreatedDto,
  })
  @ApiUnauthorizedResponse({
    description:
      'insufficient_user_authentication: no login within ACCOUNT_RECENT_LOGIN_SECONDS (RFC 9470), or not the passkey sign-in the account’s changes need',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({
    description: 'not_found: no trusted issuer is configured',
    type: ErrorResponseDto,
  })
  identityWalletRequest(
    @Body() body: AccountPageRequestDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<Oid4vpRequestCreatedDto> {
    return this.page.identityWalletRequest({ req, res: cookieWriter(res) }, body.csrf_token);
  }

  @HtmlPageGet({
    path: 'oid4vp/complete',
    summary:
      'The wallet’s redirect after “Link your identity wallet”: the credential to link, for the person to confirm',
    description:
      'Links nothing: answers a page that shows the credential (its issuer, type, and the name it disclosed) and posts POST /account/oid4vp/complete with its CSRF token. Only in a browser signed in to the account that asked, whose login may change it now (recent, on this device): the page that showed the QR code may have been a phisher’s. Any other browser spends the code and ends the request refused (its poll answers refused); a browser reading HTML gets a page saying why.',
    page: 'The credential to link, and the form that links it',
  })
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @UseFilters(IdentityWalletLinkErrorPages)
  @ApiBadRequestResponse({
    description:
      'invalid_request: unknown or used, or this browser is not signed in to the account that asked',
    type: ErrorResponseDto,
  })
  @ApiUnauthorizedResponse({
    description:
      'insufficient_user_authentication: the account’s login is not recent, or not one that may change it',
    type: ErrorResponseDto,
  })
  async identityWalletLinkPage(
    @Query() query: Oid4vpCompleteQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const page = this.page.identityWalletLinkPage(req, cookieWriter(res), query.response_code);
    sendHtml(res, 200, renderIdentityWalletLinkPage(await page, pageLocaleOf(req.raw)));
  }

  @CsrfFormPost({
    path: 'oid4vp/complete',
    summary: 'Link the credential the wallet’s redirect showed (form; its page’s CSRF token)',
    description:
      'Redeems the response_code once and links the credential, checked as its page was. Refused, nothing is linked and the request ends refused.',
    badRequest:
      'invalid_request: a failed CSRF check, a code unknown or used, or a browser not signed in to the account that asked',
  })
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @UseFilters(IdentityWalletLinkErrorPages)
  @ApiConflictResponse({
    description: 'method_already_linked: the credential signs in another account',
    type: ErrorResponseDto,
  })
  @ApiResponse({ status: 303, description: 'Linked: to /account' })
  async completeIdentityWalletLink(
    @Body() form: IdentityWalletLinkFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
    @CallerAddress() callerAddress: string,
  ): Promise<void> {
    await this.page.completeIdentityWalletLink(
      req,
      form.csrf_token,
      form.response_code,
      callerAddress,
    );
    redirect(req, res, 303, ACCOUNT_PAGE);
  }

  @AccountAction({
    path: 'wallets',
    limits: WALLET_PROOF_LIMITS,
    summary:
      'Link a wallet to the signed-in account: the link message of POST /account/wallets/nonce, signed by it',
    status: 201,
    type: AccountMethodDto,
  })
  @ApiConflictResponse({
    description: 'method_already_linked: the wallet signs in another account',
    type: ErrorResponseDto,
  })
  async linkWallet(
    @Body() body: AccountWalletDto,
    @Req() req: HttpRequest,
    @CallerAddress() callerAddress: string,
  ): Promise<AccountMethodDto> {
    const proof = { message: body.message, signature: body.signature };
    return methodView(await this.page.linkWallet(req, body.csrf_token, proof, callerAddress));
  }

  @AccountForm(
    { path: 'methods/remove', summary: 'Remove a sign-in method (form; never the last)' },
    {
      303: 'Removed: back to /account',
      409: 'The account page, with why (e.g. last_sign_in_method)',
    },
  )
  async removeMethod(
    @Body() form: RemoveMethodFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const refused = await this.page.removeMethod(req, form.csrf_token, form.method);
    await this.answerForm(req, res, form, refused);
  }

  @AccountForm(
    {
      path: 'sign-out-everywhere',
      summary:
        'Sign out everywhere (form): end every login session and revoke every grant of the signed-in account, this session included',
    },
    { 200: 'Signed out: a page saying what ended', 303: 'No session: to /login' },
  )
  async signOutEverywhere(
    @Body() form: AccountFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const ended = await this.page.signOutEverywhere(
      { req, res: cookieWriter(res) },
      form.csrf_token,
    );
    if (!ended) {
      const asked = askedLocaleOf(req.raw, form.ui_locales);
      redirect(req, res, 303, signInFirst(ACCOUNT_PAGE, asked));
      return;
    }
    sendHtml(res, 200, renderSignedOutEverywhere(ended, this.localeOf(req, form)));
  }

  @AccountForm(
    {
      path: 'password',
      summary:
        'Set a password and its username (form), for an account without one (a wallet account); it keeps its subject',
    },
    {
      303: 'Set: back to /account',
      409: 'The account page, with why: username_taken, password_already_set',
    },
  )
  async setPassword(
    @Body() form: SetPasswordFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const refused = await this.page.setPassword(
      req,
      form.csrf_token,
      form.username ?? '',
      form.password ?? '',
    );
    await this.answerForm(req, res, form, refused, form.username);
  }

  @AccountForm(
    {
      path: 'email/code',
      summary:
        'Add an email address (form), first step: a code mailed to it; the page then asks for it',
    },
    {
      200: 'Sent: the account page, asking for the code',
      429: 'The account page, with why: too many codes',
    },
  )
  async sendEmailCode(
    @Body() form: AddEmailFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const refused = await this.page.sendEmailCode(
      req,
      form.csrf_token,
      form.email,
      this.localeOf(req, form),
    );
    // Sent: the page again, asking for the code (not a redirect: the code form shows now).
    await this.answerForm(req, res, form, refused, undefined, { emailCodeSent: true });
  }

  @AccountForm(
    { path: 'email', summary: 'Add an email address (form): the code mailed to it' },
    {
      303: 'Added: back to /account',
      401: 'The account page, with why: invalid_code (wrong, expired, used)',
    },
  )
  async addEmail(
    @Body() form: ConfirmEmailFormDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const refused = await this.page.addEmail(req, form.csrf_token, form.code);
    await this.answerForm(req, res, form, refused);
  }

  /**
   * A form's answer: 303 back to the page when done; else the page with the refusal (a weak
   * password, a taken username, the last method, a login no longer recent) and its status.
   */
  private async answerForm(
    req: HttpRequest,
    res: HttpResponse,
    form: AccountFormDto,
    refused: AccountRefusal | undefined,
    username?: string,
    done?: Pick<AccountPageView, 'emailCodeSent'>,
  ): Promise<void> {
    const locale = this.localeOf(req, form);
    const shown = refused
      ? { locale, error: refused.text, ...(username ? { username } : {}) }
      : done && { locale, ...done };
    const view = shown ? await this.page.view({ req, res: cookieWriter(res) }, shown) : null;
    if (shown && view) {
      sendHtml(res, refused?.status ?? 200, renderAccountPage(view, this.wallets, this.providers));
      return;
    }
    redirect(req, res, 303, inAskedLanguage(ACCOUNT_PAGE, askedLocaleOf(req.raw, form.ui_locales)));
  }

  /** The language of the page a form was posted from (its `ui_locales`), else Accept-Language. */
  private localeOf(req: HttpRequest, form: AccountFormDto): PageLocale {
    return pageLocaleOf(req.raw, form.ui_locales);
  }
}
