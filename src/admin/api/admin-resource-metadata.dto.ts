import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ADMIN_SCOPES } from '../../protocol-rules/admin-scopes';
import { ProtectedResourceMetadataDto } from '../../resource-server/protected-resource-metadata.dto';

const ISSUER = 'https://auth.example';

/** RFC 9728 §2: the protected resource metadata of the admin API, for the OpenAPI document. */
export class AdminResourceMetadataDto extends OmitType(ProtectedResourceMetadataDto, [
  'resource',
  'scopes_supported',
  'resource_name',
  'dpop_bound_access_tokens_required',
] as const) {
  @ApiProperty({ description: "The admin API's tokens' `aud`", example: `${ISSUER}/admin/v1` })
  resource!: string;

  @ApiProperty({ type: [String], example: [...ADMIN_SCOPES] })
  scopes_supported!: string[];

  @ApiProperty({ example: 'Proofgate admin API' })
  resource_name!: string;
}
