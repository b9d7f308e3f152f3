import { Body } from '@nestjs/common';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import {
  BackchannelAuthenticationRequestDto,
  BackchannelAuthenticationResponseDto,
} from './backchannel-authentication-request.dto';
import { BackchannelAuthenticationEndpoint } from './backchannel-authentication.endpoint';

/** CIBA Core 1.0 §7: the backchannel authentication endpoint, counted like /token. */
@ClientEndpoint('backchannel')
export class BackchannelAuthenticationController {
  constructor(private readonly endpoint: BackchannelAuthenticationEndpoint) {}

  @ClientFormPost({
    summary:
      'CIBA backchannel authentication request: an auth_req_id to poll /token with while the person approves on /account/approvals',
    response: BackchannelAuthenticationResponseDto,
    formOnly: 'The backchannel authentication request',
  })
  authenticate(
    @Body() request: BackchannelAuthenticationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<BackchannelAuthenticationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress);
  }
}
