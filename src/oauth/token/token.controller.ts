import { Body, Controller, Header, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../../platform/openapi/api-decorators';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { CLIENT_ENDPOINT_LIMITS } from '../oauth.rate-limits';
import { DpopHeader } from '../../tokens/dpop/dpop-header';
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
    'Token endpoint: authorization_code (with code_verifier), refresh_token and token-exchange (RFC 8693) grants',
    TokenResponseDto,
  )
  // RFC 6749 §4.1.3, §6: the parameters come form-encoded, checked before they are read.
  // How each request ended is reported by TokenRequestOutcome (a request step, app.setup.ts).
  @UseGuards(
    new RequireContentType(FORM, 'The token request must be application/x-www-form-urlencoded'),
  )
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description: 'RFC 9449 proof of possession: the tokens are then bound to its key',
    example:
      'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIn19.eyJodG0iOiJQT1NUIn0.c2lnbmF0dXJl',
  })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(
    @Body() request: TokenRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
    @DpopHeader() dpop: string | undefined,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<TokenResponseDto> {
    const answer = await this.endpoint.handle(request, authorization, callerAddress, dpop);
    if (answer.dpopNonce !== undefined) response.header('DPoP-Nonce', answer.dpopNonce);
    return answer.tokens;
  }
}
