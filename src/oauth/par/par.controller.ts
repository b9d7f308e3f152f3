import { Body } from '@nestjs/common';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { ApiDpopHeader, DpopHeader } from '../../tokens/dpop/dpop-header';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import {
  PushedAuthorizationRequestDto,
  PushedAuthorizationResponseDto,
} from './pushed-authorization-request.dto';
import { PushedAuthorizationEndpoint } from './pushed-authorization.endpoint';

/** RFC 9126 §2: the pushed authorization request endpoint, counted like /token. */
@ClientEndpoint('par')
export class ParController {
  constructor(private readonly endpoint: PushedAuthorizationEndpoint) {}

  @ClientFormPost({
    summary:
      'RFC 9126 pushed authorization request: the /authorize parameters over the back channel',
    response: PushedAuthorizationResponseDto,
    status: 201,
    formOnly: 'The pushed request',
  })
  @ApiDpopHeader('RFC 9449 §10.1: binds the code to the proof’s key, as dpop_jkt does')
  push(
    @Body() request: PushedAuthorizationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
    @DpopHeader() dpop: string | undefined,
  ): Promise<PushedAuthorizationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress, dpop);
  }
}
