import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../../platform/openapi/api-decorators';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { CLIENT_ENDPOINT_LIMITS } from '../oauth.rate-limits';
import {
  DeviceAuthorizationRequestDto,
  DeviceAuthorizationResponseDto,
} from './device-authorization-request.dto';
import { DeviceAuthorizationEndpoint } from './device-authorization.endpoint';

/** RFC 8628 §3.1: the device authorization endpoint, counted like /token. */
@RateLimit('closed', ...CLIENT_ENDPOINT_LIMITS)
@ApiTags('oauth')
@Controller('device_authorization')
export class DeviceAuthorizationController {
  constructor(private readonly endpoint: DeviceAuthorizationEndpoint) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'RFC 8628 device authorization request: a device code to poll /token with, and a user code for the verification page',
    DeviceAuthorizationResponseDto,
  )
  @UseGuards(
    new RequireContentType(
      FORM,
      'The device authorization request must be application/x-www-form-urlencoded',
    ),
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  authorize(
    @Body() request: DeviceAuthorizationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<DeviceAuthorizationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress);
  }
}
