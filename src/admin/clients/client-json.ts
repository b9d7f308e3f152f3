import type { ClientSecretView, RegisteredClient } from './client-administration.service';

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** RFC 7591 client metadata names where one exists. */
export function clientJson(client: RegisteredClient) {
  return {
    client_id: client.clientId,
    client_name: client.name,
    client_type: client.type,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    // RFC 7591 metadata of a private_key_jwt client: its public keys, or where they are.
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    redirect_uris: client.redirectUris,
    // OAUTH_CLIENTS' name (RFC 8707 defines the parameter, RFC 7591 no metadata for it).
    ...(client.resources.length ? { resources: client.resources } : {}),
    grant_types: client.grantTypes,
    first_party: client.firstParty,
    // RFC 9449 §5.2 / RFC 9126 §6 metadata, shown when set (both default to false).
    ...(client.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
    ...(client.requirePushedAuthorizationRequests
      ? { require_pushed_authorization_requests: true }
      : {}),
    // Always shown: whether its authorization requests may go without PKCE.
    require_pkce: client.requirePkce,
    // OpenID Connect Registration §2 / RFC 9101 §10.5 metadata, shown when set.
    ...(client.requestObjectSigningAlg
      ? { request_object_signing_alg: client.requestObjectSigningAlg }
      : {}),
    ...(client.requireSignedRequestObject ? { require_signed_request_object: true } : {}),
    ...(client.requestUris.length ? { request_uris: client.requestUris } : {}),
    ...(client.idTokenSignedResponseAlg
      ? { id_token_signed_response_alg: client.idTokenSignedResponseAlg }
      : {}),
    ...(client.userinfoSignedResponseAlg
      ? { userinfo_signed_response_alg: client.userinfoSignedResponseAlg }
      : {}),
    // OpenID Connect RP-Initiated / Back-Channel Logout metadata, shown when set.
    ...(client.postLogoutRedirectUris.length
      ? { post_logout_redirect_uris: client.postLogoutRedirectUris }
      : {}),
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
    // CIBA Core 1.0 §4: a ping client's endpoint.
    ...(client.backchannelClientNotificationEndpoint
      ? {
          backchannel_token_delivery_mode: 'ping',
          backchannel_client_notification_endpoint: client.backchannelClientNotificationEndpoint,
        }
      : {}),
    // Proofgate's client profile (protocol-rules/client-profile.ts), shown when set.
    ...(client.profile ? { profile: client.profile } : {}),
    // RFC 9396 §10 client metadata, shown when set (absent: any configured type).
    ...(client.authorizationDetailsTypes
      ? { authorization_details_types: client.authorizationDetailsTypes }
      : {}),
    // RFC 7591 §2: what the consent screen shows of it, when set.
    ...(client.logoUri ? { logo_uri: client.logoUri } : {}),
    ...(client.policyUri ? { policy_uri: client.policyUri } : {}),
    ...(client.tosUri ? { tos_uri: client.tosUri } : {}),
    // Issue #77: an admin client's scopes at the admin API, shown when set.
    ...(client.adminScopes.length ? { admin_scopes: client.adminScopes } : {}),
    // Issue #80: a Shared Signals receiver, shown when marked.
    ...(client.ssfReceiver ? { ssf_receiver: true } : {}),
    // RFC 7591 §2: the only scopes it may ask for, shown when set (absent: any).
    ...(client.scope ? { scope: client.scope } : {}),
    source: client.source,
    ...(client.registeredAt ? { client_id_issued_at: unixSeconds(client.registeredAt) } : {}),
    ...(client.registeredWithInitialAccessToken
      ? { registered_with_initial_access_token: true }
      : {}),
    ...(client.lastUsedAt ? { last_used_at: unixSeconds(client.lastUsedAt) } : {}),
    ...(client.expiresAt
      ? { expires_at: unixSeconds(client.expiresAt), expired: client.expired }
      : {}),
  };
}

/** A secret as the CLI's --json and the admin API name its fields; null for a date it has not. */
export function secretJson(secret: ClientSecretView) {
  return {
    id: secret.id,
    created_at: secret.createdAt ?? null,
    expires_at: secret.expiresAt ?? null,
    expired: secret.expired,
  };
}

/** A removed client, as `clients remove --json` and `DELETE /admin/v1/clients/{id}` answer it. */
export function clientRemovedJson(
  clientId: string,
  removed: { grantsRevoked: number; streamsRemoved: number },
) {
  return {
    client_id: clientId,
    removed: true,
    grants_revoked: removed.grantsRevoked,
    streams_removed: removed.streamsRemoved,
  };
}
