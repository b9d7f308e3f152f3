import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RegistrationConfig } from '../../config/sections/registration.config';
import { LogoutConfig } from '../../config/sections/logout.config';
import { OAuthConfig } from '../../config/sections/oauth.config';
import {
  ResourceServersConfig,
  declaredScopeNames,
} from '../../config/sections/resource-servers.config';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { constantTimeEqual, randomToken, sha256Base64Url } from '../../platform/crypto/hashing';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import {
  AccessDenied,
  InvalidClientMetadata,
  InvalidToken,
} from '../../platform/errors/protocol-error';
import { ClientRegistry } from '../client-registry.service';
import { DYNAMIC_CLIENT_ID_PREFIX, type OAuthClient } from '../oauth-client';
import { newClientSecret } from '../client-secrets';
import { ClientRegistrationResponseDto } from './client-registration-response.dto';
import {
  parseClientMetadata,
  registeredFields,
  type TokenEndpointAuthMethod,
} from './client-metadata';
import { RegistrableGrantTypes } from './registrable-grant-types';
import { RegisteredClientExpiry } from './registered-client-expiry';
import { RegisteredClientSweeper } from './registered-client-sweeper';

/** 16 bytes of CSPRNG output, hex: 128 bits the client has no say in. */
function newClientId(): string {
  return `${DYNAMIC_CLIENT_ID_PREFIX}${randomBytes(16).toString('hex')}`;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * RFC 7591 dynamic client registration. Public clients (`none`: PKCE, always)
 * may register without credentials while REGISTRATION_OPEN is on; a confidential client gets a
 * secret only with the initial access token (RFC 7591 §3), since a secret proves nothing about
 * who registered it.
 */
@Injectable()
export class ClientRegistrationService {
  private readonly logger = new Logger(ClientRegistrationService.name);
  private readonly expiry: RegisteredClientExpiry;

  constructor(
    private readonly registry: ClientRegistry,
    private readonly sweeper: RegisteredClientSweeper,
    private readonly hasher: PasswordHasher,
    private readonly registration: RegistrationConfig,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
    private readonly logout: LogoutConfig,
    private readonly oauth: OAuthConfig,
    private readonly grantTypes: RegistrableGrantTypes,
    resourceServers: ResourceServersConfig,
  ) {
    this.expiry = new RegisteredClientExpiry(registration);
    this.declaredScopes = declaredScopeNames(resourceServers);
  }

  /** The scopes of the declared APIs, which a registration's `scope` may name (RESOURCE_SERVERS). */
  private readonly declaredScopes: ReadonlySet<string>;

  async register(
    body: unknown,
    authorization: string | undefined,
  ): Promise<ClientRegistrationResponseDto> {
    const authorized = this.checkInitialAccessToken(authorization);
    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
    const metadata = parseClientMetadata(body, 'client_secret_basic', {
      production: this.server.isProduction,
      // A client that registers itself never reaches the internal network in production: with
      // open registration, anyone could otherwise have logout tokens POSTed to internal hosts.
      privateLogoutUris: this.logout.allowPrivate && !this.server.isProduction,
      grantTypeRules: this.grantTypes.rules,
      requirePkceByDefault: this.registration.requirePkce,
      declaredScopes: this.declaredScopes,
    });
    const unsupported = metadata.authorizationDetailsTypes?.find(
      (type) => !Object.hasOwn(this.oauth.authorizationDetailsTypes, type),
    );
    if (unsupported !== undefined) {
      throw new InvalidClientMetadata(
        'authorization_details_types names a type this server does not support',
      );
    }
    const method: TokenEndpointAuthMethod =
      metadata.tokenEndpointAuthMethod ?? 'client_secret_basic';
    if (method !== 'none' && !authorized) {
      throw new InvalidClientMetadata(
        this.registration.initialAccessToken === undefined
          ? 'Only public clients (token_endpoint_auth_method "none") may register dynamically'
          : 'A confidential client needs the initial access token to register; a public client registers with token_endpoint_auth_method "none"',
      );
    }

    // After the request's own errors (a bad request hears about those first), before any work.
    await this.sweeper.ensureCapacity();
    // RFC 7523 §2.2: a private_key_jwt client proves itself with its keys, and gets no secret.
    const secret = method === 'none' || method === 'private_key_jwt' ? undefined : randomToken(32);
    const now = this.clock.now();
    const client: OAuthClient = {
      clientId: newClientId(),
      name: metadata.clientName ?? 'Unnamed client',
      ...registeredFields(metadata, method),
      ...(secret !== undefined
        ? { secrets: [newClientSecret(await this.hasher.hash(secret), now)] }
        : {}),
      dynamicallyRegisteredAt: now,
      ...(authorized ? { registeredWithInitialAccessToken: true } : {}),
      expiresAt: this.expiry.atRegistration(now),
    };
    await this.registry.add(client);
    const hosts = [...new Set(client.redirectUris.map((uri) => new URL(uri).host || uri))];
    this.logger.log(
      `Registered ${client.type} client ${client.clientId} dynamically (${
        hosts.length
          ? `redirect hosts: ${hosts.join(', ')}`
          : `grants: ${client.grantTypes?.join(', ')}`
      })`,
    );

    return {
      client_id: client.clientId,
      client_id_issued_at: Math.floor(now.getTime() / 1000),
      ...(secret !== undefined ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      redirect_uris: client.redirectUris,
      ...(metadata.clientName !== undefined ? { client_name: metadata.clientName } : {}),
      ...(metadata.logoUri ? { logo_uri: metadata.logoUri } : {}),
      ...(metadata.policyUri ? { policy_uri: metadata.policyUri } : {}),
      ...(metadata.tosUri ? { tos_uri: metadata.tosUri } : {}),
      // RFC 7591 §3.2.1: the scope as registered, which may be less than was asked.
      ...(metadata.scope ? { scope: metadata.scope } : {}),
      token_endpoint_auth_method: method,
      grant_types: metadata.grantTypes,
      response_types: metadata.responseTypes,
      application_type: metadata.applicationType,
      // OpenID Connect Registration §2: as asked, else its default RS256; always said.
      id_token_signed_response_alg: metadata.idTokenSignedResponseAlg,
      ...(metadata.userinfoSignedResponseAlg
        ? { userinfo_signed_response_alg: metadata.userinfoSignedResponseAlg }
        : {}),
      ...(metadata.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
      ...(metadata.requirePushedAuthorizationRequests
        ? { require_pushed_authorization_requests: true }
        : {}),
      // Always said: whether this client's requests may go without PKCE (check-pkce.ts).
      require_pkce: metadata.requirePkce !== false,
      ...(metadata.jwks ? { jwks: metadata.jwks } : {}),
      ...(metadata.jwksUri ? { jwks_uri: metadata.jwksUri } : {}),
      ...(metadata.requestObjectSigningAlg
        ? { request_object_signing_alg: metadata.requestObjectSigningAlg }
        : {}),
      ...(metadata.requireSignedRequestObject ? { require_signed_request_object: true } : {}),
      ...(metadata.requestUris ? { request_uris: metadata.requestUris } : {}),
      ...(metadata.postLogoutRedirectUris
        ? { post_logout_redirect_uris: metadata.postLogoutRedirectUris }
        : {}),
      ...(metadata.backchannelLogoutUri
        ? { backchannel_logout_uri: metadata.backchannelLogoutUri }
        : {}),
      ...(metadata.backchannelLogoutSessionRequired
        ? { backchannel_logout_session_required: true }
        : {}),
      ...(metadata.authorizationDetailsTypes
        ? { authorization_details_types: metadata.authorizationDetailsTypes }
        : {}),
      ...(metadata.backchannelTokenDeliveryMode
        ? { backchannel_token_delivery_mode: metadata.backchannelTokenDeliveryMode }
        : {}),
      ...(metadata.backchannelClientNotificationEndpoint
        ? {
            backchannel_client_notification_endpoint:
              metadata.backchannelClientNotificationEndpoint,
          }
        : {}),
    };
  }

  /**
   * Whether the request carries the initial access token. A token that is presented must be the
   * right one (RFC 6750 §3.1 invalid_token otherwise); with open registration off, one is needed.
   */
  private checkInitialAccessToken(authorization: string | undefined): boolean {
    const { open, initialAccessToken } = this.registration;
    const presented = bearerToken(authorization);
    if (presented !== undefined || authorization !== undefined) {
      if (
        presented === undefined ||
        initialAccessToken === undefined ||
        // Hashed first, so that not even the token's length shows in the comparison time.
        !constantTimeEqual(sha256Base64Url(presented), sha256Base64Url(initialAccessToken))
      ) {
        throw new InvalidToken('The initial access token is invalid');
      }
      return true;
    }
    if (!open) {
      throw new AccessDenied(
        initialAccessToken === undefined
          ? 'Dynamic client registration is disabled'
          : 'Open registration is disabled; registering needs the initial access token',
      );
    }
    return false;
  }
}
