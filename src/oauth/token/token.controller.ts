import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimit } from '../../common/rate-limit/rate-limit';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { TokenEndpoint } from './token.endpoint';

@RateLimit('token')
@Controller('token')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() request: Request): Promise<TokenResponse> {
    return this.endpoint.handle(request);
  }
}
