import { ApiProperty } from '@nestjs/swagger';
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
}
