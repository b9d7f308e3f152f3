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
import {
  CLIENT_METADATA_NAMES,
  type ClientChanges,
  type ClientMetadata,
  type NewClient,
} from './client-administration.service';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { ApiMergePatch } from '../../platform/openapi/api-decorators';
import { MergePatch } from '../../platform/validation/validation.pipe';
import { definedFields } from '../io/defined-fields';

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

  @optional(
    "RFC 7591 §2: the only scopes it may ask for, space-separated: this server's and those RESOURCE_SERVERS declares (absent: any)",
    'openid notes:read',
  )
  @IsOptional()
  @IsString()
  scope?: string;
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
    ...definedFields<NewClient, NewClientDto>(body, { jwks: 'jwks', jwksUri: 'jwks_uri' }),
    ...metadataOf(body),
  };
}

/**
 * `PATCH /admin/v1/clients/{id}`: the metadata fields of a new client, each optional, read as a
 * JSON Merge Patch (RFC 7396 §2): a field sent as `null` is removed, the client then checked as
 * `POST` checks one without it. `null` is taken at the top level only (`@MergePatch()`).
 */
@ApiMergePatch('null: removes it, as if POST had left it out')
@MergePatch()
export class ClientChangesDto extends PartialType(
  OmitType(NewClientDto, ['client_id', 'token_endpoint_auth_method', 'jwks', 'jwks_uri'] as const),
) {}

/** ClientChangesDto as the pipe hands it over: a field may hold the `null` that removes it. */
type ClientPatch = { readonly [F in keyof ClientChangesDto]?: ClientChangesDto[F] | null };

/**
 * The changes as the service takes them: the fields the caller named, and only those, a `null`
 * kept (it removes the field).
 */
export function clientChangesOf(body: ClientChangesDto): ClientChanges {
  const patch: ClientPatch = body;
  return definedFields<ClientChanges, ClientPatch>(patch, CLIENT_METADATA_NAMES);
}

/**
 * The metadata fields named in `body`, by the service's names (a new client's redirect URIs and
 * first-party mark, set before these, come out the same).
 */
function metadataOf(body: NewClientDto): Partial<ClientMetadata> {
  return definedFields<ClientMetadata, NewClientDto>(body, CLIENT_METADATA_NAMES);
}
