import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MaxLength } from 'class-validator';
import { UI_LOCALES_MAX_LENGTH } from '../../platform/http/form-fields';
import { SUPPORTED_LOCALES } from '../../platform/i18n/page-locale';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { ClientAuthenticationDto } from '../client-authentication.dto';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam } from '../oauth-params';

/**
 * Longer than any login_hint that can name someone: a username is at most 256 characters, a
 * CAIP-10 account id at most 170, a subject at most 296 (`upstream:`, a provider id of 31, `:`
 * and the provider's `sub`, which OpenID Connect caps at 255 ASCII characters).
 */
export const LOGIN_HINT_MAX_LENGTH = 512;

/**
 * POST /backchannel (CIBA Core 1.0 §7.1): client authentication as at /token, the scope, exactly
 * one hint of whom to ask, and what to show them. Unrecognized parameters are ignored (§7.1); a
 * signed authentication request (`request`, §7.1.1) is recognized, to be refused.
 */
@IgnoreUnknownParameters()
export class BackchannelAuthenticationRequestDto extends ClientAuthenticationDto {
  @ApiPropertyOptional({
    description: 'Space-separated scope values; must include openid, never account',
    example: 'openid api',
  })
  @OptionalOAuthParam()
  scope?: string;

  @ApiPropertyOptional({
    description: `Whom to ask: a username, a wallet account (its CAIP-10 id, as the wallet sign-in names it, an Ethereum address checksummed) or an account subject; at most ${LOGIN_HINT_MAX_LENGTH} characters. Exactly one of login_hint, id_token_hint`,
    example: 'user0',
  })
  @OptionalOAuthParam()
  login_hint?: string;

  @ApiPropertyOptional({
    description: 'Whom to ask: an ID token this server issued (it may have expired)',
    example: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  id_token_hint?: string;

  @ApiPropertyOptional({
    description: 'Not supported: refused with invalid_request (CIBA Core 1.0 §7.1)',
    example: 'eyJhbGciOiJub25lIn0.e30.',
  })
  @OptionalOAuthParam()
  login_hint_token?: string;

  @ApiPropertyOptional({
    description:
      'Not supported: a signed authentication request (CIBA Core 1.0 §7.1.1) is refused with invalid_request, never ignored',
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImFnZW50In0.eyJsb2dpbl9oaW50IjoidXNlcjAifQ.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  request?: string;

  @ApiPropertyOptional({
    description:
      'Shown to the person beside the request, to match it with the agent’s screen; at most 64 characters',
    example: 'Invoice 4711',
  })
  @OptionalOAuthParam()
  binding_message?: string;

  @ApiPropertyOptional({
    description: 'Seconds: a shorter expires_in than CIBA_REQUEST_TTL_SECONDS (never longer)',
    example: '120',
  })
  @OptionalOAuthParam()
  requested_expiry?: string;

  @ApiPropertyOptional({
    description: 'RFC 9396: JSON array of authorization details of AUTHORIZATION_DETAILS_TYPES',
    example: '[{"type":"payment_initiation","amount":"12.00","currency":"EUR","creditor":"X"}]',
  })
  @OptionalOAuthParam()
  authorization_details?: string;

  @ApiPropertyOptional({
    description:
      'Required of a ping client: the Bearer token its backchannel_client_notification_endpoint gets with {auth_req_id} once the person answered (at most 1024 characters)',
    example: '8d67dc78-7faa-4d41-aabd-67707b374255',
  })
  @OptionalOAuthParam()
  client_notification_token?: string;

  @ApiPropertyOptional({
    description: `OpenID Connect Core §3.1.2.1, as at /authorize: the languages of the mail that tells the person of the request, space-separated BCP 47 tags in order of preference, of ui_locales_supported (${SUPPORTED_LOCALES.join(', ')}); others are passed over (then en), never refused. At most ${UI_LOCALES_MAX_LENGTH} characters`,
    example: 'de en',
  })
  @OptionalOAuthParam()
  @MaxLength(UI_LOCALES_MAX_LENGTH)
  ui_locales?: string;

  @ApiPropertyOptional({
    description: 'RFC 8707: the resource the tokens are for (default ACCESS_TOKEN_AUDIENCE)',
    example: EXAMPLE.resource,
  })
  @OptionalOAuthParam()
  resource?: string;
}

/** CIBA Core 1.0 §7.3: the successful answer. */
export class BackchannelAuthenticationResponseDto {
  @ApiProperty({
    description: 'Secret, for /token only (grant_type=urn:openid:params:grant-type:ciba)',
    example: 'LWmbj3ZJxhV6cbI8D9Hj3RiCBy7vOa0FI4Qj3-vy9Ls',
  })
  auth_req_id!: string;

  @ApiProperty({
    description: 'Seconds (CIBA_REQUEST_TTL_SECONDS, or requested_expiry)',
    example: 600,
  })
  expires_in!: number;

  @ApiProperty({
    description: 'Whole seconds to wait between polls (CIBA_INTERVAL_SECONDS)',
    example: 5,
  })
  interval!: number;
}
