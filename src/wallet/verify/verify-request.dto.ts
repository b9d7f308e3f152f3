import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * POST /wallet/verify body. The message's size limits and grammar are checked by the SIWE
 * parser, the signature's by the verifier: here only the shape.
 */
export class VerifyRequestDto {
  @IsString()
  message!: string;

  @IsString()
  signature!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;
}
