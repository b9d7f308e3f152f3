import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from './login.page';

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

  @ApiPropertyOptional({
    description: CSRF_TOKEN_DESCRIPTION,
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
