import { Body, Controller, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { HtmlPageGet } from '../../platform/http/html-page-get';
import { pageWallets } from '../../proofs/proof-descriptor';
import { ProofList } from '../../proofs/proof-list';
import { ApprovalAnswerPost } from './approval-answer.decorator';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  cookieWriter,
  hasContentType,
  redirect,
  sendHtml,
  sendJson,
  varyOn,
} from '../../platform/http/http-exchange';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import type { LoginSession } from '../../sessions/session';
import { SessionService } from '../../sessions/session.service';
import { APPROVALS_PAGE } from '../../sessions/return-to';
import { type PageLocale, askedLocaleOf, pageLocaleOf } from '../../platform/i18n/page-locale';
import { AUTHORIZE_PER_IP } from '../oauth.rate-limits';
import {
  ApprovalAnswerDto,
  ApprovalAnsweredDto,
  ApprovalChallengeRequestDto,
  ApprovalDecisionDto,
  ApprovalIdDto,
  ApprovalsPageQueryDto,
  MessageApprovalChallengeDto,
  PasskeyApprovalChallengeDto,
  TypedDataApprovalChallengeDto,
  PendingApprovalsDto,
} from './ciba-approvals.dto';
import { renderApprovalsPage } from './ciba-approvals.page';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { LoginRequired } from './ciba.errors';
import { MAX_LISTED_APPROVALS } from './ciba-request';
import { type ApprovalDecision, CibaApprovalsService } from './ciba-approvals.service';
import { type ApprovalChallenge, CibaApprovalProofService } from './ciba-approval-proof.service';
import { inAskedLanguage, signInFirst } from '../../sessions/sign-in-first';

/**
 * The approvals page in the language it was asked in (the mail's link, the page's forms), if
 * any: the browser's Accept-Language chooses it otherwise.
 */
function approvalsPage(locale: PageLocale | undefined): string {
  return inAskedLanguage(APPROVALS_PAGE, locale);
}

/**
 * Whether the caller asked for JSON rather than the page (RFC 9110 §12.5.1), or sent JSON: a
 * script's answer gets JSON back, a form's a redirect.
 */
function wantsJson(req: HttpRequest): boolean {
  return hasContentType(req, 'json') || acceptedType(req, ['html', 'json']) === 'json';
}

/**
 * CIBA's person's side (Core 1.0 §8, by the OP's own means): the signed-in browser's pending
 * backchannel requests, as a page or JSON, and its answer to each (CSRF-protected, form or JSON).
 */
@RateLimit('closed', perIp(AUTHORIZE_PER_IP))
@ApiTags('account')
@Controller('account/approvals')
export class CibaApprovalsController {
  constructor(
    private readonly approvals: CibaApprovalsService,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly proofs: CibaApprovalProofService,
    proofList: ProofList,
    private readonly resourceScopes: ResourceScopes,
  ) {
    this.walletScripts = pageWallets(proofList.proofs).map(({ wallet }) => wallet.script);
  }

  /** The wallet chains' scripts, for "Approve with wallet". */
  private readonly walletScripts: readonly string[];

  @HtmlPageGet({
    summary: 'The signed-in account’s pending backchannel requests (CIBA): HTML, or JSON',
    description: `With \`Accept: application/json\`: \`{ approvals, total, csrf_token }\`: the newest ${MAX_LISTED_APPROVALS} pending requests, and how many are pending in all (the page says so when some are not listed). Each request’s element on the page carries \`data-approval-id\`, its opaque id (never the auth_req_id).`,
  })
  @ApiOkResponse({ type: PendingApprovalsDto, description: 'With Accept: application/json' })
  @ApiResponse({ status: 303, description: 'No session (HTML): to /login, and back here after' })
  @ApiUnauthorizedResponse({
    description: 'No session (JSON): login_required',
    type: ErrorResponseDto,
  })
  async page(
    @Query() query: ApprovalsPageQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    varyOn(res, 'Accept');
    const session = await this.sessions.current(req);
    if (!session) {
      this.signInFirst(req, res, askedLocaleOf(req, query.ui_locales));
      return;
    }
    const { approvals, total } = await this.approvals.listed(session.sub);
    const csrfToken = this.csrf.issue(req, cookieWriter(res));
    if (wantsJson(req)) {
      sendJson(res, 200, { approvals, total, csrf_token: csrfToken });
      return;
    }
    sendHtml(
      res,
      200,
      renderApprovalsPage({
        approvals,
        total,
        csrfToken,
        signedInAs: session.sub,
        walletScripts: this.walletScripts,
        locale: pageLocaleOf(req.raw, query.ui_locales),
        scopeWords: (scope) => this.resourceScopes.wordsOf(scope),
      }),
    );
  }

