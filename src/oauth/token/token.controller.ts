import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  ERROR_SCHEMA,
  FORM,
  TOKEN_REQUEST_SCHEMA,
  TOKEN_RESPONSE_SCHEMA,
} from '../../docs/schemas';
import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimit } from '../../common/rate-limit/rate-limit';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { TokenEndpoint } from './token.endpoint';

@RateLimit('token')
@ApiTags('oauth')
@Controller('token')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post()
  @ApiOperation({
    summary: 'Token endpoint: authorization_code (with code_verifier) and refresh_token grants',
  })
  @ApiBody({ schema: TOKEN_REQUEST_SCHEMA })
  @ApiOkResponse({ schema: TOKEN_RESPONSE_SCHEMA })
  @ApiConsumes(FORM)
  @ApiBasicAuth('client_secret_basic')
  @ApiBadRequestResponse({ schema: ERROR_SCHEMA })
  @ApiUnauthorizedResponse({ description: 'invalid_client', schema: ERROR_SCHEMA })
  @ApiTooManyRequestsResponse({ schema: ERROR_SCHEMA })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() request: Request): Promise<TokenResponse> {
    return this.endpoint.handle(request);
  }
}
