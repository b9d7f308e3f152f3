import { Body } from '@nestjs/common';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import {
  DeviceAuthorizationRequestDto,
  DeviceAuthorizationResponseDto,
} from './device-authorization-request.dto';
import { DeviceAuthorizationEndpoint } from './device-authorization.endpoint';

/** RFC 8628 §3.1: the device authorization endpoint, counted like /token. */
@ClientEndpoint('device_authorization')
export class DeviceAuthorizationController {
  constructor(private readonly endpoint: DeviceAuthorizationEndpoint) {}

  @ClientFormPost({
    summary:
      'RFC 8628 device authorization request: a device code to poll /token with, and a user code for the verification page',
    response: DeviceAuthorizationResponseDto,
    formOnly: 'The device authorization request',
  })
  authorize(
    @Body() request: DeviceAuthorizationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<DeviceAuthorizationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress);
  }
}
