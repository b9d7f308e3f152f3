import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { ApiClientAuthenticatedForm } from '../../platform/openapi/api-decorators';
import { TOKEN_REQUEST_SCHEMA, TOKEN_RESPONSE_SCHEMA } from '../../platform/openapi/schemas';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { TokenEndpoint } from './token.endpoint';

@RateLimit('token')
@ApiTags('oauth')
@Controller('token')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'Token endpoint: authorization_code (with code_verifier) and refresh_token grants',
    TOKEN_REQUEST_SCHEMA,
    TOKEN_RESPONSE_SCHEMA,
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() request: Request): Promise<TokenResponse> {
    return this.endpoint.handle(request);
  }
}
