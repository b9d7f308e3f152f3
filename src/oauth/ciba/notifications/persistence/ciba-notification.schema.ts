import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxRecord, indexOutbox } from '../../../../platform/outbox/outbox-record';
import { CIBA_NOTIFICATION_KINDS, type CibaNotificationKind } from '../ciba-notification';

export const CIBA_NOTIFICATION_COLLECTION = 'ciba_notifications';

/** One CIBA notification in the outbox; `lastError` is the fetcher's reason, no token. */
@Schema({ collection: CIBA_NOTIFICATION_COLLECTION, versionKey: false, strict: 'throw' })
export class CibaNotificationRecord extends OutboxRecord {
  @Prop({ type: String, required: true, enum: CIBA_NOTIFICATION_KINDS })
  kind!: CibaNotificationKind;

  @Prop({ type: String, required: true, enum: ['pending', 'delivered', 'dead'] })
  status!: 'pending' | 'delivered' | 'dead';

  @Prop({ type: String, required: true })
  clientId!: string;

  /**
   * The content (SecretBox, bound to the row's id): removed once delivered, or dead and past its
   * request's expiry.
   */
  @Prop({ type: String })
  sealed?: string;

  @Prop({ type: Date })
  finishedAt?: Date;
}

export const CibaNotificationSchema = SchemaFactory.createForClass(CibaNotificationRecord);
// The claim: pending rows by due time.
CibaNotificationSchema.index({ status: 1, nextAttemptAt: 1 });
indexOutbox(CibaNotificationSchema);
