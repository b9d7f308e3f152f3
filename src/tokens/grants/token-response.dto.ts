import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.1 successful token response, of POST /token and POST /wallet/verify alike. */
export class TokenResponseDto {
  @ApiProperty({
    description: 'RFC 9068 JWT access token',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjFhMmIzYyJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  })
  access_token!: string;

  @ApiProperty({
    enum: ['Bearer', 'DPoP'],
    description: 'DPoP when the request carried a DPoP proof: the token is bound to its key',
    example: 'Bearer',
  })
  token_type!: 'Bearer' | 'DPoP';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expires_in!: number;

  @ApiPropertyOptional({
    description:
      'Opaque, rotated on every use; not issued to a client whose registered grant_types lack refresh_token',
    example: 'tGzv3JOkF0XG5Qx2TlKWIA.kVbhZpXmoqyOtKYPCNUpjyUl90HsfDrCE-xDMV2xMkw',
  })
  refresh_token?: string;

  @ApiProperty({ example: 'profile' })
  scope!: string;

  @ApiPropertyOptional({
    description: 'OpenID Connect ID token, when the scope includes openid (not on refresh)',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjFhMmIzYyJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  })
  id_token?: string;

  @ApiPropertyOptional({
    description:
      'RFC 8693 §2.2.1: the type of the token issued, on a token exchange (an access token)',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  })
  issued_token_type?: string;

  @ApiPropertyOptional({
    description:
      'RFC 9396 §7: the authorization details the access token grants, when the request asked for any',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' }],
  })
  authorization_details?: Array<Record<string, unknown>>;
}
