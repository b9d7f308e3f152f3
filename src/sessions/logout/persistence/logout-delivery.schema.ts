import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { DeliveryLane } from '../logout-delivery';

export const LOGOUT_DELIVERY_COLLECTION = 'logout_deliveries';

export type LogoutDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

@Schema({ collection: LOGOUT_DELIVERY_COLLECTION, versionKey: false, strict: 'throw' })
export class LogoutDeliveryRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, required: true })
  uri!: string;

  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true })
  sid!: string;

  @Prop({ type: String, required: true, enum: ['pending', 'delivered', 'failed', 'dropped'] })
  status!: LogoutDeliveryStatus;

  /** Whose workers attempt it (absent on rows queued by a version without lanes). */
  @Prop({ type: String, enum: ['operator', 'self_registered'] })
  lane?: DeliveryLane;

  /** The host of `uri` (hostOf): the self-registered lane's per-host rules count by it. */
  @Prop({ type: String })
  host?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  giveUpAt!: Date;

  /** When the next attempt is due. */
  @Prop({ type: Date, required: true })
  nextAttemptAt!: Date;

  /** Until when the instance `leaseOwner` holds the delivery; before `now`: nobody does. */
  @Prop({ type: Date, required: true })
  leaseUntil!: Date;

  @Prop({ type: String })
  leaseOwner?: string;

  @Prop({ type: Number, required: true })
  attempts!: number;

  /** Why the latest attempt failed (the fetcher's reason: never the token). */
  @Prop({ type: String })
  lastError?: string;

  /** When the TTL index may remove the row: a week past `giveUpAt` (clean-up, nothing relies on it). */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const LogoutDeliverySchema = SchemaFactory.createForClass(LogoutDeliveryRecord);
// A lane's claim: its pending rows, first attempts first, then by due time.
LogoutDeliverySchema.index({ status: 1, lane: 1, attempts: 1, nextAttemptAt: 1 });
// A self-registered client's live deliveries, newest first (its cap).
LogoutDeliverySchema.index({ clientId: 1, status: 1, createdAt: 1 });
// Pending rows past their give-up time.
LogoutDeliverySchema.index({ status: 1, giveUpAt: 1 });
LogoutDeliverySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
