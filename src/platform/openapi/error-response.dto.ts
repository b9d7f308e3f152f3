import { ApiProperty } from '@nestjs/swagger';

/** The one error envelope (RFC 6749 §5.2), written by ProtocolErrorFilter. */
export class ErrorResponseDto {
  @ApiProperty({
    description: 'RFC 6749 error code, or a wallet error code',
    example: 'invalid_request',
  })
  error!: string;

  @ApiProperty({
    description: 'Human-readable; never contains a secret',
    example: 'grant_type is required',
  })
  error_description!: string;
}
