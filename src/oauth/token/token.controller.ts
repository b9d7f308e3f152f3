import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../../platform/openapi/api-decorators';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { CLIENT_ENDPOINT_LIMITS } from '../oauth.rate-limits';
import { TokenResponseDto } from '../../tokens/grants/token-response.dto';
import { TokenRequestDto } from './token-request.dto';
import { TokenEndpoint } from './token.endpoint';

@RateLimit('closed', ...CLIENT_ENDPOINT_LIMITS)
@ApiTags('oauth')
@Controller('token')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'Token endpoint: authorization_code (with code_verifier) and refresh_token grants',
    TokenResponseDto,
  )
  // RFC 6749 §4.1.3, §6: the parameters come form-encoded, checked before they are read.
  // How each request ended is reported by TokenRequestOutcome (a middleware, see OAuthModule).
  @UseGuards(
    new RequireContentType(FORM, 'The token request must be application/x-www-form-urlencoded'),
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(
    @Body() request: TokenRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<TokenResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress);
  }
}
