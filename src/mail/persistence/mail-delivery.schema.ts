import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { MailPurpose } from '../mail';

export const MAIL_DELIVERY_COLLECTION = 'mail_deliveries';

export type MailDeliveryStatus = 'pending' | 'sent' | 'dead';

@Schema({ collection: MAIL_DELIVERY_COLLECTION, versionKey: false, strict: 'throw' })
export class MailDeliveryRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, enum: ['email_code'] })
  purpose!: MailPurpose;

  @Prop({ type: String, required: true, enum: ['pending', 'sent', 'dead'] })
  status!: MailDeliveryStatus;

  /** The mail (recipient, subject, bodies), sealed: removed once the mail is sent or dead. */
  @Prop({ type: String })
  sealed?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  giveUpAt!: Date;

  /** When the next attempt is due. */
  @Prop({ type: Date, required: true })
  nextAttemptAt!: Date;

  /** Until when the instance `leaseOwner` holds the mail; before `now`: nobody does. */
  @Prop({ type: Date, required: true })
  leaseUntil!: Date;

  @Prop({ type: String })
  leaseOwner?: string;

  @Prop({ type: Number, required: true })
  attempts!: number;

  /** Why the latest attempt failed (the SMTP server's answer or the network's): no address. */
  @Prop({ type: String })
  lastError?: string;

  /** When it was sent or given up. */
  @Prop({ type: Date })
  finishedAt?: Date;

  /** When the TTL index may remove the row: a day past `giveUpAt` (clean-up, nothing relies on it). */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const MailDeliverySchema = SchemaFactory.createForClass(MailDeliveryRecord);
// The claim: pending rows by due time.
MailDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
// Pending rows past their give-up time.
MailDeliverySchema.index({ status: 1, giveUpAt: 1 });
MailDeliverySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
