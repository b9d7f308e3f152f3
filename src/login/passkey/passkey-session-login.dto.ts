import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { AuthenticationResponseDto } from '../../passkeys/passkey-request.dto';
import { PASSKEY_EXAMPLE } from '../../passkeys/passkeys.examples';
import { LoginPageFieldsDto } from '../login-page-fields.dto';

/** POST /login/passkey body, sent by /static/passkey-login.js. */
export class PasskeySessionLoginDto extends LoginPageFieldsDto {
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
}
