import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam, RepeatableOAuthParam } from '../oauth-params';
import { CODE_CHALLENGE_METHODS } from '../pkce/check-pkce';
import { SUPPORTED_SCOPES } from '../../tokens/scopes';
import { SUPPORTED_ACR_VALUES } from '../../protocol-rules/acr';
import { SUPPORTED_LOCALES } from '../../platform/i18n/page-locale';
import { MAX_CLAIMS_PARAMETER_LENGTH, USER_CLAIMS } from '../../protocol-rules/claims-request';
import {
  HELD_REQUEST_PARAM,
  MAX_NONCE_LENGTH,
  SIGN_IN_MARKER_PARAM,
} from './authorization-parameters';
import { MAX_RESOURCES_PER_REQUEST } from '../resource/check-resource';

/**
 * GET /authorize query, or POST /authorize form (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect
 * Core §3.1.2.1). The description marks what the
 * protocol requires, but no presence rule is enforced here: until the client and redirect URI are
 * known to be genuine an error is a page, afterwards a redirect to the client (§4.1.2.1), so
 * AuthorizationEndpoint checks each one in that order. Unrecognized parameters are ignored (§3.1).
 */
@IgnoreUnknownParameters()
export class AuthorizationRequestDto {
  @ApiProperty({ required: true, enum: ['code'], example: 'code' })
  @OptionalOAuthParam()
  response_type?: string;

  @ApiProperty({ required: true, example: EXAMPLE.clientId })
  @OptionalOAuthParam()
  client_id?: string;

  @ApiProperty({
    required: true,
    description: 'Exactly as registered for the client',
    example: EXAMPLE.redirectUri,
  })
  @OptionalOAuthParam()
  redirect_uri?: string;

  @ApiPropertyOptional({
    description:
      'Returned unchanged with the code; required of a request without PKCE unless OAUTH_REQUIRE_STATE=false',
    example: EXAMPLE.state,
  })
  @OptionalOAuthParam()
  state?: string;

  @ApiPropertyOptional({
    description: `Space-separated, of: ${SUPPORTED_SCOPES.join(', ')}; default profile`,
    example: EXAMPLE.scope,
  })
  @OptionalOAuthParam()
  scope?: string;

  @ApiProperty({
    required: true,
    description:
      'BASE64URL(SHA-256(code_verifier)): 43 characters. Optional only for an OpenID Connect request (scope openid) of a confidential client registered with require_pkce false',
    example: EXAMPLE.codeChallenge,
  })
  @OptionalOAuthParam()
  code_challenge?: string;

  @ApiProperty({ required: true, enum: CODE_CHALLENGE_METHODS, example: 'S256' })
  @OptionalOAuthParam()
  code_challenge_method?: string;

  @ApiPropertyOptional({
    description: `OpenID Connect: echoed in the ID token's \`nonce\` claim; at most ${MAX_NONCE_LENGTH} characters`,
    example: EXAMPLE.nonce,
  })
  @OptionalOAuthParam()
  nonce?: string;

  @ApiPropertyOptional({
    description: `RFC 8707: the absolute URI of an API the access tokens are for; default ACCESS_TOKEN_AUDIENCE. Repeat it (at most ${MAX_RESOURCES_PER_REQUEST}) for a grant at several APIs: each access token is for one, by default the first`,
    type: [String],
    example: [EXAMPLE.resource],
  })
  @RepeatableOAuthParam()
  resource?: string[];

  @ApiPropertyOptional({
    description:
      'RFC 9449 §10: the RFC 7638 thumbprint of the DPoP key the code may be redeemed with',
    example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  })
  @OptionalOAuthParam()
  dpop_jkt?: string;

  @ApiPropertyOptional({
    description:
      'OAuth 2.0 Multiple Response Type Encoding Practices §2.1: `query`, the only mode this server answers in (response_modes_supported); another is refused',
    example: 'query',
  })
  @OptionalOAuthParam()
  response_mode?: string;

  @ApiPropertyOptional({
    description:
      'OpenID Connect: `login` asks for a new sign-in, `none` for no page at all (login_required, consent_required or unmet_authentication_requirements to the redirect URI instead)',
    example: 'login',
  })
  @OptionalOAuthParam()
  prompt?: string;

  @ApiPropertyOptional({
    description:
      'OpenID Connect: the most seconds since the user last signed in; older, and the user signs in again. The ID token then carries auth_time',
    example: '300',
  })
  @OptionalOAuthParam()
  max_age?: string;

  @ApiPropertyOptional({
    description: `OpenID Connect / RFC 9470: space-separated, in order of preference, of: ${SUPPORTED_ACR_VALUES.join(', ')}. A voluntary claim: the login page offers what meets it (phr: a passkey sign-in only), a user who signs in otherwise still gets a code, and the ID token's acr says what was achieved; values not supported are ignored. To require phr, request the acr claim as essential (claims)`,
    example: 'phr',
  })
  @OptionalOAuthParam()
  acr_values?: string;

  @ApiPropertyOptional({
    description: `OpenID Connect Core §5.5: a JSON object (at most ${MAX_CLAIMS_PARAMETER_LENGTH} characters) naming the claims to return in the ID token (id_token) and at /userinfo (userinfo), each without the scope that releases it: ${USER_CLAIMS.join(', ')}; an essential acr with values must be met; sub with a value answers for that user only`,
    example: '{"id_token":{"acr":{"essential":true,"values":["phr"]}},"userinfo":{"name":null}}',
  })
  @OptionalOAuthParam()
  claims?: string;

  @ApiPropertyOptional({
    description:
      'RFC 9396: a JSON array of authorization details, each of a type of authorization_details_types_supported and valid by its schema (invalid_authorization_details otherwise); the consent screen shows each, and the tokens carry them',
    example: '[{"type":"payment_initiation","amount":"12.00","currency":"EUR","creditor":"X"}]',
  })
  @OptionalOAuthParam()
  authorization_details?: string;

  @ApiPropertyOptional({
    description: `OpenID Connect Core §3.1.2.1: the languages of the pages the user sees, space-separated BCP 47 tags in order of preference, of ui_locales_supported (${SUPPORTED_LOCALES.join(', ')}); others are passed over (then the browser's Accept-Language, then en), never refused`,
    example: 'de en',
  })
  @OptionalOAuthParam()
  ui_locales?: string;

  /**
   * Set by Proofgate on the request it sends the user to sign in for (oauth/authorize/
   * sign-in-marker.ts); a client never sends it. Read from the front channel even with
   * `request_uri`, and never pushed.
   */
  @ApiHideProperty()
  @OptionalOAuthParam()
  [SIGN_IN_MARKER_PARAM]?: string;

  /**
   * RFC 9126 §4: the request pushed to POST /par; then only client_id besides it counts. Kept out
   * of the OpenAPI description: "Try it out" fills every parameter, and with this one all the
   * others would be ignored (the README and docs/DPOP-AND-PAR.md describe it).
   */
  @ApiHideProperty()
  @OptionalOAuthParam()
  request_uri?: string;

  /**
   * RFC 9101: the request as a request object (a JWT), whose claims are the parameters; then
   * only client_id besides it counts. Kept out of the OpenAPI description for the same reason as
   * request_uri (docs/OAUTH.md describes it).
   */
  @ApiHideProperty()
  @OptionalOAuthParam()
  request?: string;

  /**
   * Set by Proofgate on the way back to a request it holds while the user signs in
   * (oauth/authorize/held-authorization-request.ts); a client never sends it, and it is never
   * pushed.
   */
  @ApiHideProperty()
  @OptionalOAuthParam()
  [HELD_REQUEST_PARAM]?: string;
}
