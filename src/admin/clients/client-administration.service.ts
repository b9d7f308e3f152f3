import { unknownScopes } from '../../protocol-rules/client-scope';
import {
  ResourceServersConfig,
  declaredScopeNames,
} from '../../config/sections/resource-servers.config';
import { ADMIN_CONSOLE_CLIENT_ID, type AdminScope } from '../../protocol-rules/admin-scopes';
import { LogoutConfig } from '../../config/sections/logout.config';
import { ServerConfig } from '../../config/sections/server.config';
import { backchannelLogoutUriProblem } from '../../protocol-rules/backchannel-logout-uri';
import { Injectable } from '@nestjs/common';
import { OAuthConfig } from '../../config/sections/oauth.config';
import {
  ConfigError,
  clientEntry,
  entryKeys,
  type ClientEntryConfig,
} from '../../config/env-parsers';
import { Clock } from '../../platform/clock/clock';
import { randomToken } from '../../platform/crypto/hashing';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { ClientRepository, type SecretsRevision } from '../../clients/client.repository';
import {
  isLive,
  usesPrivateKeyJwt,
  type ClientJwks,
  type ClientType,
  type OAuthClient,
  type SecretMethod,
  clientPageFields,
  signedResponseAlgFields,
} from '../../clients/oauth-client';
import { configuredClientGrantProblem } from '../../clients/configured-client-grants';
import {
  type ClientSecret,
  isLiveSecret,
  newClientSecret,
  secretsAfterRotation,
} from '../../clients/client-secrets';
import { ClientAuthConfig } from '../../config/sections/client-auth.config';
import { configuredClientFields } from '../../clients/configured-client';
import { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import { grantTypesOf } from '../../oauth/request-rules/check-grant-type';
import type { GrantTypeRules } from '../../protocol-rules/grant-types';
import {
  requiresDpop,
  requiresPushedRequests,
  type ClientProfile,
} from '../../protocol-rules/client-profile';
import type { RequestObjectSigningAlg } from '../../protocol-rules/request-object';
import { requestUrisProblem } from '../../protocol-rules/request-uris';
import type { SigningAlg } from '../../protocol-rules/signing-algs';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { ClientRegistry } from '../../clients/client-registry.service';
import { DEFAULT_WALLET_CLIENT_ID } from '../../wallet/clients/wallet-clients';
import { AdminConflict, AdminError, staleRevision } from '../admin.errors';
import type { AdminCall, AdminTargets } from '../audit/admin-audit';
import { StreamAdministration } from '../streams/stream-administration.service';
import { AdminAuditTrail } from '../audit/admin-audit.service';
import { formatDuration } from '../io/duration';

/** Who keeps a client registered: the CLI may change only what nothing re-registers at boot. */
export type ClientSource =
  'OAUTH_CLIENTS' | 'removed from OAUTH_CLIENTS' | 'built-in' | 'database' | 'dynamic registration';

/**
 * Metadata a client may have, the same as added (checked as OAUTH_CLIENTS' and POST /register's
 * entries are) and as shown.
 */
interface OptionalClientMetadata {
  /** OpenID Connect Back-Channel Logout 1.0 §2.2 backchannel_logout_uri. */
  readonly backchannelLogoutUri?: string;
  /** CIBA Core 1.0 §4 backchannel_client_notification_endpoint: a ping client's. */
  readonly backchannelClientNotificationEndpoint?: string;
  /** The client profile it is held to (protocol-rules/client-profile.ts: `fapi2`). */
  readonly profile?: ClientProfile;
  /**
   * RFC 9396 authorization_details_types: the only types of AUTHORIZATION_DETAILS_TYPES it may
   * ask for (absent: any configured); each must be configured, as POST /register checks.
   */
  readonly authorizationDetailsTypes?: readonly string[];
  /** RFC 7591 §2 logo_uri, policy_uri, tos_uri (https URLs): what the consent screen shows of it. */
  readonly logoUri?: string;
  readonly policyUri?: string;
  readonly tosUri?: string;
}

/** A client as administration shows it: never its secret hash. */
export interface RegisteredClient extends OptionalClientMetadata {
  readonly clientId: string;
  readonly type: ClientType;
  readonly name: string;
  readonly redirectUris: readonly string[];
  /** RFC 8707 resources it may ask tokens for, besides ACCESS_TOKEN_AUDIENCE. */
  readonly resources: readonly string[];
  /** RFC 7591 grant_types: what the client registered, else the browser grants (`DEFAULT_GRANT_TYPES`). */
  readonly grantTypes: readonly string[];
  /**
   * RFC 7591 token_endpoint_auth_method: how it proves itself at /token. A secret client that
   * registered no way of sending its secret (an operator's) shows `client_secret_basic`, and may
   * send it in the form body too.
   */
  readonly tokenEndpointAuthMethod: 'none' | SecretMethod | 'private_key_jwt';
  /** private_key_jwt: its public keys, or where it publishes them. */
  readonly jwks?: ClientJwks;
  readonly jwksUri?: string;
  readonly firstParty: boolean;
  /** RFC 9449 §5.2 dpop_bound_access_tokens. */
  readonly dpopBoundAccessTokens: boolean;
  /** RFC 9126 §6 require_pushed_authorization_requests. */
  readonly requirePushedAuthorizationRequests: boolean;
  /** `require_pkce`: false only for a confidential client let go without PKCE (check-pkce.ts). */
  readonly requirePkce: boolean;
  /** OpenID Connect Registration §2 request_object_signing_alg. */
  readonly requestObjectSigningAlg?: RequestObjectSigningAlg;
  /** RFC 9101 §10.5 require_signed_request_object. */
  readonly requireSignedRequestObject: boolean;
  /** OpenID Connect Registration §2 request_uris: where its request objects may be fetched. */
  readonly requestUris: readonly string[];
  /** OpenID Connect Registration §2 id_token_signed_response_alg (absent: TOKEN_SIGNING_ALG). */
  readonly idTokenSignedResponseAlg?: SigningAlg;
  /** OpenID Connect Registration §2 userinfo_signed_response_alg (absent: JSON at /userinfo). */
  readonly userinfoSignedResponseAlg?: SigningAlg;
  /** OpenID Connect RP-Initiated Logout 1.0 post_logout_redirect_uris. */
  readonly postLogoutRedirectUris: readonly string[];
  /** Issue #77: the admin API scopes it may get by client_credentials (none: not an admin client). */
  readonly adminScopes: readonly AdminScope[];
  /** Issue #80: a Shared Signals receiver (the `ssf` scope by client_credentials); absent: not. */
  readonly ssfReceiver?: true;
  /** RFC 7591 §2 scope: the only scopes it may ask for; absent, any. */
  readonly scope?: string;
  readonly source: ClientSource;
  /** OAuthClient.revision (0: never changed): what a change made on this reading names. */
  readonly revision: number;
  /** Registered by the client itself (RFC 7591 POST /register): when. */
  readonly registeredAt?: Date;
  /** Its registration carried the initial access token: its errors go back to it by themselves. */
  readonly registeredWithInitialAccessToken?: true;
  /** A registered client: when a token was last issued to it (recorded about once a day). */
  readonly lastUsedAt?: Date;
  /** A registered client: unknown to the service from then on. */
  readonly expiresAt?: Date;
  /** Past `expiresAt`: the service treats it as unknown; `clients prune` deletes it. */
  readonly expired: boolean;
}

/** Which registered clients `clients prune` deletes besides the expired ones. */
export interface PruneOptions {
  /** Also those without a token for this many days (since registration if never used). */
  readonly unusedDays?: number;
  /** Only say which clients would go. */
  readonly dryRun: boolean;
}

/** Clients deleted in one command by `clients prune`. */
const PRUNE_BATCH = 500;
const DAY_MS = 86_400_000;

export interface NewClient extends OptionalClientMetadata {
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly name?: string;
  readonly public: boolean;
  readonly firstParty: boolean;
  /** RFC 8707 resources besides ACCESS_TOKEN_AUDIENCE (OAUTH_CLIENTS `resources`). */
  readonly resources?: readonly string[];
  /** RFC 7591 §2 grant_types; absent: the browser grants (`DEFAULT_GRANT_TYPES`). */
  readonly grantTypes?: readonly string[];
  readonly dpopBoundAccessTokens?: boolean;
  readonly requirePushedAuthorizationRequests?: boolean;
  /** false: a confidential client whose OpenID Connect requests may go without PKCE. */
  readonly requirePkce?: boolean;
  /** RFC 7523 private_key_jwt: public keys (a JWK Set) instead of a generated secret ... */
  readonly jwks?: ClientJwks;
  /** ... or the URL where the client publishes them. */
  readonly jwksUri?: string;
  /**
   * OpenID Connect Registration §2 request_object_signing_alg, as the operator typed it: checked
   * as OAUTH_CLIENTS' and registration's (protocol-rules/request-object.ts).
   */
  readonly requestObjectSigningAlg?: string;
  /** RFC 9101 §10.5 require_signed_request_object (checked likewise). */
  readonly requireSignedRequestObject?: boolean;
  /** OpenID Connect Registration §2 request_uris (https; http only outside production). */
  readonly requestUris?: readonly string[];
  /** OpenID Connect Registration §2 id_token_signed_response_alg, as typed (checked likewise). */
  readonly idTokenSignedResponseAlg?: string;
  /** OpenID Connect Registration §2 userinfo_signed_response_alg, as typed (checked likewise). */
  readonly userinfoSignedResponseAlg?: string;
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris. */
  readonly postLogoutRedirectUris?: readonly string[];
  /** Issue #77: an admin client's scopes (checked as OAUTH_CLIENTS' `admin_scopes`). */
  readonly adminScopes?: readonly string[];
  /** Issue #80: a Shared Signals receiver (checked as OAUTH_CLIENTS' `ssf_receiver`). */
  readonly ssfReceiver?: boolean;
  /**
   * RFC 7591 §2 scope, space-separated: checked as OAUTH_CLIENTS' `scope`, each value this
   * server's or a declared API's.
   */
  readonly scope?: string;
}

/** A client's metadata: what `PATCH /admin/v1/clients/{id}` may change (not its id, type or keys). */
export type ClientMetadata = Omit<NewClient, 'clientId' | 'public' | 'jwks' | 'jwksUri'>;

/**
 * What `PATCH /admin/v1/clients/{id}` may change: the metadata, not the id, the type (public or
 * confidential), the secret or the keys. A field set to `null` is removed (RFC 7396 §2): the
 * client is then as `add` registers one without it (`mergedClient`).
 */
export type ClientChanges = { readonly [F in keyof ClientMetadata]?: ClientMetadata[F] | null };

/** Each metadata field of ClientChanges by its API name (RFC 7591's, or the admin API's own). */
export const CLIENT_METADATA_NAMES = {
  redirectUris: 'redirect_uris',
  firstParty: 'first_party',
  name: 'client_name',
  grantTypes: 'grant_types',
  resources: 'resources',
  dpopBoundAccessTokens: 'dpop_bound_access_tokens',
  requirePushedAuthorizationRequests: 'require_pushed_authorization_requests',
  requirePkce: 'require_pkce',
  requestObjectSigningAlg: 'request_object_signing_alg',
  requireSignedRequestObject: 'require_signed_request_object',
  requestUris: 'request_uris',
  idTokenSignedResponseAlg: 'id_token_signed_response_alg',
  userinfoSignedResponseAlg: 'userinfo_signed_response_alg',
  postLogoutRedirectUris: 'post_logout_redirect_uris',
  backchannelLogoutUri: 'backchannel_logout_uri',
  backchannelClientNotificationEndpoint: 'backchannel_client_notification_endpoint',
  authorizationDetailsTypes: 'authorization_details_types',
  logoUri: 'logo_uri',
  policyUri: 'policy_uri',
  tosUri: 'tos_uri',
  profile: 'profile',
  adminScopes: 'admin_scopes',
  ssfReceiver: 'ssf_receiver',
  scope: 'scope',
} as const satisfies Record<keyof ClientChanges, string>;

/**
 * Stands for a confidential client's secret in the entry `update` checks, which only asks
 * whether there is one: never hashed, stored or shown.
 */
const UNCHANGED_SECRET = 'unchanged-secret-placeholder';

/** A private_key_jwt client's new keys: a JWK Set, or the URL of one. */
export type NewKeys = { readonly jwks: ClientJwks } | { readonly jwksUri: string };

/** 32 bytes of CSPRNG output: 256 bits, 43 base64url characters. */
const SECRET_BYTES = 32;

/** How long a rotated-out secret keeps working when the caller names no expiry (the admin API's default). */
export const DEFAULT_PREVIOUS_SECRET_EXPIRES_IN = 86_400;

/** Writes of one rotation that may lose to concurrent changes before it gives up (AdminConflict). */
const SECRET_CHANGE_ATTEMPTS = 5;

/** One of a client's secrets as administration shows it: never its value, nor its hash. */
export interface ClientSecretView {
  readonly id: string;
  /** Absent: stored by a release before secrets had ids. */
  readonly createdAt?: Date;
  /** Absent: it never expires. */
  readonly expiresAt?: Date;
  /** Past `expiresAt`: refused (kept until the next rotation drops it). */
  readonly expired: boolean;
}

/** A secret just added: its value, this once. */
export interface AddedClientSecret {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: Date;
  /** The client, as it was before (its metadata: a rotation changes none of it). */
  readonly client: RegisteredClient;
  /** The client's secrets after the rotation, newest (this one) first. */
  readonly secrets: readonly ClientSecretView[];
}

/**
 * `proofgate-admin clients …`: registering clients in the database, with the rules configured
 * clients obey. A confidential client's secret is generated here, handed out once and stored only
 * as the same scrypt hash as configured secrets.
 */
@Injectable()
export class ClientAdministration {
  constructor(
    private readonly clients: ClientRepository,
    private readonly grants: GrantRepository,
    private readonly hasher: PasswordHasher,
    private readonly oauth: OAuthConfig,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
    private readonly logout: LogoutConfig,
    private readonly grantTypes: RegistrableGrantTypes,
    private readonly clientAuth: ClientAuthConfig,
    private readonly audit: AdminAuditTrail,
    private readonly registry: ClientRegistry,
    private readonly streams: StreamAdministration,
    resourceServers: ResourceServersConfig,
  ) {
    this.declaredScopes = declaredScopeNames(resourceServers);
  }

  /** The scopes of the declared APIs, which a client's `scope` may name (RESOURCE_SERVERS). */
  private readonly declaredScopes: ReadonlySet<string>;

  add(wanted: NewClient, call: AdminCall): Promise<{ client: RegisteredClient; secret?: string }> {
    return this.audit.around(
      call,
      'clients.create',
      { client_id: wanted.clientId, ...privilegesOf(wanted, true) },
      () => this.register(wanted),
    );
  }

  private async register(
    wanted: NewClient,
  ): Promise<{ client: RegisteredClient; secret?: string }> {
    const withKeys = wanted.jwks !== undefined || wanted.jwksUri !== undefined;
    if (withKeys && wanted.public) {
      throw new AdminError(
        'a public client has no keys: private_key_jwt is for confidential clients',
      );
    }
    const secret = wanted.public || withKeys ? undefined : randomToken(SECRET_BYTES);
    const entry = checkedEntry(wanted, secret, this.grantTypes.rules);
    const detailsTypes = this.configuredDetailsTypes(wanted.authorizationDetailsTypes);
    this.refuseUnknownScope(entry.scope);
    this.refuseManaged(entry.clientId, 'add');
    const client: OAuthClient = {
      clientId: entry.clientId,
      type: wanted.public ? 'public' : 'confidential',
      ...(secret !== undefined
        ? { secrets: [newClientSecret(await this.hasher.hash(secret), this.clock.now())] }
        : {}),
      ...configuredClientFields(entry),
      ...(detailsTypes === undefined ? {} : { authorizationDetailsTypes: detailsTypes }),
    };
    this.checkEndpoints(client);
    if (!(await this.clients.insertIfAbsent(client))) {
      throw new AdminError(`client ${client.clientId} already exists`, 'conflict');
    }
    return { client: this.view(client), ...(secret !== undefined ? { secret } : {}) };
  }

  /**
   * Replaces what `changes` names of an operator-added client's metadata (PATCH), held to the
   * rules of `add`; its id, type, secret and keys stay (`rotate-secret`, `set-jwks` change those).
   * Takes effect at the other instances once their client cache lets go (CLIENT_CACHE_TTL_SECONDS).
   */
  update(
    clientId: string,
    changes: ClientChanges,
    call: AdminCall,
    expectedRevision?: number,
  ): Promise<RegisteredClient> {
    const named = (values: (value: unknown) => boolean) =>
      (Object.keys(CLIENT_METADATA_NAMES) as (keyof ClientChanges)[])
        .filter((name) => values(changes[name]))
        .map((name) => CLIENT_METADATA_NAMES[name])
        .join(' ');
    const changed = named((value) => value !== undefined && value !== null);
    const removed = named((value) => value === null);
    return this.audit.around(
      call,
      'clients.update',
      {
        client_id: clientId,
        changed,
        ...(removed === '' ? {} : { removed }),
        ...privilegesOf(changedPrivileges(changes), false),
      },
      () => this.replaceMetadata(clientId, changes, expectedRevision),
    );
  }

  private async replaceMetadata(
    clientId: string,
    changes: ClientChanges,
    expectedRevision: number | undefined,
  ): Promise<RegisteredClient> {
    this.refuseManaged(clientId, 'change');
    const existing = await this.existing(clientId);
    this.refuseUnconfigured(existing, 'change');
    if (existing.dynamicallyRegisteredAt !== undefined) {
      throw new AdminError(
        `client ${clientId} registered itself: its metadata is its own (remove it, or let it expire)`,
      );
    }
    const wanted = mergedClient(this.asNewClient(existing), changes);
    // A confidential client without keys has a secret: the entry's check needs one to say so,
    // and none is stored from here (its secrets stay as they are: replaceIfPresent keeps them).
    const secretless = existing.type === 'public' || usesPrivateKeyJwt(existing);
    const entry = checkedEntry(
      wanted,
      secretless ? undefined : UNCHANGED_SECRET,
      this.grantTypes.rules,
    );
    const detailsTypes = this.configuredDetailsTypes(wanted.authorizationDetailsTypes);
    this.refuseUnknownScope(entry.scope);
    const client: OAuthClient = {
      clientId,
      type: existing.type,
      ...configuredClientFields(entry),
      ...(detailsTypes === undefined ? {} : { authorizationDetailsTypes: detailsTypes }),
    };
    this.checkEndpoints(client);
    if (!(await this.clients.replaceIfPresent(client, expectedRevision))) {
      throw await this.missingOrStale(clientId);
    }
    this.registry.forgetChanged(existing);
    this.registry.forgetChanged(client);
    if (existing.ssfReceiver === true && client.ssfReceiver !== true) {
      // No longer trusted with signals: its tokens (which carry `ssf`) end, and its streams go.
      await this.grants.revokeAll({ clientId }, 'ssf_receiver_removed', this.clock.now());
      await this.streams.removeReceiver(clientId);
    }
    return this.view(client);
  }

  /** What `add` would take to register `client` as it is. */
  private asNewClient(client: OAuthClient): NewClient {
    const view = this.view(client);
    return {
      clientId: client.clientId,
      redirectUris: view.redirectUris,
      name: view.name,
      public: client.type === 'public',
      firstParty: view.firstParty,
      resources: view.resources,
      grantTypes: view.grantTypes,
      dpopBoundAccessTokens: client.dpopBoundAccessTokens === true,
      requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests === true,
      ...(client.requirePkce === false ? { requirePkce: false } : {}),
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.jwksUri ? { jwksUri: client.jwksUri } : {}),
      ...(client.requestObjectSigningAlg
        ? { requestObjectSigningAlg: client.requestObjectSigningAlg }
        : {}),
      ...(client.requireSignedRequestObject ? { requireSignedRequestObject: true } : {}),
      ...(client.requestUris?.length ? { requestUris: client.requestUris } : {}),
      ...(client.idTokenSignedResponseAlg
        ? { idTokenSignedResponseAlg: client.idTokenSignedResponseAlg }
        : {}),
      ...(client.userinfoSignedResponseAlg
        ? { userinfoSignedResponseAlg: client.userinfoSignedResponseAlg }
        : {}),
      ...(client.postLogoutRedirectUris?.length
        ? { postLogoutRedirectUris: client.postLogoutRedirectUris }
        : {}),
      ...(client.backchannelLogoutUri ? { backchannelLogoutUri: client.backchannelLogoutUri } : {}),
      ...(client.backchannelClientNotificationEndpoint
        ? { backchannelClientNotificationEndpoint: client.backchannelClientNotificationEndpoint }
        : {}),
      ...(client.profile ? { profile: client.profile } : {}),
      ...(client.authorizationDetailsTypes
        ? { authorizationDetailsTypes: client.authorizationDetailsTypes }
        : {}),
      ...(client.logoUri ? { logoUri: client.logoUri } : {}),
      ...(client.policyUri ? { policyUri: client.policyUri } : {}),
      ...(client.tosUri ? { tosUri: client.tosUri } : {}),
      ...(client.adminScopes?.length ? { adminScopes: client.adminScopes } : {}),
      ...(client.ssfReceiver ? { ssfReceiver: true } : {}),
      ...(client.scope ? { scope: client.scope } : {}),
    };
  }

  /** The endpoints the service calls or fetches, by the rules of this deployment. */
  private checkEndpoints(client: OAuthClient): void {
    const logoutUriProblem =
      client.backchannelLogoutUri === undefined
        ? undefined
        : backchannelLogoutUriProblem(client.backchannelLogoutUri, {
            allowPrivate: this.logout.allowPrivate,
          });
    if (logoutUriProblem !== undefined) {
      throw new AdminError(
        `backchannel_logout_uri ${logoutUriProblem} (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE=${this.logout.allowPrivate})`,
      );
    }
    const pingProblem =
      client.backchannelClientNotificationEndpoint === undefined
        ? undefined
        : backchannelLogoutUriProblem(client.backchannelClientNotificationEndpoint, {
            allowPrivate: !this.server.isProduction,
          });
    if (pingProblem !== undefined) {
      throw new AdminError(`backchannel_client_notification_endpoint ${pingProblem}`);
    }
    // OpenID Connect Core §6.2: request objects are fetched over https in production.
    const requestUrisRefusal = requestUrisProblem(client.requestUris ?? [], {
      allowHttp: !this.server.isProduction,
    });
    if (requestUrisRefusal !== undefined) throw new AdminError(requestUrisRefusal);
  }

  /**
   * A registered scope's values are each this server's or a declared API's (RESOURCE_SERVERS), as
   * the start checks OAUTH_CLIENTS'.
   */
  private refuseUnknownScope(scope: string | undefined): void {
    const unknown = scope === undefined ? [] : unknownScopes(scope, this.declaredScopes);
    if (unknown.length > 0) {
      throw new AdminError(
        `scope names ${unknown.join(', ')}, neither this server's scope nor one RESOURCE_SERVERS declares`,
      );
    }
  }

  /** The types named, each one AUTHORIZATION_DETAILS_TYPES defines (without repeats). */
  private configuredDetailsTypes(types: readonly string[] | undefined): string[] | undefined {
    if (types === undefined) return undefined;
    const configured = Object.keys(this.oauth.authorizationDetailsTypes);
    const unknown = types.find((type) => !configured.includes(type));
    if (unknown !== undefined) {
      throw new AdminError(
        `authorization details type "${unknown}" is not configured: AUTHORIZATION_DETAILS_TYPES defines ${
          configured.length === 0 ? 'none' : configured.map((type) => `"${type}"`).join(', ')
        }`,
      );
    }
    return [...new Set(types)];
  }

  async list(): Promise<RegisteredClient[]> {
    return (await this.clients.list()).map((client) => this.view(client));
  }

  /** A page of clients by client_id, after `after` (keyset pagination: one `find` a page). */
  async page(page: {
    readonly after?: string;
    readonly limit: number;
    readonly registered?: boolean;
  }): Promise<RegisteredClient[]> {
    return (await this.clients.page(page)).map((client) => this.view(client));
  }

  /** Clients that registered themselves (RFC 7591); with `expiredOnly`, the expired ones. */
  async listRegistered(expiredOnly: boolean): Promise<RegisteredClient[]> {
    return (await this.clients.list())
      .filter((client) => client.dynamicallyRegisteredAt !== undefined)
      .map((client) => this.view(client))
      .filter((client) => !expiredOnly || client.expired);
  }

  /**
   * Deletes registered clients that expired (and, with `unusedDays`, those unused that long),
   * then revokes their grants as `remove` does. Configured and operator-added clients are never
   * pruned: only the clients that registered themselves expire.
   */
  prune(
    options: PruneOptions,
    call: AdminCall,
  ): Promise<{ clients: RegisteredClient[]; grantsRevoked: number }> {
    // A dry run changes nothing: nothing to put on the record.
    if (options.dryRun) return this.pruned(options);
    const targets: Record<string, string> =
      options.unusedDays === undefined ? {} : { unused_days: String(options.unusedDays) };
    return this.audit.around(call, 'clients.prune', targets, () => this.pruned(options));
  }

  private async pruned(
    options: PruneOptions,
  ): Promise<{ clients: RegisteredClient[]; grantsRevoked: number }> {
    const now = this.clock.now();
    const unusedSince =
      options.unusedDays === undefined ? undefined : now.getTime() - options.unusedDays * DAY_MS;
    const doomed = (await this.listRegistered(false)).filter(
      (client) =>
        client.expired ||
        (unusedSince !== undefined &&
          (client.lastUsedAt ?? client.registeredAt ?? now).getTime() <= unusedSince),
    );
    if (options.dryRun) return { clients: doomed, grantsRevoked: 0 };
    let grantsRevoked = 0;
    for (let i = 0; i < doomed.length; i += PRUNE_BATCH) {
      const batch = doomed.slice(i, i + PRUNE_BATCH);
      await this.clients.deleteAll(batch.map((client) => client.clientId));
      // A client never issued a token holds no grant: nothing to revoke, no write per client.
      for (const client of batch.filter((c) => c.lastUsedAt !== undefined)) {
        grantsRevoked += await this.grants.revokeAll(
          { clientId: client.clientId },
          'client_removed',
          now,
        );
      }
    }
    return { clients: doomed, grantsRevoked };
  }

  async show(clientId: string): Promise<RegisteredClient> {
    return this.view(await this.existing(clientId));
  }

  /**
   * Deletes the client, then revokes its grants: without them its access tokens would live on
   * until they expire (the bearer check reads the grant, not the client). A Shared Signals
   * receiver's streams go too: nothing is sent to a client that is no more.
   */
  remove(
    clientId: string,
    call: AdminCall,
    expectedRevision?: number,
  ): Promise<{ grantsRevoked: number; streamsRemoved: number }> {
    return this.audit.around(call, 'clients.delete', { client_id: clientId }, () =>
      this.removeClient(clientId, expectedRevision),
    );
  }

  private async removeClient(
    clientId: string,
    expectedRevision: number | undefined,
  ): Promise<{ grantsRevoked: number; streamsRemoved: number }> {
    this.refuseManaged(clientId, 'remove');
    if (!(await this.clients.delete(clientId, expectedRevision))) {
      throw await this.missingOrStale(clientId);
    }
    this.registry.forgetChanged({ clientId, redirectUris: [] });
    const grantsRevoked = await this.grants.revokeAll(
      { clientId },
      'client_removed',
      this.clock.now(),
    );
    return { grantsRevoked, streamsRemoved: await this.streams.removeReceiver(clientId) };
  }

  /**
   * A new secret for a confidential client (its value answered here, once, never again). The
   * previous secret keeps working `previousExpiresIn` seconds more (default 24 h, cut to
   * CLIENT_SECRET_OVERLAP_MAX_SECONDS; at most that when given; 0 stops it now), and any older
   * one goes: at most two remain (client-secrets.ts). Two rotations at once both land, one after
   * the other: each write names the state it read (no transactions), and one that lost retries on
   * the state that won, with the same new secret (the CLI's `rotate-secret`). Given `read` (the
   * admin API's If-Match: the secrets as secretsRead found them), the rotation is made on that
   * state only, once: of two made on one reading one lands, the other is `stale` and adds nothing.
   */
  addSecret(
    clientId: string,
    options: { readonly previousExpiresIn?: number },
    call: AdminCall,
    read?: SecretsRevision,
  ): Promise<AddedClientSecret> {
    return this.audit.around(call, 'clients.add_secret', { client_id: clientId }, () =>
      this.newSecret(clientId, options, read),
    );
  }

  private async newSecret(
    clientId: string,
    options: { readonly previousExpiresIn?: number },
    read: SecretsRevision | undefined,
  ): Promise<AddedClientSecret> {
    this.refuseManaged(clientId, 'change the secret of');
    const overlapSeconds = this.overlapSeconds(options.previousExpiresIn);
    const client = await this.existing(clientId);
    this.refuseUnconfigured(client, 'change the secret of');
    this.refuseWithoutSecret(client);
    const secret = randomToken(SECRET_BYTES);
    const now = this.clock.now();
    const added = newClientSecret(await this.hasher.hash(secret), now);
    for (let attempt = 0; attempt < SECRET_CHANGE_ATTEMPTS; attempt++) {
      const stored = await this.clients.readSecrets(clientId);
      if (!stored) throw new AdminError(`no client ${clientId}`, 'not_found');
      const secrets = secretsAfterRotation(stored.secrets, added, now, overlapSeconds * 1000);
      if (await this.clients.replaceSecrets(clientId, read ?? stored.revision, secrets)) {
        this.registry.forgetChanged(client);
        return {
          id: added.id,
          secret,
          createdAt: now,
          client: this.view(client),
          secrets: this.secretViews(secrets),
        };
      }
      if (read !== undefined) throw staleRevision(`the secret list of client ${clientId}`);
    }
    throw new AdminConflict(
      `the secrets of client ${clientId} changed ${SECRET_CHANGE_ATTEMPTS} times during this rotation: nothing was changed, try again`,
    );
  }

  /** A confidential client's stored secrets, newest first: ids and dates, never a value or hash. */
  async listSecrets(clientId: string): Promise<ClientSecretView[]> {
    return (await this.secretsRead(clientId)).secrets;
  }

  /**
   * listSecrets, with the state the secrets were read at: what a rotation made on this reading
   * names (addSecret's `read`).
   */
  async secretsRead(
    clientId: string,
  ): Promise<{ secrets: ClientSecretView[]; read: SecretsRevision }> {
    const client = await this.existing(clientId);
    this.refuseWithoutSecret(client);
    const stored = await this.clients.readSecrets(clientId);
    if (!stored) throw new AdminError(`no client ${clientId}`, 'not_found');
    return { secrets: this.secretViews(stored.secrets), read: stored.revision };
  }

  /** The overlap asked for, checked; none asked: 24 h, or the configured maximum if less. */
  private overlapSeconds(asked: number | undefined): number {
    const max = this.clientAuth.secretOverlapMaxSeconds;
    if (asked === undefined) return Math.min(DEFAULT_PREVIOUS_SECRET_EXPIRES_IN, max);
    if (!Number.isSafeInteger(asked) || asked < 0) {
      throw new AdminError(
        "the previous secret's expiry must be a whole number of seconds, 0 or more",
      );
    }
    if (asked > max) {
      throw new AdminError(
        `the previous secret may keep working at most ${formatDuration(max)} ` +
          `(CLIENT_SECRET_OVERLAP_MAX_SECONDS: ${max} s), not ${formatDuration(asked)}`,
      );
    }
    return asked;
  }

  private refuseWithoutSecret(client: OAuthClient): void {
    if (client.type !== 'confidential') {
      throw new AdminError(`client ${client.clientId} is public: it has no secret`);
    }
    if (usesPrivateKeyJwt(client)) {
      throw new AdminError(
        `client ${client.clientId} authenticates with private_key_jwt: it has no secret (see set-jwks)`,
      );
    }
  }

  private secretViews(secrets: readonly ClientSecret[]): ClientSecretView[] {
    const now = this.clock.now().getTime();
    return [...secrets].reverse().map((secret) => ({
      id: secret.id,
      ...(secret.createdAt ? { createdAt: secret.createdAt } : {}),
      ...(secret.expiresAt ? { expiresAt: secret.expiresAt } : {}),
      expired: !isLiveSecret(secret, now),
    }));
  }

  /**
   * Replaces a private_key_jwt client's keys (RFC 7523): assertions signed by the old keys are
   * refused once the registry's cache (CLIENT_CACHE_TTL_SECONDS) has let go of the client.
   */
  setKeys(
    clientId: string,
    keys: NewKeys,
    call: AdminCall,
    expectedRevision?: number,
  ): Promise<RegisteredClient> {
    return this.audit.around(call, 'clients.set_jwks', { client_id: clientId }, () =>
      this.replaceKeys(clientId, keys, expectedRevision),
    );
  }

  private async replaceKeys(
    clientId: string,
    keys: NewKeys,
    expectedRevision: number | undefined,
  ): Promise<RegisteredClient> {
    this.refuseManaged(clientId, 'change the keys of');
    const client = await this.existing(clientId);
    this.refuseUnconfigured(client, 'change the keys of');
    if (!usesPrivateKeyJwt(client)) {
      throw new AdminError(
        `client ${clientId} does not authenticate with private_key_jwt (${client.type === 'public' ? 'a public client' : 'it has a secret: see rotate-secret'})`,
      );
    }
    let checked: NewKeys;
    try {
      const entry = entryKeys({
        token_endpoint_auth_method: 'private_key_jwt',
        ...('jwks' in keys ? { jwks: keys.jwks } : { jwks_uri: keys.jwksUri }),
      });
      checked = entry.jwks ? { jwks: entry.jwks } : { jwksUri: entry.jwksUri as string };
    } catch (error) {
      if (error instanceof ConfigError) throw new AdminError(error.message);
      throw error;
    }
    if (!(await this.clients.updateKeys(clientId, checked, expectedRevision))) {
      throw await this.missingOrStale(clientId);
    }
    return this.view(await this.existing(clientId));
  }

  /** Why a conditional write of `clientId` matched nothing: it is gone, or at another revision. */
  private async missingOrStale(clientId: string): Promise<AdminError> {
    return (await this.clients.findById(clientId))
      ? staleRevision(`client ${clientId}`)
      : new AdminError(`no client ${clientId}`, 'not_found');
  }

  private async existing(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.findById(clientId);
    if (!client) throw new AdminError(`no client ${clientId}`, 'not_found');
    return client;
  }

  /** What the service re-registers at every start would silently undo the change. */
  private refuseManaged(clientId: string, action: string): void {
    const source = this.sourceOf(clientId);
    if (source === 'OAUTH_CLIENTS') {
      throw new AdminError(
        `client ${clientId} is configured in OAUTH_CLIENTS: ${action} it there, not here`,
      );
    }
    if (source === 'built-in') {
      const what = clientId === DEFAULT_WALLET_CLIENT_ID ? 'wallet login' : 'the admin console';
      throw new AdminError(`client ${clientId} is built in (${what}): cannot ${action} it`);
    }
  }

  /**
   * A client OAUTH_CLIENTS registered and no longer names is unknown to the service
   * (ClientRegistry): a change here would not bring it back, so only its removal is taken.
   */
  private refuseUnconfigured(client: OAuthClient, action: string): void {
    if (this.sourceOf(client.clientId, client) === 'removed from OAUTH_CLIENTS') {
      throw new AdminError(
        `client ${client.clientId} was registered from OAUTH_CLIENTS, which no longer names it: ` +
          `name it there again, or remove it (cannot ${action} it)`,
      );
    }
  }

  private sourceOf(clientId: string, client?: OAuthClient): ClientSource {
    if (clientId === DEFAULT_WALLET_CLIENT_ID || clientId === ADMIN_CONSOLE_CLIENT_ID) {
      return 'built-in';
    }
    if (client?.dynamicallyRegisteredAt) return 'dynamic registration';
    if (this.oauth.clients.some((configured) => configured.clientId === clientId)) {
      return 'OAUTH_CLIENTS';
    }
    return client?.configured ? 'removed from OAUTH_CLIENTS' : 'database';
  }

  private view(client: OAuthClient): RegisteredClient {
    return {
      clientId: client.clientId,
      revision: client.revision ?? 0,
      type: client.type,
      name: client.name,
      redirectUris: [...client.redirectUris],
      resources: [...(client.resources ?? [])],
      grantTypes: [...grantTypesOf(client)],
      tokenEndpointAuthMethod: usesPrivateKeyJwt(client)
        ? 'private_key_jwt'
        : client.type === 'public'
          ? 'none'
          : (client.secretMethod ?? 'client_secret_basic'),
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.jwksUri ? { jwksUri: client.jwksUri } : {}),
      firstParty: client.firstParty === true,
      // What holds for the client: its own flags, or its profile's (the fapi2 profile sets both).
      dpopBoundAccessTokens: requiresDpop(client),
      requirePushedAuthorizationRequests: requiresPushedRequests(client),
      requirePkce: client.requirePkce !== false,
      ...(client.requestObjectSigningAlg
        ? { requestObjectSigningAlg: client.requestObjectSigningAlg }
        : {}),
      requireSignedRequestObject: client.requireSignedRequestObject === true,
      requestUris: [...(client.requestUris ?? [])],
      ...signedResponseAlgFields(client),
      postLogoutRedirectUris: [...(client.postLogoutRedirectUris ?? [])],
      ...(client.backchannelLogoutUri ? { backchannelLogoutUri: client.backchannelLogoutUri } : {}),
      ...(client.backchannelClientNotificationEndpoint
        ? { backchannelClientNotificationEndpoint: client.backchannelClientNotificationEndpoint }
        : {}),
      ...(client.profile ? { profile: client.profile } : {}),
      ...(client.authorizationDetailsTypes
        ? { authorizationDetailsTypes: [...client.authorizationDetailsTypes] }
        : {}),
      ...clientPageFields(client),
      adminScopes: [...(client.adminScopes ?? [])],
      ...(client.ssfReceiver ? { ssfReceiver: true as const } : {}),
      ...(client.scope ? { scope: client.scope } : {}),
      source: this.sourceOf(client.clientId, client),
      ...(client.dynamicallyRegisteredAt ? { registeredAt: client.dynamicallyRegisteredAt } : {}),
      ...(client.registeredWithInitialAccessToken
        ? { registeredWithInitialAccessToken: true }
        : {}),
      ...(client.lastUsedAt ? { lastUsedAt: client.lastUsedAt } : {}),
      ...(client.expiresAt ? { expiresAt: client.expiresAt } : {}),
      expired: !isLive(client, this.clock.now().getTime()),
    };
  }
}

