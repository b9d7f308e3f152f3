import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientRegistrationRequestDto } from '../../clients/registration/client-registration-request.dto';
import { ClientRegistrationResponseDto } from '../../clients/registration/client-registration-response.dto';
import { ClientRegistrationService } from '../../clients/registration/client-registration.service';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { RawBody } from '../../platform/http/raw-body';
import { RequireContentType } from '../../platform/http/require-content-type.guard';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { REGISTER_PER_IP } from '../oauth.rate-limits';

/** RFC 7591 dynamic client registration. */
@ApiTags('oauth')
@Controller('register')
@RateLimit('closed', perIp(REGISTER_PER_IP))
export class RegistrationController {
  constructor(private readonly registrations: ClientRegistrationService) {}

  @Post()
  @ApiOperation({
    summary: 'RFC 7591 dynamic client registration',
    description:
      'Open to public clients (`token_endpoint_auth_method: none`) unless REGISTRATION_OPEN=false; confidential clients need `Authorization: Bearer <initial access token>`. Unknown metadata is ignored.',
  })
  @ApiBody({ type: ClientRegistrationRequestDto })
  @ApiCreatedResponse({ type: ClientRegistrationResponseDto })
  @ApiBadRequestResponse({
    description: 'invalid_redirect_uri, invalid_client_metadata, invalid_request',
    type: ErrorResponseDto,
  })
  @ApiBearerProtected({
    unauthorized: 'invalid_token: a wrong initial access token',
    forbidden: 'access_denied: registration is closed',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  // RFC 7591 §3.1: the metadata is sent as a JSON document.
  @UseGuards(
    new RequireContentType('application/json', 'The registration request must be application/json'),
  )
  register(
    @RawBody() body: unknown,
    @AuthorizationHeader() authorization: string | undefined,
  ): Promise<ClientRegistrationResponseDto> {
    return this.registrations.register(body, authorization);
  }
}
