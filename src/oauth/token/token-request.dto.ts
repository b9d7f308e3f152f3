import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { ClientAuthenticationDto } from '../client-authentication.dto';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam, RequiredOAuthParam } from '../oauth-params';
import type { CommonTokenParameters, GrantEntry, OwnParameterNames } from './grant';
import { GRANTS, supportedGrantTypes, withGrantParameters } from './token-grants';

/** What every token request carries, whatever its grant. */
export interface TokenRequestParameters extends ClientAuthenticationDto, CommonTokenParameters {
  grant_type: string;
}

/**
 * POST /token parameters (RFC 6749 §4.1.3, §6; RFC 7636 §4.5) for `grants`: `grant_type` (one of
 * theirs), the client's credentials and the parameters every grant may read, declared here, and
 * each grant's own, declared in its file. Only grant_type is required here: each grant checks
 * the parameters it needs once the client is authenticated. Unrecognized parameters are ignored
 * (RFC 6749 §3.2).
 */
export function tokenRequestDto<const Grants extends readonly GrantEntry[]>(
  grants: Grants,
): Type<TokenRequestParameters & { [Name in OwnParameterNames<Grants[number]>]?: string }> {
  @IgnoreUnknownParameters()
  class TokenRequest extends ClientAuthenticationDto implements TokenRequestParameters {
    @ApiProperty({ enum: supportedGrantTypes(grants), example: 'authorization_code' })
    @RequiredOAuthParam('grant_type is required')
    grant_type!: string;

    @ApiPropertyOptional({
      description:
        'refresh_token: a narrower scope than granted (RFC 6749 §6); client_credentials: within `api` (default `api`)',
      example: EXAMPLE.scope,
    })
    @OptionalOAuthParam()
    scope?: string;

    @ApiPropertyOptional({
      description:
        'RFC 8707: the resource the access token is for, one the grant authorized (default that one); client_credentials: one the client may use (default ACCESS_TOKEN_AUDIENCE)',
      example: EXAMPLE.resource,
    })
    @OptionalOAuthParam()
    resource?: string;
  }
  return withGrantParameters(TokenRequest, grants);
}

/** The token endpoint's request: the parameters of the grant list's grants. */
export class TokenRequestDto extends tokenRequestDto(GRANTS) {}
