import { ADMIN_SCOPES, type AdminScope } from '../../protocol-rules/admin-scopes';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord, removeOnceExpired } from '../../platform/database/record';
import { Schema as MongooseSchema } from 'mongoose';
import { SIGNING_ALGS, type SigningAlg } from '../../protocol-rules/signing-algs';
import { CLIENT_PROFILES, type ClientProfile } from '../../protocol-rules/client-profile';
import type { ApplicationType } from '../../protocol-rules/redirect-uri';
import {
  REQUEST_OBJECT_SIGNING_ALGS,
  type RequestObjectSigningAlg,
} from '../../protocol-rules/request-object';
import {
  SECRET_METHODS,
  type ClientJwks,
  type ClientType,
  type SecretMethod,
} from '../oauth-client';

/** One of a confidential client's secrets (clients/client-secrets.ts). */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class ClientSecretRecord {
  @Prop({ type: String, required: true })
  id!: string;

  /** scrypt hash of the secret. */
  @Prop({ type: String, required: true })
  hash!: string;

  /** Absent: the secret was stored by a release before secrets had ids. */
  @Prop({ type: Date })
  createdAt?: Date;

  /** Absent: never expires. Checked at every authentication (no TTL: a secret is no document). */
  @Prop({ type: Date })
  expiresAt?: Date;
}

const ClientSecretSchema = SchemaFactory.createForClass(ClientSecretRecord);

