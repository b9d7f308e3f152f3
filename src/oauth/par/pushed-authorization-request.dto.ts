import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { AuthorizationRequestDto } from '../request-rules/authorization-request.dto';
import { ClientAuthenticationDto } from '../client-authentication.dto';

/**
 * POST /par (RFC 9126 §2.1): client authentication as at /token, and the authorization request's
 * parameters, form-encoded. Unrecognized parameters are ignored, as at /authorize.
 */
@IgnoreUnknownParameters()
export class PushedAuthorizationRequestDto extends IntersectionType(
  ClientAuthenticationDto,
  AuthorizationRequestDto,
) {}

/** RFC 9126 §2.2: the reference to the pushed request, and how long it lives. */
export class PushedAuthorizationResponseDto {
  @ApiProperty({
    description: 'Single use, for this client only: GET /authorize?client_id=…&request_uri=…',
    example: 'urn:ietf:params:oauth:request_uri:kXn0ZoYl5pC1DjrW2K9JXc8kP6XCRl8Yx5wWmK3Tq3U',
  })
  request_uri!: string;

  @ApiProperty({ description: 'Seconds (PAR_REQUEST_URI_TTL_SECONDS)', example: 60 })
  expires_in!: number;
}
