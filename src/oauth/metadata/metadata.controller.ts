import { SUPPORTED_LOCALES } from '../../platform/i18n/page-locale';
import { CIBA_DELIVERY_MODES } from '../ciba/ciba-request';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ID_JAG_PROFILE } from '../token/grants/jwt-bearer/check-assertion';
import { Controller, Get, Header } from '@nestjs/common';
import { ParConfig } from '../../config/sections/par.config';
import { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { RegistrationConfig } from '../../config/sections/registration.config';
import { ServerConfig } from '../../config/sections/server.config';
import { TokenConfig } from '../../config/sections/tokens.config';
import { SIGNING_ALGS } from '../../protocol-rules/signing-algs';
import { CLIENT_ASSERTION_ALGS, TOKEN_ENDPOINT_AUTH_METHODS } from '../../clients/oauth-client';
import { CODE_CHALLENGE_METHODS } from '../pkce/check-pkce';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { METADATA_LIMITS } from '../../tokens/tokens.rate-limits';
import { DPOP_SIGNING_ALGS } from '../../tokens/dpop/dpop-algorithms';
import { SUPPORTED_SCOPES } from '../../tokens/scopes';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { adminApiAudience } from '../../protocol-rules/admin-scopes';
import { ssfAudience } from '../../protocol-rules/ssf';
import { ADVERTISED_GRANT_TYPES } from '../token/token-grants';
import { AuthorizationServerMetadataDto } from './authorization-server-metadata.dto';
import { SUPPORTED_ACR_VALUES } from '../../protocol-rules/acr';
import { REQUEST_OBJECT_SIGNING_ALG_VALUES } from '../../protocol-rules/request-object';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { ID_TOKEN_CLAIMS, OpenIdProviderMetadataDto } from './openid-provider-metadata.dto';

/** RFC 8414 authorization server metadata, and OpenID Connect Discovery's superset of it. */
@ApiTags('oauth')
@Controller('.well-known')
@RateLimit('open', ...METADATA_LIMITS)
export class MetadataController {
  constructor(
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly registration: RegistrationConfig,
    private readonly clientMetadata: ClientMetadataConfig,
    private readonly par: ParConfig,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly resourceScopes: ResourceScopes,
  ) {}

  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'RFC 8414 authorization server metadata' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  @Header('Cache-Control', 'public, max-age=300')
  metadata(): AuthorizationServerMetadataDto {
    const issuer = this.server.issuer;
    const { open, initialAccessToken } = this.registration;
    const registrationPossible = open || initialAccessToken !== undefined;
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      // RFC 9126 §5
      pushed_authorization_request_endpoint: `${issuer}/par`,
      require_pushed_authorization_requests: this.par.required,
      // RFC 9101 request objects by value, and by reference: a request_uri from /par (RFC 9126),
      // or one of the client's registered request_uris, fetched (OpenID Connect Core §6.2).
      request_parameter_supported: true,
      request_uri_parameter_supported: true,
      require_request_uri_registration: true,
      request_object_signing_alg_values_supported: REQUEST_OBJECT_SIGNING_ALG_VALUES,
      // RFC 8628 §4
      device_authorization_endpoint: `${issuer}/device_authorization`,
      // CIBA Core 1.0 §4: poll mode; no user code.
      backchannel_authentication_endpoint: `${issuer}/backchannel`,
      backchannel_token_delivery_modes_supported: [...CIBA_DELIVERY_MODES],
      backchannel_user_code_parameter_supported: false,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      // OpenID Connect RP-Initiated Logout 1.0 §2.1; Back-Channel Logout 1.0 §2.1 (sid in the
      // ID tokens and in every logout token).
      end_session_endpoint: `${issuer}/end_session`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      jwks_uri: `${issuer}/jwks.json`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ADVERTISED_GRANT_TYPES,
      code_challenge_methods_supported: CODE_CHALLENGE_METHODS,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      // RFC 8414 §2 with RFC 7523: what a private_key_jwt assertion may be signed with.
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      revocation_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      introspection_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      scopes_supported: SUPPORTED_SCOPES,
      authorization_response_iss_parameter_supported: true,
      // RFC 9449 §5.1
      dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
      // RFC 9728 §4: its own APIs (each with a metadata document of its own), then those the
      // operator declared with scopes of their own (RESOURCE_SERVERS).
      protected_resources: [
        this.tokens.audience,
        adminApiAudience(issuer),
        ssfAudience(issuer),
        ...this.resourceScopes.declaredResources(),
      ],
      ...(registrationPossible ? { registration_endpoint: `${issuer}/register` } : {}),
      ...(this.clientMetadata.enabled ? { client_id_metadata_document_supported: true } : {}),
      // RFC 9470 §6 step-up: the acr_values /authorize honours (protocol-rules/acr.ts).
      acr_values_supported: SUPPORTED_ACR_VALUES,
      // RFC 8414 §2, OpenID Connect Discovery §3: the languages of the pages (platform/i18n).
      ui_locales_supported: SUPPORTED_LOCALES,
      // The ID-JAG draft: the JWT-bearer grant's profile (MCP enterprise-managed authorization).
      authorization_grant_profiles_supported: [ID_JAG_PROFILE],
      // RFC 9396 §10: the operator's AUTHORIZATION_DETAILS_TYPES.
      authorization_details_types_supported: this.authorizationDetails.supportedTypes(),
    };
  }

  /**
   * OpenID Connect Discovery 1.0 §3: the RFC 8414 document (same issuer, same endpoints) plus
   * what an OpenID Provider must also say.
   */
  @Get('openid-configuration')
  @ApiOperation({ summary: 'OpenID Connect Discovery: OpenID Provider metadata' })
  @ApiOkResponse({ type: OpenIdProviderMetadataDto })
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration(): OpenIdProviderMetadataDto {
    return {
      ...this.metadata(),
      userinfo_endpoint: `${this.server.issuer}/userinfo`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: SIGNING_ALGS,
      // Core §5.3.2, Registration §2 userinfo_signed_response_alg: the keys of /jwks.json.
      userinfo_signing_alg_values_supported: SIGNING_ALGS,
      claims_supported: ID_TOKEN_CLAIMS,
      // Core §5.5 (oauth/authorize/authorization-request.check.ts).
      claims_parameter_supported: true,
    };
  }
}
