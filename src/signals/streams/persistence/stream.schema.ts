import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { DEFAULT_SUBJECTS, type DefaultSubjects } from '../../../config/sections/ssf.config';
import { KeyedRecord } from '../../../platform/database/record';
import { DELIVERY_METHODS, type DeliveryMethod } from '../../ssf-events';
import { STREAM_STATUSES, type StreamStatus } from '../stream';

export const SSF_STREAM_COLLECTION = 'ssf_streams';

/**
 * A receiver's stream (`_id`: its stream_id). Kept until its receiver deletes it. `pushBusyUntil`
 * and `pushOwner`: the push attempt under way (one at a time per stream, so its SETs arrive in
 * order).
 */
@Schema({ collection: SSF_STREAM_COLLECTION, versionKey: false, strict: 'throw' })
export class SsfStreamRecord extends KeyedRecord {
  @Prop({ type: String, required: true })
  receiver!: string;

  @Prop({ type: String, required: true, enum: DELIVERY_METHODS })
  deliveryMethod!: DeliveryMethod;

  @Prop({ type: String })
  endpointUrl?: string;

  /**
   * The receiver's own secret for its endpoint, sealed (StreamHeaderSeal, bound to `_id`): never
   * answered back, and not readable from the database alone.
   */
  @Prop({ type: String })
  sealedAuthorizationHeader?: string;

  @Prop({ type: [String], required: true })
  eventsRequested!: string[];

  @Prop({ type: [String], required: true })
  eventsDelivered!: string[];

  @Prop({ type: String })
  description?: string;

  @Prop({ type: String, required: true, enum: STREAM_STATUSES })
  status!: StreamStatus;

  @Prop({ type: String })
  statusReason?: string;

  @Prop({ type: String, required: true, enum: DEFAULT_SUBJECTS })
  defaultSubjects!: DefaultSubjects;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;

  @Prop({ type: Date, required: true })
  pushBusyUntil!: Date;

  @Prop({ type: String })
  pushOwner?: string;
}

export const SsfStreamSchema = SchemaFactory.createForClass(SsfStreamRecord);
// A receiver's streams.
SsfStreamSchema.index({ receiver: 1, createdAt: 1 });

export const SSF_SUBJECT_COLLECTION = 'ssf_stream_subjects';

/** A subject added to a stream (`_id`: the stream id and the subject's key, hashed). */
@Schema({ collection: SSF_SUBJECT_COLLECTION, versionKey: false, strict: 'throw' })
export class SsfStreamSubjectRecord extends KeyedRecord {
  @Prop({ type: String, required: true })
  streamId!: string;

  @Prop({ type: String, required: true })
  key!: string;

  /** The account the subject named when added. */
  @Prop({ type: String })
  sub?: string;
}

export const SsfStreamSubjectSchema = SchemaFactory.createForClass(SsfStreamSubjectRecord);
// Which streams cover an account; a stream's subjects (its count, its deletion).
SsfStreamSubjectSchema.index({ sub: 1, streamId: 1 });
SsfStreamSubjectSchema.index({ streamId: 1 });
