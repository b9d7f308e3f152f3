import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';

export const SESSION_ENDING_COLLECTION = 'session_endings';

/**
 * `_id`: the session's `sid`.
 * `expiresAt`: when the TTL index may remove the record (clean-up, nothing relies on it).
 */
@Schema({ collection: SESSION_ENDING_COLLECTION, versionKey: false, strict: 'throw' })
export class SessionEndingRecord extends ExpiringRecord {
  @Prop({ type: String, required: true })
  sub!: string;

  /** The session's id hash (the `sessions` key), until the ending is finished. */
  @Prop({ type: String })
  idHash?: string;

  @Prop({ type: String, required: true })
  reason!: string;

  @Prop({ type: Date, required: true })
  startedAt!: Date;

  /** Unset while the ending is unfinished. */
  @Prop({ type: Date })
  finishedAt?: Date;

  /** Until when `leaseOwner` is finishing it; an unfinished ending past it is abandoned. */
  @Prop({ type: Date, required: true })
  leaseUntil!: Date;

  @Prop({ type: String })
  leaseOwner?: string;
}

export const SessionEndingSchema = SchemaFactory.createForClass(SessionEndingRecord);
// The sweep: unfinished endings by lease.
SessionEndingSchema.index({ finishedAt: 1, leaseUntil: 1 });
removeOnceExpired(SessionEndingSchema);
