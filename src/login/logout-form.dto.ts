import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';

/** POST /logout body: the page's CSRF token, and where to go afterwards. */
export class LogoutFormDto {
  @IsOptional()
  @IsString()
  @MaxLength(CSRF_TOKEN_MAX_LENGTH)
  csrf_token?: string;

  /** Followed only when `safeReturnTo` keeps it unchanged; otherwise the browser goes to /login. */
  @IsOptional()
  @IsString()
  return_to?: string;
}
