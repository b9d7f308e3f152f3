import { ApiProperty, OmitType, PartialType } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ADMIN_SCOPES } from '../../protocol-rules/admin-scopes';
import { CLIENT_PROFILES, type ClientProfile } from '../../protocol-rules/client-profile';
import type { ClientJwks } from '../../clients/oauth-client';
import type { ClientChanges, NewClient } from './client-administration.service';
import { InvalidRequest } from '../../platform/errors/protocol-error';

const optional = (description: string, example?: unknown) =>
  ApiProperty({ required: false, description, ...(example === undefined ? {} : { example }) });

/**
 * `POST /admin/v1/clients`: the client metadata of RFC 7591 (and of OpenID Connect Registration,
 * RFC 9449, RFC 9126, RFC 9396, Back-Channel Logout, CIBA) by their names, with the `client_id`
 * the caller chooses: what `proofgate-admin clients add` takes, checked by the same service with
 * the rules of OAUTH_CLIENTS. `token_endpoint_auth_method` `none` is a public client; with `jwks`
 * or `jwks_uri` it is `private_key_jwt`; otherwise the client gets a generated secret.
 */
export class NewClientDto {
  @ApiProperty({
    description: '1-64 characters of [A-Za-z0-9._-], chosen by the caller',
    example: 'billing',
  })
  @IsString()
  @MaxLength(64)
  client_id!: string;

  @optional('Display name (default: the client_id)', 'Billing')
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_name?: string;

  @optional('Redirect URIs; none only for a client whose grants never redirect', [
    'https://billing.example.com/callback',
  ])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  redirect_uris?: string[];

  @optional('RFC 7591 grant_types (default: authorization_code, refresh_token)', [
    'authorization_code',
    'refresh_token',
  ])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  grant_types?: string[];

  @optional(
    'none (a public client), client_secret_basic (default) or private_key_jwt',
    'client_secret_basic',
  )
  @IsOptional()
  @IsIn(['none', 'client_secret_basic', 'private_key_jwt'])
  token_endpoint_auth_method?: 'none' | 'client_secret_basic' | 'private_key_jwt';

  @optional("private_key_jwt: the client's public keys (a JWK Set)", { keys: [] })
  @IsOptional()
  @IsObject()
  jwks?: ClientJwks;

  @optional(
    'private_key_jwt: where the client publishes its public keys (https)',
    'https://billing.example.com/jwks.json',
  )
  @IsOptional()
  @IsString()
  jwks_uri?: string;

  @optional('RFC 8707 resources it may ask tokens for, besides ACCESS_TOKEN_AUDIENCE', [
    'https://api.example.com/',
  ])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  resources?: string[];

  @optional("The operator's own application: no consent screen", true)
  @IsOptional()
  @IsBoolean()
  first_party?: boolean;

  @optional('RFC 9449 §5.2', false)
  @IsOptional()
  @IsBoolean()
  dpop_bound_access_tokens?: boolean;

  @optional('RFC 9126 §6', false)
  @IsOptional()
  @IsBoolean()
  require_pushed_authorization_requests?: boolean;

  @optional('false: a confidential client whose OpenID Connect requests may go without PKCE', true)
  @IsOptional()
  @IsBoolean()
  require_pkce?: boolean;

  @optional('OpenID Connect Registration §2', 'ES256')
  @IsOptional()
  @IsString()
  request_object_signing_alg?: string;

  @optional('RFC 9101 §10.5', false)
  @IsOptional()
  @IsBoolean()
  require_signed_request_object?: boolean;

  @optional('OpenID Connect Registration §2', ['https://billing.example.com/request.jwt'])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  request_uris?: string[];

  @optional('OpenID Connect Registration §2', 'ES256')
  @IsOptional()
  @IsString()
  id_token_signed_response_alg?: string;

  @optional('OpenID Connect Registration §2', 'ES256')
  @IsOptional()
  @IsString()
  userinfo_signed_response_alg?: string;

  @optional('OpenID Connect RP-Initiated Logout 1.0 §3.1', ['https://billing.example.com/'])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  post_logout_redirect_uris?: string[];

  @optional(
    'OpenID Connect Back-Channel Logout 1.0 §2.2',
    'https://billing.example.com/backchannel-logout',
  )
  @IsOptional()
  @IsString()
  backchannel_logout_uri?: string;

  @optional('CIBA Core 1.0 §4: ping mode, with this endpoint', 'https://billing.example.com/ciba')
  @IsOptional()
  @IsString()
  backchannel_client_notification_endpoint?: string;

  @optional('RFC 9396 §10', ['payment_initiation'])
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  authorization_details_types?: string[];

  @optional('RFC 7591 §2', 'https://billing.example.com/logo.png')
  @IsOptional()
  @IsString()
  logo_uri?: string;

  @optional('RFC 7591 §2', 'https://billing.example.com/privacy')
  @IsOptional()
  @IsString()
  policy_uri?: string;

