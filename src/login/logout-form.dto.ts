import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE } from './login.examples';

/** POST /logout body: the page's CSRF token, and where to go afterwards. */
export class LogoutFormDto {
  @ApiPropertyOptional({ description: CSRF_TOKEN_DESCRIPTION, example: LOGIN_EXAMPLE.csrfToken })
  @IsOptional()
  @IsString()
  @MaxLength(CSRF_TOKEN_MAX_LENGTH)
  csrf_token?: string;

  /** Followed only when `safeReturnTo` keeps it unchanged; otherwise the browser goes to /login. */
  @ApiPropertyOptional({
    description:
      'Where to go afterwards: a relative /authorize? path; anything else goes to /login',
    example: LOGIN_EXAMPLE.returnTo,
  })
  @IsOptional()
  @IsString()
  return_to?: string;
}
