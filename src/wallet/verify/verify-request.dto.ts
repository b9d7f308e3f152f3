import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { WalletProofDto } from './wallet-proof.dto';

/** POST /wallet/verify body: the signed message, and the client the tokens are for. */
export class VerifyRequestDto extends WalletProofDto {
  @ApiPropertyOptional({
    description: 'A registered public client; default `wallet`',
    example: 'wallet',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;
}
