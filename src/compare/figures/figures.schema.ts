import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** How long per-minute figures are kept. */
export const FIGURES_HISTORY_SECONDS = 7 * 86_400;

/**
 * Redemption latency histogram bounds in milliseconds (the last bucket is open). Percentiles
 * are reported as the upper bound of the bucket they fall in.
 */
export const LATENCY_BOUNDS_MS = [
  10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  3_600_000,
];

/** The counters the totals and the per-minute documents both keep, `$inc`-ed alike. */
abstract class ChallengeCounters {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, default: 0 })
  issued!: number;

  @Prop({ type: Number, default: 0 })
  redeemed!: number;

  /** Rejected redemptions by reason. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  rejected!: Record<string, number>;

  /** Redemptions per latency bucket (index into LATENCY_BOUNDS_MS, or its length for the rest). */
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  latency!: Record<string, number>;
}

/** Totals since the deployment's first challenge: one document per model, `_id` the model. */
@Schema({ collection: 'challenge_totals', versionKey: false })
export class ChallengeTotalsRecord extends ChallengeCounters {
  @Prop({ type: Date, required: true })
  since!: Date;
}
export const ChallengeTotalsSchema = SchemaFactory.createForClass(ChallengeTotalsRecord);

/**
 * One model's figures for one minute, `_id` `<model>:<minute ISO>`. `expiring` counts, by second
 * of this minute, the challenges that expire then and have not been redeemed (issue adds one,
 * redemption takes it back), so "expired unredeemed" is exact to the second.
 */
@Schema({ collection: 'challenge_minutes', versionKey: false })
export class ChallengeMinuteRecord extends ChallengeCounters {
  @Prop({ type: String, required: true })
  model!: string;

  @Prop({ type: Date, required: true })
  minute!: Date;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  expiring!: Record<string, number>;

  @Prop({ type: Date, required: true })
  expireAt!: Date;
}
export const ChallengeMinuteSchema = SchemaFactory.createForClass(ChallengeMinuteRecord);
ChallengeMinuteSchema.index({ expireAt: 1 }, { expireAfterSeconds: 0 });

export function minuteId(model: string, minute: Date): string {
  return `${model}:${minute.toISOString()}`;
}

export function minuteOf(at: Date): Date {
  return new Date(minuteStartMs(at));
}

/** `minuteOf(at)` in ms since the epoch, for counting without building the Date. */
export function minuteStartMs(at: Date): number {
  return Math.floor(at.getTime() / 60_000) * 60_000;
}

export function latencyBucket(ms: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}
