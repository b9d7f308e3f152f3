import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CLIENT_ID_PREFIXES, type ClientIdPrefix } from '../../config/sections/oid4vp.config';
import { RESPONSE_MODES, ResponseModeField } from '../../oid4vp/oid4vp.dto';
import { LoginPageFieldsDto } from '../login-page-fields.dto';
import { TokenResponseDto } from '../../tokens/grants/token-response.dto';

/**
 * POST /oid4vp/requests: the login page's (`csrf_token`, `return_to`, with its cookies) or a
 * script's (`client_id` of a first-party public client, `scope`).
 */
export class Oid4vpRequestCreateDto extends LoginPageFieldsDto {
  @ApiPropertyOptional({
    description: 'A script’s request: the first-party public client its tokens are for',
    example: 'demo-spa',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional({
    description: 'A script’s request: the scope (default openid)',
    example: 'openid age',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ResponseModeField()
  response_mode?: (typeof RESPONSE_MODES)[number];

  @ApiPropertyOptional({
    enum: CLIENT_ID_PREFIXES,
    description: 'The client identifier prefix (default OID4VP_CLIENT_ID_PREFIX)',
    example: 'x509_hash',
  })
  @IsOptional()
  @IsIn(CLIENT_ID_PREFIXES)
  client_id_prefix?: ClientIdPrefix;
}

export class Oid4vpRequestCreatedDto {
  @ApiProperty({ description: 'The request’s id, polled at GET /oid4vp/requests/{id}' })
  id!: string;

  @ApiProperty({
    description:
      'OID4VP_WALLET_URL with client_id and request_uri: the link, and the QR code’s text',
    example: 'openid4vp://?client_id=x509_hash%3A...&request_uri=https%3A%2F%2F...',
  })
  authorization_request!: string;

  @ApiProperty()
  request_uri!: string;

  @ApiProperty({ example: 300 })
  expires_in!: number;

  @ApiPropertyOptional({ description: 'A script’s request: the secret it polls with (Bearer)' })
  handle?: string;

  @ApiPropertyOptional({
    description:
      'A page’s request: authorization_request as a QR code for a phone (cross-device), an SVG image in a data: URL',
    example:
      'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIC4uLg==',
  })
  qr_code?: string;
}

export class Oid4vpPollAnswerDto {
  @ApiProperty({
    enum: ['pending', 'presented', 'signed_in', 'linked', 'refused'],
    description:
      'The account page’s request: presented (the wallet answered; its redirect links, in a browser signed in to the account), then linked',
  })
  status!: 'pending' | 'presented' | 'signed_in' | 'linked' | 'refused';

  @ApiPropertyOptional({
    description: 'The login page’s request, signed in: the page’s return_to',
    example: '/authorize?client_id=demo-client&...',
  })
  redirect?: string;

  @ApiPropertyOptional({
    description: 'A script’s request, signed in: the client’s token response, given once',
    type: TokenResponseDto,
  })
  tokens?: TokenResponseDto;
}

export class Oid4vpCompleteQueryDto {
  @ApiProperty({
    description: 'OpenID4VP 1.0 §8.2: the response_code of the wallet’s redirect',
    example: 'f3Kq9mWb2xLz7pVn4tRy8cHd1gJs6aUe0oIw5kYb3qM',
  })
  @IsString()
  @MaxLength(64)
  response_code!: string;
}
