import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { WALLET_EXAMPLE } from '../wallet.examples';

/**
 * POST /wallet/verify body. The message's size limits and grammar are checked by the SIWE
 * parser, the signature's by the verifier: here only the shape.
 */
export class VerifyRequestDto {
  @ApiProperty({
    description: 'The EIP-4361 message from POST /wallet/nonce, exactly as signed; at most 4 KiB',
    example: WALLET_EXAMPLE.message,
  })
  @IsString()
  message!: string;

  @ApiProperty({
    description: '0x-hex personal_sign (EIP-191) signature of the message',
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
