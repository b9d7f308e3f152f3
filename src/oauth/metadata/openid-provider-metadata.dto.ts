import { ApiProperty } from '@nestjs/swagger';
import { AuthorizationServerMetadataDto } from './authorization-server-metadata.dto';
import { USER_CLAIMS } from '../../protocol-rules/claims-request';

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
  // The claims about the user: those of the profile, email, identity and age scopes, each of
  // which the claims parameter may also ask for alone (protocol-rules/claims-request.ts).
  ...USER_CLAIMS,
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

  @ApiProperty({
    type: [String],
    description:
      'OpenID Connect Registration §2 userinfo_signed_response_alg: the algs /userinfo signs its answer with, for a client that registered one',
    example: ['ES256', 'RS256'],
  })
  userinfo_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ type: [String], example: ID_TOKEN_CLAIMS })
  claims_supported!: string[];

  @ApiProperty({
    description:
      'OpenID Connect Core §5.5: the claims parameter is read (any claim about the user of claims_supported, in the ID token or at /userinfo, without its scope; an essential acr; a sub value)',
    example: true,
  })
  claims_parameter_supported!: boolean;
}
