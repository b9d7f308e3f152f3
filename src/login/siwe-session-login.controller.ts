import { Body, Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { WALLET_PROOF_LIMITS } from './login.rate-limits';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { SiweSessionLoginDto } from './siwe-session-login.dto';
import { SiweSessionLoginResponseDto } from './siwe-session-login-response.dto';
import { SiweSessionLoginService } from './siwe-session-login.service';
import { WALLET_PROOF_REFUSALS } from '../wallet/wallet-proof.dto';

/**
 * The login page's "Sign in with Ethereum" and "Sign in with Solana" buttons post here (JSON,
 * from /static/siwe-login.js and /static/siws-login.js); the signed message says which.
 */
@ApiTags('login')
@Controller('login')
export class SiweSessionLoginController {
  constructor(private readonly login: SiweSessionLoginService) {}

  @Post('siwe')
  @RateLimit('closed', ...WALLET_PROOF_LIMITS)
  @ApiOperation({
    summary: 'Sign in with Ethereum or Solana on the login page: a login session, no tokens',
    description:
      'Verifies the signed EIP-4361 or Sign In With Solana (CAIP-122) message exactly as POST /wallet/verify does, checks the login page CSRF token (signed, bound to the pg_presession cookie, equal to the pg_csrf cookie), starts a login session (the pg_session cookie, __Host-pg_session over https; auth_method siwe or siws) for the CAIP-10 account and answers where to go next.',
  })
  @ApiOkResponse({ description: 'Logged in', type: SiweSessionLoginResponseDto })
  @ApiBadRequestResponse({
    description:
      'invalid_request (including a failed CSRF check), invalid_message, chain_not_allowed',
    type: ErrorResponseDto,
  })
  @ApiUnauthorizedResponse({
    description: WALLET_PROOF_REFUSALS,
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  signIn(
    @Body() body: SiweSessionLoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SiweSessionLoginResponseDto> {
    return this.login.login(body, { req, res });
  }
}
