import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  ERROR_SCHEMA,
  TOKEN_RESPONSE_SCHEMA,
  WALLET_NONCE_REQUEST_SCHEMA,
  WALLET_NONCE_SCHEMA,
  WALLET_VERIFY_REQUEST_SCHEMA,
} from '../platform/openapi/schemas';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import type { TokenResponse } from '../tokens/grants/grant-token.issuer';
import { NonceRequestDto } from './nonce/nonce-request.dto';
import { WalletNonceResponse, WalletNonceService } from './nonce/wallet-nonce.service';
import { SiweLoginService } from './verify/siwe-login.service';
import { VerifyRequestDto } from './verify/verify-request.dto';

/** Sign-In with Ethereum (EIP-4361): get a nonce and a message to sign, then trade the signature for tokens. */
@ApiTags('wallet')
@ApiBadRequestResponse({ schema: ERROR_SCHEMA })
@ApiTooManyRequestsResponse({ schema: ERROR_SCHEMA })
@Controller('wallet')
@RateLimit('wallet')
export class WalletController {
  constructor(
    private readonly nonces: WalletNonceService,
    private readonly logins: SiweLoginService,
  ) {}

  /** 201: every call creates a new single-use challenge. */
  @Post('nonce')
  @ApiOperation({ summary: 'A nonce bound to the address, and the EIP-4361 message to sign' })
  @ApiBody({ schema: WALLET_NONCE_REQUEST_SCHEMA })
  @ApiCreatedResponse({ schema: WALLET_NONCE_SCHEMA })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  nonce(@Body() body: NonceRequestDto): Promise<WalletNonceResponse> {
    return this.nonces.issue(body.address, body.chainId);
  }

  /** 200 with the same token response as POST /token (RFC 6749 §5.1). */
  @Post('verify')
  @ApiOperation({ summary: 'Trade a signed EIP-4361 message for tokens (same response as /token)' })
  @ApiBody({ schema: WALLET_VERIFY_REQUEST_SCHEMA })
  @ApiOkResponse({ schema: TOKEN_RESPONSE_SCHEMA })
  @ApiUnauthorizedResponse({
    description:
      'domain_mismatch, uri_mismatch, expired_message, not_yet_valid, invalid_nonce, nonce_already_used, invalid_signature, contract_wallet_unsupported',
    schema: ERROR_SCHEMA,
  })
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
