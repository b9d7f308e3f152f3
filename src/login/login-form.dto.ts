import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CsrfTokenField, ReturnToField, UiLocalesField } from '../platform/http/form-fields';
import { USERNAME_MAX_LENGTH } from './login.page';
import { PASSWORD_MAX_LENGTH } from '../accounts/users/user-account.service';

/**
 * The password form's POST body. Fields are optional here on purpose: a missing field is an
 * ordinary user mistake answered with the form and a message, not with the JSON error envelope.
 * Repeated or unknown fields and over-long values are malformed and still rejected by validation.
 */
export class LoginFormDto {
  @ApiPropertyOptional({ example: 'user0', maxLength: USERNAME_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(USERNAME_MAX_LENGTH)
  username?: string;

  @ApiPropertyOptional({ example: 'password0', maxLength: PASSWORD_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;

  @CsrfTokenField()
  csrf_token?: string;

  @ReturnToField()
  return_to?: string;

  /** The language the form was shown in: the page shown again after a refusal keeps it. */
  @UiLocalesField()
  ui_locales?: string;
}