/**
 * `changes` made to `client` as RFC 7396 §2 merges a patch: a field set to `null` removed, any
 * other set; what `add` takes of a request that left the field out (`newClientOf`: no redirect
 * URIs, not first-party) stands for a removed one that a client always has. The result is checked
 * as a new client is, so a removal its grants or profile need is refused in the words of a POST
 * without it.
 */
function mergedClient(client: NewClient, changes: ClientChanges): NewClient {
  const fields: Partial<Record<keyof NewClient, unknown>> = { ...client };
  for (const [name, value] of Object.entries(changes) as [keyof ClientChanges, unknown][]) {
    if (value === null) delete fields[name];
    else if (value !== undefined) fields[name] = value;
  }
  // Each value is `client`'s or one of `changes`, whose types are NewClient's own.
  const merged = fields as Partial<NewClient>;
  return {
    ...merged,
    clientId: client.clientId,
    public: client.public,
    redirectUris: merged.redirectUris ?? [],
    firstParty: merged.firstParty === true,
  };
}

/**
 * The privileges a change names, as `privilegesOf` reads them: one removed is none (no admin
 * scopes; not a receiver), so that taking it away stands out as giving it does.
 */
function changedPrivileges(changes: ClientChanges): Pick<NewClient, 'adminScopes' | 'ssfReceiver'> {
  const { adminScopes, ssfReceiver } = changes;
  return {
    ...(adminScopes === undefined ? {} : { adminScopes: adminScopes ?? [] }),
    ...(ssfReceiver === undefined ? {} : { ssfReceiver: ssfReceiver ?? false }),
  };
}

