import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type HttpRequest, type HttpResponse, cookieWriter } from '../platform/http/http-exchange';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { WALLET_PROOF_LIMITS } from './login.rate-limits';
import { WalletSessionLoginDto } from './wallet-session-login.dto';
import { PageSignInResponseDto } from './page-sign-in-response.dto';
import { PageSignInAnswers } from './page-sign-in.decorator';
import { WalletSessionLoginService } from './wallet-session-login.service';
import { WALLET_PROOF_REFUSALS } from '../wallet/wallet-proof.dto';
import { anyChain } from '../wallet/wallet-chains';
import { wordList } from '../platform/text/word-list';
import { AUTH_METHODS, isWalletMethod } from '../proofs/proof-vocabulary';

/**
 * The login page's wallet buttons (one per chain, from the proofs' descriptors) post here (JSON,
 * from their scripts under /static); the signed message says which chain.
 */
@ApiTags('login')
@Controller('login')
export class WalletSessionLoginController {
  constructor(private readonly login: WalletSessionLoginService) {}

  @Post('siwe')
  @RateLimit('closed', ...WALLET_PROOF_LIMITS)
  @ApiOperation({
    summary: `Sign in with a wallet (${anyChain((chain) => chain.name)}) on the login page: a login session, no tokens`,
    description: `Verifies the signed ${anyChain((chain) => chain.message)} message exactly as POST /wallet/verify does, checks the login page CSRF token (signed, bound to the pg_presession cookie, equal to the pg_csrf cookie), starts a login session (the pg_session cookie, __Host-pg_session over https; auth_method ${wordList(
      AUTH_METHODS.filter(isWalletMethod),
      'or',
    )}) for the CAIP-10 account and answers where to go next.`,
  })
  @PageSignInAnswers({
    badRequest:
      'invalid_request (including a failed CSRF check), invalid_message, chain_not_allowed',
    unauthorized: WALLET_PROOF_REFUSALS,
  })
  signIn(
    @Body() body: WalletSessionLoginDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PageSignInResponseDto> {
    return this.login.login(body, { req, res: cookieWriter(res) });
  }
}
