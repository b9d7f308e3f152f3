import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedBodyOutboxRecord, indexOutbox } from '../../../../platform/outbox/outbox-record';
import { CIBA_NOTIFICATION_KINDS, type CibaNotificationKind } from '../ciba-notification';

export const CIBA_NOTIFICATION_COLLECTION = 'ciba_notifications';

/**
 * One CIBA notification in the outbox; `lastError` is the fetcher's reason, no token. `sealed`:
 * its content, bound to the row's id; its give-up time is its request's expiry.
 */
@Schema({ collection: CIBA_NOTIFICATION_COLLECTION, versionKey: false, strict: 'throw' })
export class CibaNotificationRecord extends SealedBodyOutboxRecord {
  @Prop({ type: String, required: true, enum: CIBA_NOTIFICATION_KINDS })
  kind!: CibaNotificationKind;

  @Prop({ type: String, required: true, enum: ['pending', 'delivered', 'dead'] })
  status!: 'pending' | 'delivered' | 'dead';

  @Prop({ type: String, required: true })
  clientId!: string;
}

export const CibaNotificationSchema = SchemaFactory.createForClass(CibaNotificationRecord);
// The claim: pending rows by due time.
CibaNotificationSchema.index({ status: 1, nextAttemptAt: 1 });
indexOutbox(CibaNotificationSchema);
