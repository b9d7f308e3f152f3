import { Body, Header, Res } from '@nestjs/common';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { ApiDpopHeader, DpopHeader } from '../../tokens/dpop/dpop-header';
import { TokenResponseDto } from '../../tokens/grants/token-response.dto';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import { TokenRequestDto } from './token-request.dto';
import { TokenEndpoint } from './token.endpoint';

@ClientEndpoint('token')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  // RFC 6749 §4.1.3, §6: the parameters come form-encoded, checked before they are read.
  // How each request ended is reported by TokenRequestOutcome (a request step, app.setup.ts).
  @ClientFormPost({
    summary:
      'Token endpoint: authorization_code (with code_verifier), refresh_token and token-exchange (RFC 8693) grants',
    response: TokenResponseDto,
    formOnly: 'The token request',
  })
  @ApiDpopHeader('RFC 9449 proof of possession: the tokens are then bound to its key')
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
