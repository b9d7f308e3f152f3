import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { FinishStampedOutboxRecord, indexOutbox } from '../../../platform/outbox/outbox-record';
import type { SsfEventMode } from '../ssf-event';

export const SSF_EVENT_COLLECTION = 'ssf_events';

export type SsfEventStatus = 'pending' | 'delivered' | 'failed';

/**
 * One SET for one stream (OutboxRecord; `_id`: its `jti`). `claims` are the SET's (ids and event
 * members, never a secret); `lastError` the fetcher's reason or the receiver's `setErrs` code.
 */
@Schema({ collection: SSF_EVENT_COLLECTION, versionKey: false, strict: 'throw' })
export class SsfEventRecord extends FinishStampedOutboxRecord {
  @Prop({ type: String, required: true })
  streamId!: string;

  @Prop({ type: String, required: true })
  receiver!: string;

  @Prop({ type: String, required: true, enum: ['push', 'poll'] })
  mode!: SsfEventMode;

  /** When its cause queued it, in microseconds and a counter: the stream's order. */
  @Prop({ type: Number, required: true })
  order!: number;

  /** As JSON text: its event URIs have dots, which a document's field names had better not. */
  @Prop({ type: String, required: true })
  claims!: string;

  @Prop({ type: String, required: true, enum: ['pending', 'delivered', 'failed'] })
  status!: SsfEventStatus;
}

export const SsfEventSchema = SchemaFactory.createForClass(SsfEventRecord);
// The push claim: due rows, oldest first.
SsfEventSchema.index({ status: 1, mode: 1, nextAttemptAt: 1, order: 1 });
// A stream's head, its polls, its acknowledgements.
SsfEventSchema.index({ streamId: 1, status: 1, order: 1 });
indexOutbox(SsfEventSchema);
