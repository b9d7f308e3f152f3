import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { ClientAuthenticationDto } from '../client-authentication.dto';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam, RequiredOAuthParam } from '../oauth-params';
import { SUPPORTED_GRANT_TYPES } from './grant-types';

/**
 * POST /token parameters (RFC 6749 §4.1.3, §6; RFC 7636 §4.5). Only grant_type is required here:
 * each grant checks the parameters it needs once the client is authenticated. Unrecognized
 * parameters are ignored (RFC 6749 §3.2).
 */
@IgnoreUnknownParameters()
export class TokenRequestDto extends ClientAuthenticationDto {
  @ApiProperty({ enum: SUPPORTED_GRANT_TYPES, example: 'authorization_code' })
  @RequiredOAuthParam('grant_type is required')
  grant_type!: string;

  @ApiPropertyOptional({
    description: 'authorization_code: the code from /authorize',
    example: EXAMPLE.code,
  })
  @OptionalOAuthParam()
  code?: string;

  @ApiPropertyOptional({
    description: 'authorization_code: the redirect_uri of the authorization request',
    example: EXAMPLE.redirectUri,
  })
  @OptionalOAuthParam()
  redirect_uri?: string;

  @ApiPropertyOptional({
    description: 'authorization_code: the PKCE verifier, 43-128 characters of [A-Za-z0-9-._~]',
    example: EXAMPLE.codeVerifier,
  })
  @OptionalOAuthParam()
  code_verifier?: string;

  @ApiPropertyOptional({
    description: 'refresh_token: the refresh token (rotated on every use)',
    example: EXAMPLE.refreshToken,
  })
  @OptionalOAuthParam()
  refresh_token?: string;

  @ApiPropertyOptional({
    description:
      'refresh_token: a narrower scope than granted (RFC 6749 §6); client_credentials: within `api` (default `api`)',
    example: EXAMPLE.scope,
  })
  @OptionalOAuthParam()
  scope?: string;

  @ApiPropertyOptional({
    description:
      'urn:ietf:params:oauth:grant-type:device_code: the device_code from /device_authorization (RFC 8628 §3.4)',
    example: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  })
  @OptionalOAuthParam()
  device_code?: string;

  @ApiPropertyOptional({
    description:
      'RFC 8707: the resource the access token is for, one the grant authorized (default that one); client_credentials: one the client may use (default ACCESS_TOKEN_AUDIENCE)',
    example: EXAMPLE.resource,
  })
  @OptionalOAuthParam()
  resource?: string;

  @ApiPropertyOptional({
    description:
      'token-exchange (RFC 8693 §2.1): a Proofgate access token issued to this client, to exchange',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjFhMmIzYyJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  subject_token?: string;

  @ApiPropertyOptional({
    description: 'token-exchange: the type of subject_token; only the access token type',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  })
  @OptionalOAuthParam()
  subject_token_type?: string;

  @ApiPropertyOptional({
    description: 'token-exchange: the type of token wanted; only (and by default) an access token',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  })
  @OptionalOAuthParam()
  requested_token_type?: string;

  @ApiPropertyOptional({
    description:
      "token-exchange: the target by name (RFC 8693 §2.1); like resource, only the subject token's grant's",
    example: EXAMPLE.resource,
  })
  @OptionalOAuthParam()
  audience?: string;

  @ApiPropertyOptional({
    description: 'token-exchange: not supported (the acting party is the authenticated client)',
    example: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhY3RvciJ9.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  actor_token?: string;

  @ApiPropertyOptional({
    description: 'token-exchange: the type of actor_token (not supported)',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  })
  @OptionalOAuthParam()
  actor_token_type?: string;

  @ApiPropertyOptional({
    description:
      'urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 §2.1): the assertion of an issuer in JWT_BEARER_ISSUERS, an ID-JAG (typ oauth-id-jag+jwt) or a workload JWT',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWlkLWphZytqd3QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  assertion?: string;
}
