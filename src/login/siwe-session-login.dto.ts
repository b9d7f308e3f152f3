import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { WalletProofDto } from '../wallet/verify/wallet-proof.dto';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';

/**
 * POST /login/siwe body, sent by /static/siwe-login.js: the signed message (checked as at
 * POST /wallet/verify), and the login page's CSRF token and return_to, checked as for the
 * password form.
 */
export class SiweSessionLoginDto extends WalletProofDto {
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
