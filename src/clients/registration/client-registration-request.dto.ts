import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * RFC 7591 §2 client metadata, for the OpenAPI description only: the body is read by
 * `parseClientMetadata`, because RFC 7591 wants unknown metadata ignored (arrays included) and
 * its own error codes (`invalid_redirect_uri`, `invalid_client_metadata`), not `invalid_request`.
 */
export class ClientRegistrationRequestDto {
  @ApiProperty({
    type: [String],
    description:
      'At most 10: https, http on 127.0.0.1, [::1] or localhost, or a reverse-domain private-use scheme; no fragment. Empty for a client whose grants use no redirect (client_credentials)',
    example: ['http://127.0.0.1:53682/callback'],
  })
  redirect_uris!: string[];

  @ApiPropertyOptional({
    description: 'Shown on the consent screen (at most 100 characters)',
    example: 'Example MCP client',
  })
  client_name?: string;

  @ApiPropertyOptional({
    description:
      'RFC 7591 §2: an https URL of its logo, shown on the consent screen only when its origin is one of CONSENT_LOGO_ORIGINS (never fetched by the server)',
    example: 'https://app.example.com/logo.png',
  })
  logo_uri?: string;

  @ApiPropertyOptional({
    description: 'RFC 7591 §2: an https URL of its privacy policy, a link on the consent screen',
    example: 'https://app.example.com/privacy',
  })
  policy_uri?: string;

  @ApiPropertyOptional({
    description: 'RFC 7591 §2: an https URL of its terms of service, a link on the consent screen',
    example: 'https://app.example.com/terms',
  })
  tos_uri?: string;

  @ApiPropertyOptional({
    description:
      'RFC 7591 default `client_secret_basic`. `none` (a public client, PKCE only) is open to anyone; the others need the initial access token. `private_key_jwt` (RFC 7523) registers `jwks` or `jwks_uri` and gets no secret',
    enum: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    example: 'none',
  })
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Default `authorization_code`. `client_credentials` (confidential clients) needs no redirect_uris: send `[]` with `response_types: []`',
    example: ['authorization_code', 'refresh_token'],
  })
  grant_types?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Default `code`', example: ['code'] })
  response_types?: string[];

  @ApiPropertyOptional({
    description: "RFC 9449 §5.2: refuse this client's token requests without a DPoP proof",
    example: true,
  })
  dpop_bound_access_tokens?: boolean;

  @ApiPropertyOptional({
    description: 'RFC 9126 §6: accept its authorization requests only through POST /par',
    example: false,
  })
  require_pushed_authorization_requests?: boolean;

  @ApiPropertyOptional({
    description:
      'Default true. false (a confidential client only; a public client is refused): its OpenID Connect requests (scope openid) may go without PKCE and rely on nonce (RFC 9700 §2.1.1); a request with a code_challenge still needs its code_verifier',
    example: true,
  })
  require_pkce?: boolean;

  @ApiPropertyOptional({
    description:
      'private_key_jwt: the public keys (RFC 7517 JWK Set, EC/RSA/OKP, at most 10); a private key is refused, and so is a key that breaks the key rules DPoP proof keys meet (RSA: 2048 to 4096 bits, e = 65537; EC: a point on P-256, P-384 or P-521)',
    example: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          kid: 'agent-key-1',
        },
      ],
    },
    type: 'object',
    additionalProperties: true,
  })
  jwks?: { keys: Array<Record<string, unknown>> };

  @ApiPropertyOptional({
    description: 'private_key_jwt: where the public keys are published (instead of jwks)',
    example: 'https://agent.example.com/jwks.json',
  })
  jwks_uri?: string;

  @ApiPropertyOptional({
    enum: ['ES256', 'PS256', 'RS256', 'EdDSA'],
    description:
      'OpenID Connect Registration §2: every request object (RFC 9101) must be signed with this algorithm, by a registered key (private_key_jwt only); absent: unsigned ones (alg none) are accepted too',
    example: 'ES256',
  })
  request_object_signing_alg?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'OpenID Connect Registration §2: where it publishes the request objects it passes by reference (request_uri at /authorize, Core §6.2): at most 10 https URLs (http outside production) of at most 512 characters; fetched through the SSRF guard, at most 16 KiB within 5 s, verified as a request parameter is',
    example: ['https://app.example.com/requests/1.jwt'],
  })
  request_uris?: string[];

  @ApiPropertyOptional({
    enum: ['ES256', 'RS256'],
    description:
      'OpenID Connect Registration §2: only the alg every ID token is signed with (TOKEN_SIGNING_ALG) is accepted; another is invalid_client_metadata',
    example: 'ES256',
  })
  id_token_signed_response_alg?: string;

  @ApiPropertyOptional({
    enum: ['ES256', 'RS256'],
    description:
      'OpenID Connect Registration §2: /userinfo answers this client with a JWT (application/jwt) signed with this alg by the key for it in /jwks.json, carrying iss and aud (Core §5.3.2); absent: JSON',
    example: 'RS256',
  })
  userinfo_signed_response_alg?: string;

  @ApiPropertyOptional({
    description:
      'RFC 9101 §10.5: every authorization request must be a signed request object (private_key_jwt only; FAPI 2.0 Message Signing)',
    example: false,
  })
  require_signed_request_object?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description:
      'OpenID Connect RP-Initiated Logout 1.0 §3.1: where /end_session may send the browser back to; the rules of redirect_uris',
    example: ['http://127.0.0.1:53682/signed-out'],
  })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    description:
      'OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed; https (http on a loopback or private address with BACKCHANNEL_LOGOUT_ALLOW_PRIVATE), no fragment',
    example: 'https://app.example.com/backchannel-logout',
  })
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({
    description: 'Back-Channel Logout 1.0 §2.2 (every logout token carries `sid` anyway)',
    example: false,
  })
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description:
      'RFC 9396 §10: the only authorization details types it may ask for, each of authorization_details_types_supported (at most 20)',
    example: ['payment_initiation'],
  })
  authorization_details_types?: string[];

  @ApiPropertyOptional({
    description:
      "RFC 7591 §2: the only scopes it may ask for, space-separated: this server's (scopes_supported) and the declared APIs' (their resource metadata); others are dropped, and the answer says what was registered. Never an admin scope or ssf",
    example: 'openid profile offline_access',
  })
  scope?: string;

  @ApiPropertyOptional({
    enum: ['poll', 'ping'],
    description:
      'CIBA Core 1.0 §4, with grant type urn:openid:params:grant-type:ciba: poll (the default) or ping (with backchannel_client_notification_endpoint); push is refused',
    example: 'poll',
  })
  backchannel_token_delivery_mode?: string;

  @ApiPropertyOptional({
    description:
      'CIBA Core 1.0 §4, required for ping: https (http on a loopback or private address outside production), where {auth_req_id} is POSTed with the client_notification_token as Bearer once the person answered',
    example: 'https://agent.example.com/ciba/ping',
  })
  backchannel_client_notification_endpoint?: string;

  @ApiPropertyOptional({
    description: 'CIBA Core 1.0 §4: false (no user code is supported)',
    example: false,
  })
  backchannel_user_code_parameter?: boolean;
}
