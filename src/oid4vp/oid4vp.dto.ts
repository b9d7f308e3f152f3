import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Long enough for a presentation with its disclosures, or an encrypted response. */
const MAX_RESPONSE = 64_000;

/** OpenID4VP 1.0 §5.10.1: the wallet's POST to the request URI. */
export class RequestObjectPostDto {
  @ApiPropertyOptional({ description: 'The wallet’s metadata (JSON), read as advisory' })
  @IsOptional()
  @IsString()
  @MaxLength(16_000)
  wallet_metadata?: string;

  @ApiPropertyOptional({ description: 'A nonce the request object must carry back' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  wallet_nonce?: string;
}

/** OpenID4VP 1.0 §8.2-8.3: the wallet's answer at the response URI (a form post). */
export class WalletResponseDto {
  @ApiPropertyOptional({
    description:
      'direct_post: a JSON object, the DCQL credential query ids to arrays of presentations',
    example: '{"pid":["eyJ...~WyJ...~eyJ..."]}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RESPONSE)
  vp_token?: string;

  @ApiPropertyOptional({ description: 'The request’s state (direct_post)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  state?: string;

  @ApiPropertyOptional({
    description: 'direct_post.jwt: the answer as a JWE encrypted to the request’s key (ECDH-ES)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RESPONSE)
  response?: string;

  @ApiPropertyOptional({ description: 'The wallet’s refusal (e.g. access_denied)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  error?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  error_description?: string;
}

export const RESPONSE_MODES = ['direct_post', 'direct_post.jwt'] as const;

/** What a response mode field accepts. */
export function ResponseModeField(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ enum: RESPONSE_MODES, default: 'direct_post' })(target, key);
    IsOptional()(target, key);
    IsIn(RESPONSE_MODES)(target, key);
  };
}
