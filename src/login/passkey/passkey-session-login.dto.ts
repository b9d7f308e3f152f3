import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../../platform/csrf/csrf-protection';
import { AuthenticationResponseDto } from '../../passkeys/passkey-request.dto';
import { PASSKEY_EXAMPLE } from '../../passkeys/passkeys.examples';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from '../login.examples';

/** POST /login/passkey body, sent by /static/passkey-login.js. */
export class PasskeySessionLoginDto {
  @ApiProperty({
    // An object with its example: a $ref here would lose the example "Try it out" sends.
    type: Object,
    description: 'The browser’s AuthenticationResponseJSON, from navigator.credentials.get()',
    example: {
      id: PASSKEY_EXAMPLE.credentialId,
      rawId: PASSKEY_EXAMPLE.credentialId,
      type: 'public-key',
      response: PASSKEY_EXAMPLE.assertionResponse,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationResponseDto)
  response!: AuthenticationResponseDto;

  @ApiProperty({
    required: true,
    description: `${CSRF_TOKEN_DESCRIPTION} (its absence is a failed CSRF check)`,
    example: LOGIN_EXAMPLE.csrfToken,
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(CSRF_TOKEN_MAX_LENGTH)
  csrf_token?: string;

  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @ApiPropertyOptional({ description: RETURN_TO_DESCRIPTION, example: LOGIN_EXAMPLE.returnTo })
  @IsOptional()
  @IsString()
  return_to?: string;
}
