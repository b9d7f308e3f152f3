import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { WALLET_EXAMPLE } from '../wallet/wallet.examples';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';

/**
 * POST /login/siwe body, sent by /static/siwe-login.js. The message's size limits and grammar are
 * checked by the SIWE parser, the signature's by the verifier; the CSRF token and return_to are
 * the login page's, checked as for the password form.
 */
export class SiweSessionLoginDto {
  @ApiProperty({
    description:
      'EIP-4361 or Sign In With Solana text from POST /wallet/nonce, exactly as signed; at most 4 KiB',
    example: WALLET_EXAMPLE.message,
  })
  @IsString()
  message!: string;

  @ApiProperty({
    description:
      'Ethereum: 0x-hex personal_sign (EIP-191) signature. Solana: the 64-byte Ed25519 signature, base58 or padded base64',
    example: WALLET_EXAMPLE.signature,
  })
  @IsString()
  signature!: string;

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
