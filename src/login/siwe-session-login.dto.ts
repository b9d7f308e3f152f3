import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';

/**
 * POST /login/siwe body, sent by /static/siwe-login.js. The message's size limits and grammar are
 * checked by the SIWE parser, the signature's by the verifier; the CSRF token and return_to are
 * the login page's, checked as for the password form.
 */
export class SiweSessionLoginDto {
  @IsString()
  message!: string;

  @IsString()
  signature!: string;

  @IsOptional()
  @IsString()
  @MaxLength(CSRF_TOKEN_MAX_LENGTH)
  csrf_token?: string;

  /** Checked by `safeReturnTo`: an unsafe value is replaced, not refused. */
  @IsOptional()
  @IsString()
  return_to?: string;
}