  @ApprovalAnswerPost(
    {
      path: ':id/approve',
      summary:
        'Approve a pending request: with a proof over it (passkey or wallet), or by the session alone (only a request without authorization_details)',
      body: ApprovalDecisionDto,
    },
    'approved',
  )
  @ApiForbiddenResponse({
    description:
      'proof_required: the request carries authorization_details; passkey_required: its scope or resource needs acr phr, which only a passkey achieves',
    type: ErrorResponseDto,
  })
  approve(
    @Param() params: ApprovalIdDto,
    @Body() body: ApprovalDecisionDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    return this.answer(params.id, 'approve', body, req, res);
  }

  // JSON only: the page's script asks it (approval.js), with the page's CSRF token in the body.
  @Post(':id/challenge')
  @ApiExtraModels(
    PasskeyApprovalChallengeDto,
    TypedDataApprovalChallengeDto,
    MessageApprovalChallengeDto,
  )
  @ApiOperation({
    summary:
      'A fresh challenge to approve a pending request with: WebAuthn request options (passkey), or what a wallet signs (EIP-712 typed data where its chain has it, else a text message), bound to the request’s canonical hash',
  })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      'passkey: PublicKeyCredentialRequestOptionsJSON; a wallet: { typed_data } (EIP-712) or { message }',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(PasskeyApprovalChallengeDto) },
        { $ref: getSchemaPath(TypedDataApprovalChallengeDto) },
        { $ref: getSchemaPath(MessageApprovalChallengeDto) },
      ],
    },
  })
  @ApiBadRequestResponse({
    description: 'invalid_request: CSRF check failed, or a malformed body',
    type: ErrorResponseDto,
  })
  @ApiForbiddenResponse({
    description:
      'wallet_not_linked, no_passkey: nothing of the account’s to prove it with; passkey_required: a wallet for a request that needs acr phr',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({
    description: 'not_found: no pending request of this account',
    type: ErrorResponseDto,
  })
  async challenge(
    @Param() params: ApprovalIdDto,
    @Body() body: ApprovalChallengeRequestDto,
    @Req() req: HttpRequest,
  ): Promise<ApprovalChallenge> {
    this.csrf.assertValid(req, body.csrf_token);
    const session = await this.sessions.currentOrRefuse(req);
    if (!session) throw new LoginRequired('Sign in first: no login session');
    return this.proofs.challenge(session, params.id, body);
  }

  @ApprovalAnswerPost(
    { path: ':id/deny', summary: 'Deny a pending request', body: ApprovalAnswerDto },
    'denied',
  )
  deny(
    @Param() params: ApprovalIdDto,
    @Body() body: ApprovalAnswerDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    return this.answer(params.id, 'deny', body, req, res);
  }

  private async answer(
    id: string,
    decision: ApprovalDecision,
    body: ApprovalDecisionDto,
    req: HttpRequest,
    res: HttpResponse,
  ): Promise<void> {
    // A cross-site form must not answer for the person.
    this.csrf.assertValid(req, body.csrf_token);
    const session: LoginSession | null = await this.sessions.currentOrRefuse(req);
    if (!session) {
      this.signInFirst(req, res, askedLocaleOf(req, body.ui_locales));
      return;
    }
    if (decision === 'approve' && body.method !== undefined) {
      await this.proofs.approve(session, id, body as ApprovalDecisionDto & { method: string });
    } else {
      await this.approvals.answer(session, id, decision);
    }
    if (wantsJson(req)) {
      const answered: ApprovalAnsweredDto = {
        id,
        status: decision === 'approve' ? 'approved' : 'denied',
      };
      sendJson(res, 200, answered);
      return;
    }
    redirect(req, res, 303, approvalsPage(askedLocaleOf(req, body.ui_locales)));
  }

  private signInFirst(req: HttpRequest, res: HttpResponse, locale: PageLocale | undefined): void {
    if (wantsJson(req)) throw new LoginRequired('Sign in first: no login session');
    redirect(req, res, 303, signInFirst(APPROVALS_PAGE, locale));
  }
}
