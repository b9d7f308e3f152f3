import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiClientAuthenticatedForm, FORM } from '../../platform/openapi/api-decorators';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { DpopHeader } from '../../tokens/dpop/dpop-header';
import { CLIENT_ENDPOINT_LIMITS } from '../oauth.rate-limits';
import {
  PushedAuthorizationRequestDto,
  PushedAuthorizationResponseDto,
} from './pushed-authorization-request.dto';
import { PushedAuthorizationEndpoint } from './pushed-authorization.endpoint';

/** RFC 9126 §2: the pushed authorization request endpoint, counted like /token. */
@RateLimit('closed', ...CLIENT_ENDPOINT_LIMITS)
@ApiTags('oauth')
@Controller('par')
export class ParController {
  constructor(private readonly endpoint: PushedAuthorizationEndpoint) {}

  @Post()
  @ApiClientAuthenticatedForm(
    'RFC 9126 pushed authorization request: the /authorize parameters over the back channel',
    PushedAuthorizationResponseDto,
  )
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description: 'RFC 9449 §10.1: binds the code to the proof’s key, as dpop_jkt does',
    example:
      'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIn19.eyJodG0iOiJQT1NUIn0.c2lnbmF0dXJl',
  })
  @UseGuards(
    new RequireContentType(FORM, 'The pushed request must be application/x-www-form-urlencoded'),
  )
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  push(
    @Body() request: PushedAuthorizationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
    @DpopHeader() dpop: string | undefined,
  ): Promise<PushedAuthorizationResponseDto> {
    return this.endpoint.handle(request, authorization, callerAddress, dpop);
  }
}
