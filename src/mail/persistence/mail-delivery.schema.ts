import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedBodyOutboxRecord, indexOutbox } from '../../platform/outbox/outbox-record';
import { MAIL_PURPOSES, type MailPurpose } from '../mail';

export const MAIL_DELIVERY_COLLECTION = 'mail_deliveries';

export type MailDeliveryStatus = 'pending' | 'sent' | 'dead';

/**
 * One mail in the outbox; `lastError` is the SMTP server's answer or the network's, no address;
 * `maskedTo` the one trace of the address kept in clear. `sealed`: the mail (recipient, subject,
 * bodies); a mail refused for good before its give-up time keeps it until then, to be retried.
 */
@Schema({ collection: MAIL_DELIVERY_COLLECTION, versionKey: false, strict: 'throw' })
export class MailDeliveryRecord extends SealedBodyOutboxRecord {
  @Prop({ type: String, required: true, enum: MAIL_PURPOSES })
  purpose!: MailPurpose;

  @Prop({ type: String, required: true, enum: ['pending', 'sent', 'dead'] })
  status!: MailDeliveryStatus;

  /** The recipient masked (`a***@example.com`): what an operator's listing shows of it. */
  @Prop({ type: String })
  maskedTo?: string;
}

export const MailDeliverySchema = SchemaFactory.createForClass(MailDeliveryRecord);
// The claim: pending rows by due time.
MailDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
indexOutbox(MailDeliverySchema);
