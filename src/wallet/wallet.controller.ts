import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { HttpRequest as Request } from '../platform/http/http-exchange';
import { CsrfProtection } from '../platform/csrf/csrf-protection';
import { WalletAudiences } from './audience/wallet-audiences';
import { CallerAddress } from '../platform/http/client-address';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { TokenResponseDto } from '../tokens/grants/token-response.dto';
import { TokenResponseAnswers } from '../tokens/grants/token-response.decorator';
import { NonceRequestDto } from './nonce-request.dto';
import { WalletNonceResponseDto } from './wallet-nonce-response.dto';
import { WalletNonceService } from './wallet-nonce.service';
import { WalletSignInService } from './wallet-sign-in.service';
import { VerifyRequestDto } from './verify-request.dto';
import { WALLET_LIMITS } from './wallet.rate-limits';
import { WALLET_PROOF_REFUSALS } from './wallet-proof.dto';
import { anyChain } from './wallet-chains';

/**
 * Wallet sign-in on every chain of the chain list: get a nonce and a message to sign, then trade
 * the signature for tokens.
 */
@ApiTags('wallet')
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiTooManyRequestsResponse({ type: ErrorResponseDto })
@Controller('wallet')
@RateLimit('closed', ...WALLET_LIMITS)
export class WalletController {
  constructor(
    private readonly nonces: WalletNonceService,
    private readonly audiences: WalletAudiences,
    private readonly logins: WalletSignInService,
    private readonly csrf: CsrfProtection,
  ) {}

  /** 201: every call creates a new single-use challenge. */
  @Post('nonce')
  @ApiOperation({
    summary: `A nonce bound to the address and chain and to whom the signature is for, and the ${anyChain((chain) => chain.message)} message to sign`,
    description:
      'With client_id: bound to that client; the message names the client’s own origin and only POST /wallet/verify with that client_id redeems it. Without client_id, from a browser that loaded GET /login (its pg_presession cookie): bound to that browser’s login page; only POST /login/siwe with that browser’s cookies and CSRF token redeems it. Otherwise (a script without cookies): bound to the built-in `wallet` client. The signed message must be the issued one in every field.',
  })
  @ApiCreatedResponse({ type: WalletNonceResponseDto })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async nonce(@Body() body: NonceRequestDto, @Req() req: Request): Promise<WalletNonceResponseDto> {
    const intent = await this.audiences.forNonceRequest({
      clientId: body.client_id,
      origin: body.origin,
      requestOrigin: req.headers.origin,
      browserSession: this.csrf.browserSession(req),
    });
    return this.nonces.issue(body.address, body.chainId, intent);
  }

  /** 200 with the same token response as POST /token (RFC 6749 §5.1). */
  @Post('verify')
  @ApiOperation({
    summary: `Trade a signed ${anyChain((chain) => chain.message)} message for tokens (same response as /token)`,
    description:
      'Redeems only a message issued by POST /wallet/nonce for the same client_id (default `wallet`), exactly as issued; the tokens are that client’s.',
  })
  @TokenResponseAnswers(WALLET_PROOF_REFUSALS)
  verify(
    @Body() body: VerifyRequestDto,
    @CallerAddress() callerAddress: string,
  ): Promise<TokenResponseDto> {
    return this.logins.login(
      { message: body.message, signature: body.signature, clientId: body.client_id },
      callerAddress,
    );
  }
}
