import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../../platform/openapi/api-decorators';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { CLIENT_ENDPOINT_LIMITS } from '../oauth.rate-limits';
import {
  BackchannelAuthenticationRequestDto,
  BackchannelAuthenticationResponseDto,
} from './backchannel-authentication-request.dto';
import { BackchannelAuthenticationEndpoint } from './backchannel-authentication.endpoint';

/** CIBA Core 1.0 §7: the backchannel authentication endpoint, counted like /token. */
@RateLimit('closed', ...CLIENT_ENDPOINT_LIMITS)
@ApiTags('oauth')
@Controller('backchannel')
export class BackchannelAuthenticationController {
  constructor(private readonly endpoint: BackchannelAuthenticationEndpoint) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'CIBA backchannel authentication request: an auth_req_id to poll /token with while the person approves on /account/approvals',
    BackchannelAuthenticationResponseDto,
  )
  @UseGuards(
    new RequireContentType(
      FORM,
      'The backchannel authentication request must be application/x-www-form-urlencoded',
    ),
  )
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  authenticate(
    @Body() request: BackchannelAuthenticationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<BackchannelAuthenticationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress);
  }
}
