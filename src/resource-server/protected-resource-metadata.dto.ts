import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPORTED_SCOPES } from '../tokens/scopes';

const ISSUER = 'http://localhost:25000';

/** RFC 9728 §2 protected resource metadata of Proofgate's own API. */
export class ProtectedResourceMetadataDto {
  @ApiProperty({
    description: 'ACCESS_TOKEN_AUDIENCE: the `aud` its tokens carry',
    example: `${ISSUER}/api`,
  })
  resource!: string;

  @ApiProperty({ type: [String], example: [ISSUER] })
  authorization_servers!: string[];

  @ApiProperty({ type: [String], example: ['header'] })
  bearer_methods_supported!: string[];

  @ApiProperty({ type: [String], example: [...SUPPORTED_SCOPES] })
  scopes_supported!: readonly string[];

  @ApiProperty({ example: `${ISSUER}/jwks.json` })
  jwks_uri!: string;

  @ApiProperty({ example: 'Proofgate API' })
  resource_name!: string;

  @ApiProperty({
    type: [String],
    description: 'RFC 9449: the algorithms of the DPoP proofs accepted with bound tokens',
    example: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
  })
  dpop_signing_alg_values_supported!: string[];

  @ApiPropertyOptional({
    description: 'Only DPoP-bound tokens (API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED); absent: false',
    example: true,
  })
  dpop_bound_access_tokens_required?: boolean;
}
