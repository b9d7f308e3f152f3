import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Long enough for a presentation with its disclosures, or an encrypted response. */
const MAX_RESPONSE = 64_000;

/** The request's id in its paths (`/oid4vp/requests/{id}`, its request URI), for the OpenAPI document. */
export const OID4VP_REQUEST_ID = {
  name: 'id',
  description: 'The request’s id, as POST /oid4vp/requests answered it',
  example: 'Qm4vT9xLp2bZ7cWk1nRy5sHd8gJf3aUe6oIw0kYt2qN',
};

/** OpenID4VP 1.0 §5.10.1: the wallet's POST to the request URI. */
export class RequestObjectPostDto {
  @ApiPropertyOptional({
    description: 'The wallet’s metadata (JSON), read as advisory',
    example: '{"vp_formats_supported":{"dc+sd-jwt":{}}}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16_000)
  wallet_metadata?: string;

  @ApiPropertyOptional({
    description: 'A nonce the request object must carry back',
    example: 'qz3V5d1rJm6b0LfP',
  })
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

  @ApiPropertyOptional({
    description: 'The request’s state (direct_post)',
    example: 'Yx2bq7tQ0vWcL3nA9sKd4fHj6mPz1rEo8uGi5wTy0bN',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  state?: string;

  @ApiPropertyOptional({
    description:
      'direct_post.jwt: the answer as a JWE encrypted to the request’s key (ECDH-ES); not sent with vp_token',
    example: 'eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSJ9...',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RESPONSE)
  response?: string;

  @ApiPropertyOptional({
    description: 'The wallet’s refusal (e.g. access_denied); not sent with vp_token',
    example: 'access_denied',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  error?: string;

  @ApiPropertyOptional({ example: 'The user declined' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  error_description?: string;
}

/** The answer at the response URI. */
export class WalletResponseAnswerDto {
  @ApiPropertyOptional({
    description:
      'A login page’s request on the same device: where the wallet sends the browser, with a response_code only that browser can redeem',
    example: 'https://proofgate.example/oid4vp/complete?response_code=...',
  })
  redirect_uri?: string;
}

export const RESPONSE_MODES = ['direct_post', 'direct_post.jwt'] as const;

/** What a response mode field accepts. */
export function ResponseModeField(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ enum: RESPONSE_MODES, default: 'direct_post', example: 'direct_post' })(
      target,
      key,
    );
    IsOptional()(target, key);
    IsIn(RESPONSE_MODES)(target, key);
  };
}
