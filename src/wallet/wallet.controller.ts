import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CallerAddress } from '../platform/http/client-address';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { TokenResponseDto } from '../tokens/grants/token-response.dto';
import { NonceRequestDto } from './nonce/nonce-request.dto';
import { WalletNonceResponseDto } from './nonce/wallet-nonce-response.dto';
import { WalletNonceService } from './nonce/wallet-nonce.service';
import { WalletSignInService } from './verify/wallet-sign-in.service';
import { VerifyRequestDto } from './verify/verify-request.dto';
import { WALLET_LIMITS } from './wallet.rate-limits';
import { WALLET_PROOF_REFUSALS } from './verify/wallet-proof.dto';

/**
 * Wallet sign-in, Sign-In with Ethereum (EIP-4361) and Sign In With Solana (CAIP-122): get a
 * nonce and a message to sign, then trade the signature for tokens.
 */
@ApiTags('wallet')
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiTooManyRequestsResponse({ type: ErrorResponseDto })
@Controller('wallet')
@RateLimit('closed', ...WALLET_LIMITS)
export class WalletController {
  constructor(
    private readonly nonces: WalletNonceService,
    private readonly logins: WalletSignInService,
  ) {}

  /** 201: every call creates a new single-use challenge. */
  @Post('nonce')
  @ApiOperation({
    summary: 'A nonce bound to the address and chain, and the EIP-4361 or SIWS message to sign',
  })
  @ApiCreatedResponse({ type: WalletNonceResponseDto })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  nonce(@Body() body: NonceRequestDto): Promise<WalletNonceResponseDto> {
    return this.nonces.issue(body.address, body.chainId);
  }

  /** 200 with the same token response as POST /token (RFC 6749 §5.1). */
  @Post('verify')
  @ApiOperation({
    summary: 'Trade a signed EIP-4361 or SIWS message for tokens (same response as /token)',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    description: WALLET_PROOF_REFUSALS,
    type: ErrorResponseDto,
  })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
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
