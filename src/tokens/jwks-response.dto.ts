import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 7517 §4 public JWK: an EC P-256 key (ES256) or an RSA key (RS256). */
export class JwkDto {
  @ApiProperty({ enum: ['EC', 'RSA'], example: 'EC' })
  kty!: string;

  @ApiProperty({
    description: 'RFC 7638 SHA-256 thumbprint of the key',
    example: 'Hb-VU7jsFQErgaL3lJKNgHOwaGMfWGxtoaVcQIAgxLg',
  })
  kid!: string;

  @ApiProperty({ enum: ['ES256', 'RS256'], example: 'ES256' })
  alg!: string;

  @ApiProperty({ enum: ['sig'], example: 'sig' })
  use!: string;

  @ApiPropertyOptional({ description: 'EC', example: 'P-256' })
  crv?: string;

  @ApiPropertyOptional({
    description: 'EC',
    example: '7-WoIGmFkUPlzkX_XTBq9QQkcYdbOVOR_Jg0xIGYA8w',
  })
  x?: string;

  @ApiPropertyOptional({
    description: 'EC',
    example: 'j0IXZCl9vsgEqNQv_I4h9Elre2VGUld8_zogv1gsaiM',
  })
  y?: string;

  @ApiPropertyOptional({ description: 'RSA modulus' })
  n?: string;

  @ApiPropertyOptional({ description: 'RSA exponent', example: 'AQAB' })
  e?: string;
}

/** RFC 7517 §5 JWK Set. */
export class JwksResponseDto {
  @ApiProperty({ type: [JwkDto] })
  keys!: JwkDto[];
}
