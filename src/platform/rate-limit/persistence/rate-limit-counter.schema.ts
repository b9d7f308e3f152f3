import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord } from '../../database/record';

export const RATE_LIMIT_COUNTER_COLLECTION = 'rate_limit_counters';

/**
 * `_id`: Keyed hash of limit name, key and window start: never an IP address or a client id.
 */
@Schema({ collection: RATE_LIMIT_COUNTER_COLLECTION, versionKey: false, strict: 'throw' })
export class RateLimitCounterRecord extends KeyedRecord {
  @Prop({ type: Number, required: true })
  count!: number;

  @Prop({ type: Date, required: true })
  expireAt!: Date;
}

export const RateLimitCounterSchema = SchemaFactory.createForClass(RateLimitCounterRecord);
// Clean-up only: a counter's id names its window, so an expired counter is never read again.
RateLimitCounterSchema.index({ expireAt: 1 }, { expireAfterSeconds: 0 });
