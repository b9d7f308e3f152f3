import { ApiProperty } from '@nestjs/swagger';
import { AuthorizationServerMetadataDto } from './authorization-server-metadata.dto';
import {
  AGE_CLAIMS,
  EMAIL_CLAIMS,
  IDENTITY_CLAIMS,
  PROFILE_CLAIMS,
} from '../../protocol-rules/claims-request';

/** The claims of our ID tokens and UserInfo responses, for `claims_supported`. */
export const ID_TOKEN_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'amr',
  'acr',
  'sid',
  // The profile claims an account has (the profile scope, the claims parameter).
  ...PROFILE_CLAIMS,
  // The email scope's.
  ...EMAIL_CLAIMS,
  // An identity credential's, as disclosed (scopes identity and age, docs/IDENTITY-WALLETS.md).
  ...IDENTITY_CLAIMS,
  ...AGE_CLAIMS,
];

/** OpenID Connect Discovery 1.0 §3 OpenID Provider metadata. */
export class OpenIdProviderMetadataDto extends AuthorizationServerMetadataDto {
  @ApiProperty({ example: 'http://localhost:25000/userinfo' })
  userinfo_endpoint!: string;

  @ApiProperty({ type: [String], example: ['public'] })
  subject_types_supported!: string[];

  @ApiProperty({
    type: [String],
    description: 'The algs of the signing keys; the active key decides which one signs',
    example: ['ES256', 'RS256'],
  })
  id_token_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ type: [String], example: ID_TOKEN_CLAIMS })
  claims_supported!: string[];

  @ApiProperty({
    description:
      'OpenID Connect Core §5.5: the claims parameter is read (profile claims in the ID token or at /userinfo, an essential acr, a sub value)',
    example: true,
  })
  claims_parameter_supported!: boolean;
}
