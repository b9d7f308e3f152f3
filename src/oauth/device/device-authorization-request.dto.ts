import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { ClientAuthenticationDto } from '../client-authentication.dto';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam } from '../oauth-params';

/**
 * POST /device_authorization (RFC 8628 §3.1): client authentication as at /token (a public
 * client sends its client_id), and the scope and RFC 8707 resource as at /authorize.
 * Unrecognized parameters are ignored.
 */
@IgnoreUnknownParameters()
export class DeviceAuthorizationRequestDto extends ClientAuthenticationDto {
  @ApiPropertyOptional({ description: 'Space-separated scope values', example: EXAMPLE.scope })
  @OptionalOAuthParam()
  scope?: string;

  @ApiPropertyOptional({
    description: 'RFC 8707: the resource the tokens are for (default ACCESS_TOKEN_AUDIENCE)',
    example: EXAMPLE.resource,
  })
  @OptionalOAuthParam()
  resource?: string;
}

/** RFC 8628 §3.2 device authorization response. */
export class DeviceAuthorizationResponseDto {
  @ApiProperty({
    description:
      'Secret, for /token only (grant_type=urn:ietf:params:oauth:grant-type:device_code)',
    example: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  })
  device_code!: string;

  @ApiProperty({
    description: 'What the user types at verification_uri: 8 letters, case-insensitive',
    example: 'WDJB-MJHT',
  })
  user_code!: string;

  @ApiProperty({ example: 'https://auth.example.com/device' })
  verification_uri!: string;

  @ApiProperty({
    description: 'verification_uri with the user code filled in (for a QR code or a link)',
    example: 'https://auth.example.com/device?user_code=WDJB-MJHT',
  })
  verification_uri_complete!: string;

  @ApiProperty({ description: 'Seconds (DEVICE_CODE_TTL_SECONDS)', example: 600 })
  expires_in!: number;

  @ApiProperty({
    description: 'Whole seconds to wait between polls (DEVICE_CODE_INTERVAL_SECONDS)',
    example: 5,
  })
  interval!: number;
}