/**
 * The rules of OAUTH_CLIENTS entries (grant_types by the grants' rules, as POST /register and
 * the service's start check them); their failures are the operator's to fix, not the config's.
 */
function checkedEntry(
  wanted: NewClient,
  secret: string | undefined,
  rules: GrantTypeRules,
): ClientEntryConfig {
  const entry = configEntry(wanted, secret);
  const problem = configuredClientGrantProblem(entry, rules);
  if (problem) throw new AdminError(`${problem.field} ${problem.problem}`);
  return entry;
}

/** The client as an OAUTH_CLIENTS entry, checked by clientEntry. */
function configEntry(wanted: NewClient, secret: string | undefined): ClientEntryConfig {
  try {
    return clientEntry({
      client_id: wanted.clientId,
      redirect_uris: [...wanted.redirectUris],
      ...(secret !== undefined ? { client_secret: secret } : {}),
      ...(wanted.name !== undefined ? { name: wanted.name } : {}),
      ...(wanted.firstParty ? { first_party: true } : {}),
      ...(wanted.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
      ...(wanted.requirePushedAuthorizationRequests
        ? { require_pushed_authorization_requests: true }
        : {}),
      ...(wanted.resources !== undefined ? { resources: [...wanted.resources] } : {}),
      ...(wanted.grantTypes !== undefined ? { grant_types: [...wanted.grantTypes] } : {}),
      ...(wanted.requirePkce !== undefined ? { require_pkce: wanted.requirePkce } : {}),
      ...(wanted.jwks !== undefined || wanted.jwksUri !== undefined
        ? { token_endpoint_auth_method: 'private_key_jwt' }
        : {}),
      ...(wanted.jwks !== undefined ? { jwks: wanted.jwks } : {}),
      ...(wanted.jwksUri !== undefined ? { jwks_uri: wanted.jwksUri } : {}),
      ...(wanted.requestObjectSigningAlg !== undefined
        ? { request_object_signing_alg: wanted.requestObjectSigningAlg }
        : {}),
      ...(wanted.requireSignedRequestObject !== undefined
        ? { require_signed_request_object: wanted.requireSignedRequestObject }
        : {}),
      ...(wanted.requestUris !== undefined ? { request_uris: [...wanted.requestUris] } : {}),
      ...(wanted.idTokenSignedResponseAlg !== undefined
        ? { id_token_signed_response_alg: wanted.idTokenSignedResponseAlg }
        : {}),
      ...(wanted.userinfoSignedResponseAlg !== undefined
        ? { userinfo_signed_response_alg: wanted.userinfoSignedResponseAlg }
        : {}),
      ...(wanted.postLogoutRedirectUris !== undefined
        ? { post_logout_redirect_uris: [...wanted.postLogoutRedirectUris] }
        : {}),
      ...(wanted.backchannelLogoutUri !== undefined
        ? { backchannel_logout_uri: wanted.backchannelLogoutUri }
        : {}),
      ...(wanted.backchannelClientNotificationEndpoint !== undefined
        ? {
            backchannel_token_delivery_mode: 'ping',
            backchannel_client_notification_endpoint: wanted.backchannelClientNotificationEndpoint,
          }
        : {}),
      ...(wanted.profile !== undefined ? { profile: wanted.profile } : {}),
      ...(wanted.logoUri !== undefined ? { logo_uri: wanted.logoUri } : {}),
      ...(wanted.policyUri !== undefined ? { policy_uri: wanted.policyUri } : {}),
      ...(wanted.tosUri !== undefined ? { tos_uri: wanted.tosUri } : {}),
      ...(wanted.adminScopes !== undefined ? { admin_scopes: [...wanted.adminScopes] } : {}),
      ...(wanted.ssfReceiver !== undefined ? { ssf_receiver: wanted.ssfReceiver } : {}),
      ...(wanted.scope !== undefined ? { scope: wanted.scope } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new AdminError(error.message);
    throw error;
  }
}

/**
 * What a client may do beyond signing people in, as the audit trail records it: an admin client's
 * scopes and a Shared Signals receiver's mark, so that granting either stands out from a rename.
 * A creation names those it grants; a change names those it sets (an empty scope list included).
 */
function privilegesOf(
  client: Pick<NewClient, 'adminScopes' | 'ssfReceiver'>,
  creation: boolean,
): AdminTargets {
  const { adminScopes: scopes, ssfReceiver: receiver } = client;
  return {
    ...(scopes !== undefined && (!creation || scopes.length > 0)
      ? { admin_scopes: scopes.join(' ') }
      : {}),
    ...(receiver !== undefined && (!creation || receiver)
      ? { ssf_receiver: String(receiver) }
      : {}),
  };
}