@Schema({ collection: 'oauth_clients', versionKey: false })
export class ClientRecord extends KeyedRecord {
  @Prop({ type: String, required: true, enum: ['confidential', 'public'] })
  type!: ClientType;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: [String], required: true })
  redirectUris!: string[];

  /**
   * scrypt hash of the client's newest secret; absent for public and private_key_jwt clients.
   * The one secret of the records of release 1.0.0, which still reads (and may write) only this
   * field during a rolling upgrade: so it is kept, the newest of `secrets` mirrored here.
   */
  @Prop({ type: String })
  secretHash?: string;

  /**
   * The client's secrets, newest last (its hash is `secretHash`): one, or two during a
   * rotation's overlap. Absent, or with another newest hash than `secretHash` (release 1.0.0
   * stored or rotated the secret since): the client has `secretHash` alone, without expiry.
   */
  @Prop({ type: [ClientSecretSchema], default: undefined })
  secrets?: ClientSecretRecord[];

  /**
   * Counts the changes of `secrets`: a change names the version it read and is refused when
   * another came first (a conditional update; no transactions). Absent: 0.
   */
  @Prop({ type: Number })
  secretsVersion?: number;

  /** OAuthClient.revision: `$inc`ed by each change of the registration or keys. Absent: 0. */
  @Prop({ type: Number })
  revision?: number;

  @Prop({ type: [String], default: undefined })
  resources?: string[];

  @Prop({ type: Boolean })
  firstParty?: boolean;

  /** OAuthClient.secretMethod: how a self-registered client sends its secret. */
  @Prop({ type: String, enum: SECRET_METHODS })
  secretMethod?: SecretMethod;

  /** RFC 9449 §5.2 dpop_bound_access_tokens: token requests must carry a DPoP proof. */
  @Prop({ type: Boolean })
  dpopBoundAccessTokens?: boolean;

  /** RFC 9126 §6 require_pushed_authorization_requests. */
  @Prop({ type: Boolean })
  requirePushedAuthorizationRequests?: boolean;

  /** `require_pkce`: stored only as false (a confidential client let go without PKCE). */
  @Prop({ type: Boolean })
  requirePkce?: boolean;

  /** A client profile an operator gave it (protocol-rules/client-profile.ts). */
  @Prop({ type: String, enum: CLIENT_PROFILES })
  profile?: ClientProfile;

  /** OpenID Connect Registration §2 application_type of a client that registered itself. */
  @Prop({ type: String, enum: ['web', 'native'] })
  applicationType?: ApplicationType;

  /** RFC 7591 grant_types of a client that registered itself; absent: the browser grants. */
  @Prop({ type: [String], default: undefined })
  grantTypes?: string[];

  /** RFC 7523 private_key_jwt: the client's public keys (RFC 7591 `jwks`). */
  @Prop({ type: MongooseSchema.Types.Mixed })
  jwks?: ClientJwks;

  /** RFC 7523 private_key_jwt: where the client publishes its public keys (RFC 7591 `jwks_uri`). */
  @Prop({ type: String })
  jwksUri?: string;

  /** OpenID Connect Registration §2 request_object_signing_alg. */
  @Prop({ type: String, enum: REQUEST_OBJECT_SIGNING_ALGS })
  requestObjectSigningAlg?: RequestObjectSigningAlg;

  /** OpenID Connect Registration §2 request_uris, when registered. */
  @Prop({ type: [String], default: undefined })
  requestUris?: string[];

  /** OpenID Connect Registration §2 id_token_signed_response_alg (absent: TOKEN_SIGNING_ALG). */
  @Prop({ type: String, enum: SIGNING_ALGS })
  idTokenSignedResponseAlg?: SigningAlg;

  /** OpenID Connect Registration §2 userinfo_signed_response_alg (absent: JSON at /userinfo). */
  @Prop({ type: String, enum: SIGNING_ALGS })
  userinfoSignedResponseAlg?: SigningAlg;

  /** RFC 9101 §10.5 require_signed_request_object. */
  @Prop({ type: Boolean })
  requireSignedRequestObject?: boolean;

  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris. */
  @Prop({ type: [String], default: undefined })
  postLogoutRedirectUris?: string[];

  /** OpenID Connect Back-Channel Logout 1.0 §2.2 backchannel_logout_uri. */
  @Prop({ type: String })
  backchannelLogoutUri?: string;

  @Prop({ type: Boolean })
  backchannelLogoutSessionRequired?: boolean;

  /** RFC 9396 §10 authorization_details_types, when registered. */
  @Prop({ type: [String], default: undefined })
  authorizationDetailsTypes?: string[];

  /** CIBA Core 1.0 §4 backchannel_client_notification_endpoint of a ping client. */
  @Prop({ type: String })
  backchannelClientNotificationEndpoint?: string;

  /** RFC 7591 §2 logo_uri, policy_uri and tos_uri, when registered. */
  @Prop({ type: String })
  logoUri?: string;

  @Prop({ type: String })
  policyUri?: string;

  @Prop({ type: String })
  tosUri?: string;

  /** Issue #77: the admin API scopes an operator gave it (client_credentials only). */
  @Prop({ type: [String], enum: ADMIN_SCOPES, default: undefined })
  adminScopes?: AdminScope[];

  /** Issue #80: a Shared Signals receiver an operator marked (client_credentials only). */
  @Prop({ type: Boolean })
  ssfReceiver?: boolean;

  /** RFC 7591 §2 scope: the only scopes it may ask for (OAuthClient.scope), when registered. */
  @Prop({ type: String })
  scope?: string;

  /** Registered from OAUTH_CLIENTS (OAuthClient.configured). */
  @Prop({ type: Boolean })
  configured?: true;

  /** Set for clients that registered themselves (RFC 7591): when they did. */
  @Prop({ type: Date })
  dynamicallyRegisteredAt?: Date;

  /** Registered with the operator's initial access token (RFC 7591 §3). */
  @Prop({ type: Boolean })
  registeredWithInitialAccessToken?: true;

  /** Registered clients only: unknown from then on (checked on every lookup; the TTL index cleans up). */
  @Prop({ type: Date })
  expiresAt?: Date;

  /** Registered clients only: when a token was last issued to it (written about once a day). */
  @Prop({ type: Date })
  lastUsedAt?: Date;

  /**
   * The web origins of `redirectUris`, kept with the record so that the origin index
   * (`client_origins`) can be recomputed for an origin when a client leaves it. Absent: stored by a
   * version before the origin index (filled in at start, see MongoClientRepository.prepare).
   */
  @Prop({ type: [String], default: undefined })
  origins?: string[];
}

export const ClientSchema = SchemaFactory.createForClass(ClientRecord);
// Clean-up only: the expiry is checked on every lookup, and swept where TTL deletion never runs.
removeOnceExpired(ClientSchema);
ClientSchema.index({ origins: 1 });
// The operator's own clients, read for the CORS check of first-party endpoints (passkey sign-in).
ClientSchema.index({ firstParty: 1 });
// The clients OAUTH_CLIENTS registered, read at start for those it no longer names.
ClientSchema.index({ configured: 1 });
