import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';

export const LOGOUT_HOLD_COLLECTION = 'logout_holds';

/**
 * What keeps the self-registered lane to one attempt at a time per client and per host across
 * every instance: one record per key (`client:<client_id>`, `host:<host>`), taken with one
 * conditional upsert for as long as the attempt's lease, and, for a host, its circuit breaker.
 *
 * `expiresAt`: when the TTL index may remove the record: a day after it was last taken or released.
 */
@Schema({ collection: LOGOUT_HOLD_COLLECTION, versionKey: false, strict: 'throw' })
export class LogoutDeliveryHoldRecord extends ExpiringRecord {
  /** Nobody takes the key before this: the lease of the attempt under way, or a host's backoff. */
  @Prop({ type: Date, required: true })
  busyUntil!: Date;

  /** The instance attempting `deliveryId` under this hold (unset once released). */
  @Prop({ type: String })
  owner?: string;

  @Prop({ type: String })
  deliveryId?: string;

  /** A host's timed-out attempts in a row (HostState). */
  @Prop({ type: Number })
  timeouts?: number;
}

export const LogoutDeliveryHoldSchema = SchemaFactory.createForClass(LogoutDeliveryHoldRecord);
// Each claim of the self-registered lane: the keys busy now.
LogoutDeliveryHoldSchema.index({ busyUntil: 1 });
removeOnceExpired(LogoutDeliveryHoldSchema);
