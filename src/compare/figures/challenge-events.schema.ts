import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** How long per-challenge history is kept for the windowed figures and latency percentiles. */
export const CHALLENGE_HISTORY_SECONDS = 7 * 86_400;

/** Totals since the deployment's first challenge: one document per model, `$inc`-ed. */
@Schema({ collection: 'challenge_counters', versionKey: false })
export class ChallengeCounterRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Date, required: true })
  since!: Date;

  @Prop({ type: Number, default: 0 })
  issued!: number;

  @Prop({ type: Number, default: 0 })
  redeemed!: number;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  rejected!: Record<string, number>;
}
export const ChallengeCounterSchema = SchemaFactory.createForClass(ChallengeCounterRecord);

/** One challenge's life: issued, and redeemed or not. Keyed by the challenge's key hash. */
@Schema({ collection: 'challenge_lifecycles', versionKey: false })
export class ChallengeLifecycleRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  model!: string;

  @Prop({ type: Date, required: true })
  issuedAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date })
  redeemedAt?: Date;

  @Prop({ type: Number })
  latencyMs?: number;
}
export const ChallengeLifecycleSchema = SchemaFactory.createForClass(ChallengeLifecycleRecord);
ChallengeLifecycleSchema.index({ issuedAt: 1 }, { expireAfterSeconds: CHALLENGE_HISTORY_SECONDS });
ChallengeLifecycleSchema.index({ model: 1, expiresAt: 1 });
ChallengeLifecycleSchema.index({ model: 1, redeemedAt: -1 });

@Schema({ collection: 'challenge_rejections', versionKey: false })
export class ChallengeRejectionRecord {
  @Prop({ type: String, required: true })
  model!: string;

  @Prop({ type: String, required: true })
  reason!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}
export const ChallengeRejectionSchema = SchemaFactory.createForClass(ChallengeRejectionRecord);
ChallengeRejectionSchema.index({ at: 1 }, { expireAfterSeconds: CHALLENGE_HISTORY_SECONDS });
ChallengeRejectionSchema.index({ model: 1, at: -1 });
