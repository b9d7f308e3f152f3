import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const ISSUER = 'http://localhost:25000';

/** RFC 8414 §2 authorization server metadata. */
export class AuthorizationServerMetadataDto {
  @ApiProperty({ example: ISSUER })
  issuer!: string;

  @ApiProperty({ example: `${ISSUER}/authorize` })
  authorization_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/token` })
  token_endpoint!: string;

  @ApiProperty({ description: 'RFC 9126 §5', example: `${ISSUER}/par` })
  pushed_authorization_request_endpoint!: string;

  @ApiProperty({
    description: 'RFC 9126 §5: every client must push (REQUIRE_PUSHED_AUTHORIZATION_REQUESTS)',
    example: false,
  })
  require_pushed_authorization_requests!: boolean;

  @ApiProperty({
    description:
      'OpenID Connect Discovery §3 / RFC 9101: request objects by value (`request`), at /authorize and /par',
    example: true,
  })
  request_parameter_supported!: boolean;

  @ApiProperty({
    description:
      'OpenID Connect Discovery §3: a `request_uri` is POST /par’s, or the URL of a request object the client registered (request_uris), fetched (OpenID Connect Core §6.2)',
    example: true,
  })
  request_uri_parameter_supported!: boolean;

  @ApiProperty({
    description:
      'OpenID Connect Discovery §3: a request_uri that is not POST /par’s must be one of the client’s registered request_uris',
    example: true,
  })
  require_request_uri_registration!: boolean;

  @ApiProperty({
    type: [String],
    description:
      'OpenID Connect Discovery §3: how a request object may be signed, with the client’s registered keys; `none` from a client that registered no request_object_signing_alg',
    example: ['none', 'ES256', 'PS256', 'RS256', 'EdDSA'],
  })
  request_object_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ description: 'RFC 8628 §4', example: `${ISSUER}/device_authorization` })
  device_authorization_endpoint!: string;

  @ApiProperty({ description: 'CIBA Core 1.0 §4', example: `${ISSUER}/backchannel` })
  backchannel_authentication_endpoint!: string;

  @ApiProperty({
    type: [String],
    description: 'CIBA Core 1.0 §4: how a backchannel request’s tokens reach the client',
    example: ['poll', 'ping'],
  })
  backchannel_token_delivery_modes_supported!: string[];

  @ApiProperty({ description: 'CIBA Core 1.0 §4: no user_code parameter', example: false })
  backchannel_user_code_parameter_supported!: boolean;

  @ApiProperty({ example: `${ISSUER}/revoke` })
  revocation_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/introspect` })
  introspection_endpoint!: string;

  @ApiProperty({
    description: 'OpenID Connect RP-Initiated Logout 1.0: GET or POST',
    example: `${ISSUER}/end_session`,
  })
  end_session_endpoint!: string;

  @ApiProperty({ description: 'OpenID Connect Back-Channel Logout 1.0 §2.1', example: true })
  backchannel_logout_supported!: boolean;

  @ApiProperty({
    description: 'Every logout token carries `sid` (Back-Channel Logout 1.0 §2.1)',
    example: true,
  })
  backchannel_logout_session_supported!: boolean;

  @ApiPropertyOptional({
    description: 'RFC 7591 dynamic client registration (absent when registration is disabled)',
    example: `${ISSUER}/register`,
  })
  registration_endpoint?: string;

  @ApiProperty({ example: `${ISSUER}/jwks.json` })
  jwks_uri!: string;

  @ApiProperty({ type: [String], example: ['code'] })
  response_types_supported!: string[];

  @ApiProperty({ type: [String], example: ['query'] })
  response_modes_supported!: string[];

  @ApiProperty({ type: [String], example: ['authorization_code', 'refresh_token'] })
  grant_types_supported!: string[];

  @ApiProperty({ type: [String], example: ['S256'] })
  code_challenge_methods_supported!: string[];

  @ApiProperty({
    type: [String],
    example: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
  })
  token_endpoint_auth_methods_supported!: string[];

  @ApiProperty({
    type: [String],
    example: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
  })
  revocation_endpoint_auth_methods_supported!: string[];

  @ApiProperty({
    type: [String],
    example: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  })
  introspection_endpoint_auth_methods_supported!: string[];

  @ApiProperty({
    type: [String],
    description: 'RFC 8414: the algorithms a private_key_jwt client assertion may use (RFC 7523)',
    example: ['ES256', 'PS256', 'RS256', 'EdDSA'],
  })
  token_endpoint_auth_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ type: [String], example: ['ES256', 'PS256', 'RS256', 'EdDSA'] })
  revocation_endpoint_auth_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ type: [String], example: ['ES256', 'PS256', 'RS256', 'EdDSA'] })
  introspection_endpoint_auth_signing_alg_values_supported!: readonly string[];

  @ApiProperty({ type: [String], example: ['openid', 'profile', 'api', 'account'] })
  scopes_supported!: readonly string[];

  @ApiProperty({ description: 'RFC 9207: authorization responses carry `iss`', example: true })
  authorization_response_iss_parameter_supported!: boolean;

  @ApiProperty({
    type: [String],
    description: 'RFC 9449 §5.1: the JWS algorithms accepted for DPoP proofs',
    example: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
  })
  dpop_signing_alg_values_supported!: string[];

  @ApiProperty({
    type: [String],
    description:
      'RFC 9396 §10: the authorization_details types clients may ask for (AUTHORIZATION_DETAILS_TYPES)',
    example: ['payment_initiation'],
  })
  authorization_details_types_supported!: string[];

  @ApiProperty({
    type: [String],
    description:
      "RFC 9728 §4: this server's own APIs (its API, the admin API, the Shared Signals stream API), then the APIs declared with scopes of their own (RESOURCE_SERVERS); others per client (RFC 8707)",
    example: [`${ISSUER}/api`, `${ISSUER}/admin/v1`, `${ISSUER}/ssf`],
  })
  protected_resources!: string[];

  @ApiPropertyOptional({
    description:
      'draft-ietf-oauth-client-id-metadata-document: an https client_id is the URL of the client metadata (absent when CLIENT_METADATA_DOCUMENTS=false)',
    example: true,
  })
  client_id_metadata_document_supported?: boolean;

  @ApiProperty({
    type: [String],
    description:
      'OpenID Connect Discovery §3 / RFC 9470: the `acr_values` honoured; phr (phishing-resistant) is met by a passkey sign-in only',
    example: ['phr'],
  })
  acr_values_supported!: readonly string[];

  @ApiProperty({
    type: [String],
    description:
      'RFC 8414 §2 / OpenID Connect Discovery §3: the languages of the pages and mails a person sees, as `ui_locales` chooses them (then Accept-Language, then en)',
    example: ['en', 'de', 'fr', 'es'],
  })
  ui_locales_supported!: readonly string[];

  @ApiProperty({
    type: [String],
    description:
      'draft-ietf-oauth-identity-assertion-authz-grant: the JWT-bearer grant accepts Identity Assertion JWT Authorization Grants (ID-JAG) from the issuers in JWT_BEARER_ISSUERS',
    example: ['urn:ietf:params:oauth:grant-profile:id-jag'],
  })
  authorization_grant_profiles_supported!: readonly string[];
}
