import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../platform/database/record';
import { Schema as MongooseSchema } from 'mongoose';
import { CHALLENGE_KINDS, type ChallengeKind } from '../challenge';

export const CHALLENGE_COLLECTION = 'challenges';

/**
 * `_id`: BASE64URL(SHA-256(key)): the key itself is never stored. `expiresAt` is when the TTL
 * index may remove the record: its expiry, or for a remembered challenge, the end of its memory.
 */
@Schema({ collection: CHALLENGE_COLLECTION, versionKey: false, strict: 'throw' })
export class ChallengeRecord extends ExpiringRecord {
  @Prop({ type: String, required: true, enum: CHALLENGE_KINDS })
  kind!: ChallengeKind;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  binding!: Record<string, string>;

  /**
   * A remembered challenge's expiry (`IssueChallenge.rememberedFor`): past it the challenge is
   * expired, and kept until `expiresAt` only to tell a late redemption so. Absent: at `expiresAt`.
   */
  @Prop({ type: Date })
  lapsesAt?: Date;

  /** Removed by the redeeming operation itself (delete-on-use). */
  @Prop({ type: MongooseSchema.Types.Mixed })
  payload?: unknown;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** Failed proofs that cost something (a contract wallet's RPC check), counted before each. */
  @Prop({ type: Number })
  attempts?: number;

  /** Set by the one atomic redemption; the spent marker then lives until `expiresAt`. */
  @Prop({ type: Date, default: null })
  spentAt?: Date | null;

  /**
   * The random id of the batch of redemptions (`redeemPeeked`, or the consumes of one turn) that
   * spent it, set in the same update: how each batch tells the challenges it redeemed from those
   * another spent.
   */
  @Prop({ type: String })
  redeemedBy?: string;
}

export const ChallengeSchema = SchemaFactory.createForClass(ChallengeRecord);
// Clean-up only: the TTL monitor runs about once a minute, so correctness never relies on it;
// every redemption also filters on `expiresAt > now`.
removeOnceExpired(ChallengeSchema);
ChallengeSchema.index({ kind: 1, createdAt: -1 });
// A person's pending requests (CIBA, /account/approvals): only challenges bound to an account.
ChallengeSchema.index({ 'binding.account': 1, createdAt: -1 }, { sparse: true });
// A client's pending requests for one person (CIBA_MAX_PENDING_PER_CLIENT): only challenges
// bound to whom they ask, an account or not, so that either is counted at the same cost. One
// field: a sparse index that held `createdAt` too would hold every challenge.
ChallengeSchema.index({ 'binding.asked': 1 }, { sparse: true });
