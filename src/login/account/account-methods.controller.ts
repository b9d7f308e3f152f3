import { Body, Controller, Delete, Get, Header, HttpCode, Param, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CallerAddress } from '../../platform/http/client-address';
import { AccountAction } from './account-routes.decorator';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { LOGIN_PER_IP, WALLET_PROOF_LIMITS } from '../login.rate-limits';
import {
  AccountMethodDto,
  AccountMethodsResponseDto,
  LinkEmailCodeDto,
  LinkEmailDto,
  LinkPasswordDto,
  LinkWalletDto,
  LinkWalletNonceDto,
} from './account-method.dto';
import { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';
import { WALLET_LIMITS } from '../../wallet/wallet.rate-limits';
import { AccountMethodsService } from './account-methods.service';
import type { PresentedToken } from '../../tokens/grants/grant-bearer.authenticator';
import { PresentedAccessToken } from '../../tokens/grants/presented-token.decorator';
import { anyChain } from '../../wallet/wallet-chains';
import { EmailLoginStartResponseDto } from '../email/email-login.dto';
import type { HttpRequest } from '../../platform/http/http-exchange';
import { pageLocaleOf } from '../../platform/i18n/page-locale';

const BEARER_REFUSALS =
  '401 without a token or with a login older than ACCOUNT_RECENT_LOGIN_SECONDS (insufficient_user_authentication, RFC 9470); 403 insufficient_scope without the account scope. A DPoP-bound token comes as "DPoP <token>" with a DPoP proof; its refusals carry a WWW-Authenticate: DPoP challenge (RFC 9449 §7.1)';

/** The bearer's own account and its sign-in methods (JSON; the page is GET /account). */
@ApiTags('account')
@ApiBearerProtected({ unauthorized: BEARER_REFUSALS, forbidden: 'insufficient_scope' })
@ApiTooManyRequestsResponse({
  description:
    'too_many_requests, with Retry-After: RATE_LIMIT_LOGIN_PER_IP; a link that creates the account (its first linked method) also ACCOUNT_CREATIONS_PER_IP_PER_HOUR',
  type: ErrorResponseDto,
})
@Controller('account/methods')
export class AccountMethodsController {
  constructor(private readonly methods: AccountMethodsService) {}

  @Get()
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({ summary: 'The account’s subject and sign-in methods' })
  @ApiOkResponse({ type: AccountMethodsResponseDto })
  @Header('Cache-Control', 'no-store')
  list(@PresentedAccessToken() presented: PresentedToken): Promise<AccountMethodsResponseDto> {
    return this.methods.list(presented);
  }

  @AccountAction({
    path: 'wallet/nonce',
    limits: WALLET_LIMITS,
    summary: `A nonce and the ${anyChain((chain) => chain.message)} message that links this wallet to the account (and does nothing else)`,
    description:
      'Bound to the bearer’s account and to linking: only POST /account/methods/wallet with a token of the same account redeems it; POST /wallet/verify and POST /login/siwe refuse it.',
    status: 201,
    type: WalletNonceResponseDto,
  })
  walletNonce(
    @Body() body: LinkWalletNonceDto,
    @PresentedAccessToken() presented: PresentedToken,
  ): Promise<WalletNonceResponseDto> {
    return this.methods.walletNonce(presented, body.address, body.chainId);
  }

  @AccountAction({
    path: 'wallet',
    limits: WALLET_PROOF_LIMITS,
    summary:
      'Link a wallet: the link message of POST /account/methods/wallet/nonce, signed by it (both proofs fresh)',
    status: 201,
    type: AccountMethodDto,
  })
  @ApiConflictResponse({
    description:
      'method_already_linked: the wallet signs in another account, or its own account is signed in anywhere; too_many_sign_in_methods',
    type: ErrorResponseDto,
  })
  linkWallet(
    @Body() body: LinkWalletDto,
    @PresentedAccessToken() presented: PresentedToken,
    @CallerAddress() callerAddress: string,
  ): Promise<AccountMethodDto> {
    return this.methods.linkWallet(
      presented,
      { message: body.message, signature: body.signature },
      callerAddress,
    );
  }

  @AccountAction({
    path: 'email/code',
    limits: [perIp(LOGIN_PER_IP)],
    summary: 'Add an email address, first step: a code mailed to it (RATE_LIMIT_EMAIL_CODES_*)',
    description:
      'The code (8 digits, 10 minutes, 5 attempts) is bound to this account; POST /account/methods/email with it adds the address. A new request replaces the pending one.',
    status: 202,
    type: EmailLoginStartResponseDto,
  })
  async sendEmailCode(
    @Body() body: LinkEmailCodeDto,
    @PresentedAccessToken() presented: PresentedToken,
    @Req() req: HttpRequest,
  ): Promise<EmailLoginStartResponseDto> {
    // The mail's language: the body's ui_locales, else the caller's Accept-Language.
    await this.methods.sendEmailCode(presented, body.email, pageLocaleOf(req, body.ui_locales));
    return { sent: true };
  }

  @AccountAction({
    path: 'email',
    limits: [perIp(LOGIN_PER_IP)],
    summary:
      'Add an email address: the code of POST /account/methods/email/code (both proofs fresh)',
    status: 201,
    type: AccountMethodDto,
  })
  @ApiConflictResponse({
    description:
      'method_already_linked: the address signs in another account; too_many_sign_in_methods',
    type: ErrorResponseDto,
  })
  linkEmail(
    @Body() body: LinkEmailDto,
    @PresentedAccessToken() presented: PresentedToken,
    @CallerAddress() callerAddress: string,
  ): Promise<AccountMethodDto> {
    return this.methods.linkEmail(presented, body.code, callerAddress);
  }

  @AccountAction({
    path: 'password',
    limits: [perIp(LOGIN_PER_IP)],
    summary:
      'Set a password (and its username) for an account without one, e.g. a wallet account; it keeps its subject',
    status: 201,
    type: AccountMethodDto,
  })
  @ApiBadRequestResponse({
    description:
      'invalid_request: a username or password the rules refuse (e.g. too short), or another name than its own for an account a password created',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({
    description:
      'username_taken: another user has the name, in any case; password_already_set: the account has one; too_many_sign_in_methods',
    type: ErrorResponseDto,
  })
  linkPassword(
    @Body() body: LinkPasswordDto,
    @PresentedAccessToken() presented: PresentedToken,
    @CallerAddress() callerAddress: string,
  ): Promise<AccountMethodDto> {
    return this.methods.linkPassword(presented, body.username, body.password, callerAddress);
  }

  @Delete(':method')
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({ summary: 'Remove a sign-in method (never the last one)' })
  @ApiParam({
    name: 'method',
    description: 'The method key, URL-encoded',
    example: 'passkey:q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw',
  })
  @ApiOkResponse({ description: 'Removed: the methods left', type: AccountMethodsResponseDto })
  @ApiConflictResponse({ description: 'last_sign_in_method', type: ErrorResponseDto })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  unlink(
    @Param('method') method: string,
    @PresentedAccessToken() presented: PresentedToken,
  ): Promise<AccountMethodsResponseDto> {
    return this.methods.unlink(presented, method);
  }
}
