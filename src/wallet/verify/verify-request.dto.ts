import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { WALLET_EXAMPLE } from '../wallet.examples';

/**
 * POST /wallet/verify body. The message's size limits and grammar are checked by the SIWE or
 * SIWS parser, the signature's by the verifier: here only the shape.
 */
export class VerifyRequestDto {
  @ApiProperty({
    description:
      'The EIP-4361 or Sign In With Solana message from POST /wallet/nonce, exactly as signed; at most 4 KiB',
    example: WALLET_EXAMPLE.message,
  })
  @IsString()
  message!: string;

  @ApiProperty({
    description:
      'Ethereum: 0x-hex personal_sign (EIP-191) signature. Solana: the 64-byte Ed25519 signature, base58 (as wallets return it) or padded base64',
    example: WALLET_EXAMPLE.signature,
  })
  @IsString()
  signature!: string;

  @ApiPropertyOptional({
    description: 'A registered public client; default `wallet`',
    example: 'wallet',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;
}
