import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';
import { Schema as MongooseSchema } from 'mongoose';
import { AUTH_METHODS, type AuthMethod } from '../../../proofs/proof-vocabulary';
import { DEVICE_CODE_GRANT_TYPE } from '../../../protocol-rules/grant-types';
import type { RecordedGrantType, RefreshState } from '../grant';
import type { UserClaim } from '../../../protocol-rules/claims-request';
import type { AuthorizationDetail } from '../../../protocol-rules/authorization-details';
import type { ApprovalClaim } from '../../access-token';

@Schema({ collection: 'grants', versionKey: false })
export class GrantRecord extends ExpiringRecord {
  @Prop({ type: String, required: true })
  clientId!: string;

  /** Absent on a grant a replay revoked before its redemption recorded it. */
  @Prop({ type: String })
  sub?: string;

  @Prop({ type: String })
  scope?: string;

  @Prop({ type: String, enum: AUTH_METHODS })
  authMethod?: AuthMethod;

  /**
   * Set on a client's own grant (its `sub` is the client, it has no authMethod nor refresh) and
   * on a device grant (RFC 8628: never `phr`, never an account change).
   */
  @Prop({ type: String, enum: ['client_credentials', DEVICE_CODE_GRANT_TYPE] })
  grantType?: RecordedGrantType;

  /** The method key of the method whose login started the grant. */
  @Prop({ type: String })
  methodKey?: string;

  /** RFC 8707: the resource its tokens are for by default (the first, when it has several). */
  @Prop({ type: String })
  resource?: string;

  /**
   * RFC 8707 §2: every resource the grant authorized, `resource` first, written only when there
   * are several: a grant of one resource (every grant from before) has `resource` alone.
   */
  @Prop({ type: [String], default: undefined })
  resources?: string[];

  @Prop({ type: Date })
  authTime?: Date;

  /** OpenID Connect `acr` of the login the grant came from; absent when it achieved none. */
  @Prop({ type: String })
  acr?: string;

  /** The `sid` of the login session the grant came from (Back-Channel Logout 1.0). */
  @Prop({ type: String })
  sid?: string;

  /** OpenID Connect Core §5.5: the profile claims asked of the UserInfo endpoint (Grant). */
  @Prop({ type: [String], default: undefined })
  userinfoClaims?: readonly UserClaim[];

  /** RFC 9396: the authorization details the user allowed (Grant). */
  @Prop({ type: [MongooseSchema.Types.Mixed], default: undefined })
  authorizationDetails?: readonly AuthorizationDetail[];

  /** A CIBA request approved by a proof over it (Grant). */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined })
  approval?: ApprovalClaim;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date })
  revokedAt?: Date;

  @Prop({ type: String })
  revokedReason?: string;

  /** jti of access tokens revoked one by one (RFC 7009) while the grant lives on. */
  @Prop({ type: [String], default: [] })
  revokedJtis!: string[];

  /** RFC 9449 §5: the DPoP key a public client's refresh tokens are bound to. */
  @Prop({ type: String })
  dpopJkt?: string;

  /** RFC 9449: the grant's access tokens are DPoP-bound; every refresh needs a proof. */
  @Prop({ type: Boolean })
  dpopBound?: boolean;

  /** The refresh-token family, in the grant's own document: one write opens both. */
  @Prop({ type: MongooseSchema.Types.Mixed })
  refresh?: RefreshState;

  /**
   * The random id of the last batch of refreshes that rotated this grant: a turn's rotations are
   * one bulk write, and the grants carrying its id after it are those it rotated.
   */
  @Prop({ type: String })
  rotatedBy?: string;
}

export const GrantSchema = SchemaFactory.createForClass(GrantRecord);
removeOnceExpired(GrantSchema);
// Administration lists and revokes the grants of one user or one client; the admin API pages
// through them by `_id` after the owner (keyset pagination: one index range per page).
GrantSchema.index({ sub: 1, _id: 1 });
GrantSchema.index({ clientId: 1, _id: 1 });
// Ending a login session: the grants it opened (only those have a sid).
GrantSchema.index({ sid: 1 }, { sparse: true });
