import {
  AuthenticationResponseDto,
  AuthenticationResponseField,
} from '../../passkeys/passkey-request.dto';
import { LoginPageFieldsDto } from '../login-page-fields.dto';

/** POST /login/passkey body, sent by /static/passkey-login.js. */
export class PasskeySessionLoginDto extends LoginPageFieldsDto {
  @AuthenticationResponseField()
  response!: AuthenticationResponseDto;
}
