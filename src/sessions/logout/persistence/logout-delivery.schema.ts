import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SIGNING_ALGS, type SigningAlg } from '../../../protocol-rules/signing-algs';
import { OutboxRecord, indexOutbox } from '../../../platform/outbox/outbox-record';
import type { DeliveryLane } from '../logout-delivery';

export const LOGOUT_DELIVERY_COLLECTION = 'logout_deliveries';

export type LogoutDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

/**
 * One logout token to deliver (OutboxRecord: kept a week past its give-up time); `lastError` is
 * the fetcher's reason, never the token.
 */
@Schema({ collection: LOGOUT_DELIVERY_COLLECTION, versionKey: false, strict: 'throw' })
export class LogoutDeliveryRecord extends OutboxRecord {
  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, required: true })
  uri!: string;

  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true })
  sid!: string;

  /** The client's ID token alg (absent: TOKEN_SIGNING_ALG, and on rows of earlier versions). */
  @Prop({ type: String, enum: SIGNING_ALGS })
  alg?: SigningAlg;

  @Prop({ type: String, required: true, enum: ['pending', 'delivered', 'failed', 'dropped'] })
  status!: LogoutDeliveryStatus;

  /** Whose workers attempt it (absent on rows queued by a version without lanes). */
  @Prop({ type: String, enum: ['operator', 'self_registered'] })
  lane?: DeliveryLane;

  /** The host of `uri` (hostOf): the self-registered lane's per-host rules count by it. */
  @Prop({ type: String })
  host?: string;
}

export const LogoutDeliverySchema = SchemaFactory.createForClass(LogoutDeliveryRecord);
// A lane's claim: its pending rows, first attempts first, then by due time.
LogoutDeliverySchema.index({ status: 1, lane: 1, attempts: 1, nextAttemptAt: 1 });
// A self-registered client's live deliveries, newest first (its cap).
LogoutDeliverySchema.index({ clientId: 1, status: 1, createdAt: 1 });
indexOutbox(LogoutDeliverySchema);
