import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { RateLimit } from '../common/rate-limit/rate-limit';
import type { TokenResponse } from '../tokens/grants/grant-token.issuer';
import { NonceRequestDto } from './nonce/nonce-request.dto';
import { WalletNonceResponse, WalletNonceService } from './nonce/wallet-nonce.service';
import { SiweLoginService } from './verify/siwe-login.service';
import { VerifyRequestDto } from './verify/verify-request.dto';

/** Sign-In with Ethereum (EIP-4361): get a nonce and a message to sign, then trade the signature for tokens. */
@Controller('wallet')
@RateLimit('wallet')
export class WalletController {
  constructor(
    private readonly nonces: WalletNonceService,
    private readonly logins: SiweLoginService,
  ) {}

  /** 201: every call creates a new single-use challenge. */
  @Post('nonce')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  nonce(@Body() body: NonceRequestDto): Promise<WalletNonceResponse> {
    return this.nonces.issue(body.address, body.chainId);
  }

  /** 200 with the same token response as POST /token (RFC 6749 §5.1). */
  @Post('verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  verify(@Body() body: VerifyRequestDto): Promise<TokenResponse> {
    return this.logins.login({
      message: body.message,
      signature: body.signature,
      clientId: body.client_id,
    });
  }
}
