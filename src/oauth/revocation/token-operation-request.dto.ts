import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { ClientAuthenticationDto } from '../client-authentication.dto';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam } from '../oauth-params';

/**
 * POST /revoke (RFC 7009 §2.1) and POST /introspect (RFC 7662 §2.1) parameters. `token` is
 * required, but checked after client authentication. token_type_hint only orders the search, so
 * any value is accepted (RFC 7009 §2.1); unknown parameters are ignored, as at /token.
 */
@IgnoreUnknownParameters()
export class TokenOperationRequestDto extends ClientAuthenticationDto {
  @ApiProperty({
    description: 'An access token or a refresh token of this client',
    example: EXAMPLE.refreshToken,
  })
  @OptionalOAuthParam()
  token?: string;

  @ApiPropertyOptional({
    enum: ['access_token', 'refresh_token'],
    description: 'Where to look first',
    example: 'refresh_token',
  })
  @OptionalOAuthParam()
  token_type_hint?: string;
}
