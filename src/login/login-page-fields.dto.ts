import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';

/**
 * What a JSON login sent from the login page (POST /login/siwe, /login/passkey) carries besides
 * its proof: the page's CSRF token and return_to, checked as for the password form.
 */
export class LoginPageFieldsDto {
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