  @optional('RFC 7591 §2', 'https://billing.example.com/terms')
  @IsOptional()
  @IsString()
  tos_uri?: string;

  @optional(`A client profile: ${CLIENT_PROFILES.join(', ')}`, 'fapi2')
  @IsOptional()
  @IsIn(CLIENT_PROFILES)
  profile?: ClientProfile;

  @optional(`An admin client's scopes at the admin API: ${ADMIN_SCOPES.join(', ')}`, [])
  @IsOptional()
  @IsArray()
  @IsIn(ADMIN_SCOPES, { each: true })
  admin_scopes?: string[];

  @optional('A Shared Signals receiver: it may get the ssf scope by client_credentials', false)
  @IsOptional()
  @IsBoolean()
  ssf_receiver?: boolean;
}

/** The request as the service takes it (the CLI's flags map to the same fields). */
export function newClientOf(body: NewClientDto): NewClient {
  const method = body.token_endpoint_auth_method;
  const keys = body.jwks !== undefined || body.jwks_uri !== undefined;
  // RFC 7591 §2: the method and the keys say the same thing, or the request is ambiguous.
  if ((method === 'private_key_jwt') !== keys && !(method === undefined && keys)) {
    throw new InvalidRequest(
      'token_endpoint_auth_method private_key_jwt goes with jwks or jwks_uri (and they with it)',
    );
  }
  return {
    clientId: body.client_id,
    redirectUris: body.redirect_uris ?? [],
    public: method === 'none',
    firstParty: body.first_party === true,
    ...(body.jwks !== undefined ? { jwks: body.jwks } : {}),
    ...(body.jwks_uri !== undefined ? { jwksUri: body.jwks_uri } : {}),
    ...metadataOf(body),
  };
}

/** `PATCH /admin/v1/clients/{id}`: the metadata fields of a new client, each optional. */
export class ClientChangesDto extends PartialType(
  OmitType(NewClientDto, ['client_id', 'token_endpoint_auth_method', 'jwks', 'jwks_uri'] as const),
) {}

/** The changes as the service takes them: the fields the caller named, and only those. */
export function clientChangesOf(body: ClientChangesDto): ClientChanges {
  return {
    ...(body.redirect_uris !== undefined ? { redirectUris: body.redirect_uris } : {}),
    ...(body.first_party !== undefined ? { firstParty: body.first_party } : {}),
    ...metadataOf(body),
  };
}

/** The metadata fields named in `body`, by the service's names. */
function metadataOf(body: ClientChangesDto): ClientChanges {
  return {
    ...(body.client_name !== undefined ? { name: body.client_name } : {}),
    ...(body.grant_types !== undefined ? { grantTypes: body.grant_types } : {}),
    ...(body.resources !== undefined ? { resources: body.resources } : {}),
    ...(body.dpop_bound_access_tokens !== undefined
      ? { dpopBoundAccessTokens: body.dpop_bound_access_tokens }
      : {}),
    ...(body.require_pushed_authorization_requests !== undefined
      ? { requirePushedAuthorizationRequests: body.require_pushed_authorization_requests }
      : {}),
    ...(body.require_pkce !== undefined ? { requirePkce: body.require_pkce } : {}),
    ...(body.request_object_signing_alg !== undefined
      ? { requestObjectSigningAlg: body.request_object_signing_alg }
      : {}),
    ...(body.require_signed_request_object !== undefined
      ? { requireSignedRequestObject: body.require_signed_request_object }
      : {}),
    ...(body.request_uris !== undefined ? { requestUris: body.request_uris } : {}),
    ...(body.id_token_signed_response_alg !== undefined
      ? { idTokenSignedResponseAlg: body.id_token_signed_response_alg }
      : {}),
    ...(body.userinfo_signed_response_alg !== undefined
      ? { userinfoSignedResponseAlg: body.userinfo_signed_response_alg }
      : {}),
    ...(body.post_logout_redirect_uris !== undefined
      ? { postLogoutRedirectUris: body.post_logout_redirect_uris }
      : {}),
    ...(body.backchannel_logout_uri !== undefined
      ? { backchannelLogoutUri: body.backchannel_logout_uri }
      : {}),
    ...(body.backchannel_client_notification_endpoint !== undefined
      ? { backchannelClientNotificationEndpoint: body.backchannel_client_notification_endpoint }
      : {}),
    ...(body.authorization_details_types !== undefined
      ? { authorizationDetailsTypes: body.authorization_details_types }
      : {}),
    ...(body.logo_uri !== undefined ? { logoUri: body.logo_uri } : {}),
    ...(body.policy_uri !== undefined ? { policyUri: body.policy_uri } : {}),
    ...(body.tos_uri !== undefined ? { tosUri: body.tos_uri } : {}),
    ...(body.profile !== undefined ? { profile: body.profile } : {}),
    ...(body.admin_scopes !== undefined ? { adminScopes: body.admin_scopes } : {}),
    ...(body.ssf_receiver !== undefined ? { ssfReceiver: body.ssf_receiver } : {}),
  };
}
