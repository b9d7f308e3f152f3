import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 7591 §3.2.1: the client information response. */
export class ClientRegistrationResponseDto {
  @ApiProperty({
    description: 'Issued by the server; starts with `dcr_`, so it never looks like a user `sub`',
    example: 'dcr_3q2d4kqv7m9w2x5f6h8j0c1b',
  })
  client_id!: string;

  @ApiProperty({
    description: 'When the client_id was issued (seconds since the epoch)',
    example: 1767225600,
  })
  client_id_issued_at!: number;

  @ApiPropertyOptional({
    description: 'Confidential clients only: shown this once, stored only as a hash',
    example: 'mJ0sT3lq0f1oX8uQh6o0b9Yw3Zr3pVqk1c2d3e4f5g6',
  })
  client_secret?: string;

  @ApiPropertyOptional({ description: '0: the secret does not expire', example: 0 })
  client_secret_expires_at?: number;

  @ApiProperty({ type: [String], example: ['http://127.0.0.1:53682/callback'] })
  redirect_uris!: string[];

  @ApiPropertyOptional({ example: 'Example MCP client' })
  client_name?: string;

  @ApiPropertyOptional({
    description: 'RFC 7591 §2, when registered',
    example: 'https://app.example.com/logo.png',
  })
  logo_uri?: string;

  @ApiPropertyOptional({
    description: 'RFC 7591 §2, when registered',
    example: 'https://app.example.com/privacy',
  })
  policy_uri?: string;

  @ApiPropertyOptional({
    description: 'RFC 7591 §2, when registered',
    example: 'https://app.example.com/terms',
  })
  tos_uri?: string;

  @ApiProperty({
    example: 'none',
    enum: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  })
  token_endpoint_auth_method!: string;

  @ApiProperty({ type: [String], example: ['authorization_code', 'refresh_token'] })
  grant_types!: string[];

  @ApiProperty({ type: [String], example: ['code'] })
  response_types!: string[];

  @ApiProperty({
    description: 'OpenID Connect Registration §2, as sent or inferred from the redirect URIs',
    enum: ['web', 'native'],
    example: 'native',
  })
  application_type!: 'web' | 'native';

  @ApiPropertyOptional({ description: 'RFC 9449 §5.2, when registered true', example: true })
  dpop_bound_access_tokens?: boolean;

  @ApiPropertyOptional({ description: 'RFC 9126 §6, when registered true', example: true })
  require_pushed_authorization_requests?: boolean;

  @ApiProperty({
    description:
      'Whether its authorization requests must use PKCE: false only for a confidential client registered so, whose OpenID Connect requests may rely on nonce instead (RFC 9700 §2.1.1)',
    example: true,
  })
  require_pkce!: boolean;

  @ApiPropertyOptional({
    description: 'private_key_jwt: the public keys registered (RFC 7517 JWK Set)',
    type: 'object',
    additionalProperties: true,
  })
  jwks?: { keys: Array<Record<string, unknown>> };

  @ApiPropertyOptional({
    description: 'private_key_jwt: where the public keys are published',
    example: 'https://agent.example.com/jwks.json',
  })
  jwks_uri?: string;

  @ApiPropertyOptional({
    description: 'OpenID Connect Registration §2, when registered',
    example: 'ES256',
  })
  request_object_signing_alg?: string;

  @ApiProperty({
    description:
      'OpenID Connect Registration §2: the alg of the ID tokens it gets, always said (TOKEN_SIGNING_ALG; a registration may name only that one)',
    enum: ['ES256', 'RS256'],
    example: 'ES256',
  })
  id_token_signed_response_alg!: string;

  @ApiPropertyOptional({
    description:
      'OpenID Connect Registration §2, when registered: /userinfo answers with a JWT signed with it',
    enum: ['ES256', 'RS256'],
    example: 'RS256',
  })
  userinfo_signed_response_alg?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'OpenID Connect Registration §2, when registered',
    example: ['https://app.example.com/requests/1.jwt'],
  })
  request_uris?: string[];

  @ApiPropertyOptional({ description: 'RFC 9101 §10.5, when registered', example: true })
  require_signed_request_object?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'OpenID Connect RP-Initiated Logout 1.0 §3.1, when registered',
    example: ['https://app.example.com/signed-out'],
  })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    description: 'OpenID Connect Back-Channel Logout 1.0 §2.2, when registered',
    example: 'https://app.example.com/backchannel-logout',
  })
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({
    description: 'Back-Channel Logout 1.0 §2.2, when registered true',
    example: true,
  })
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'RFC 9396 §10, when registered: the authorization details types it may ask for',
    example: ['payment_initiation'],
  })
  authorization_details_types?: string[];

  @ApiPropertyOptional({
    description:
      'RFC 7591 §2, when registered: the only scopes it may ask for, those of the scope asked that this server grants',
    example: 'openid profile',
  })
  scope?: string;

  @ApiPropertyOptional({
    enum: ['poll', 'ping'],
    description: 'CIBA Core 1.0 §4, for a client of the CIBA grant',
    example: 'poll',
  })
  backchannel_token_delivery_mode?: 'poll' | 'ping';

  @ApiPropertyOptional({
    description: 'CIBA Core 1.0 §4, of a ping client: where {auth_req_id} is POSTed once answered',
    example: 'https://agent.example.com/ciba/ping',
  })
  backchannel_client_notification_endpoint?: string;
}
