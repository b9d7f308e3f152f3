import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const RATE_LIMIT_COUNTER_COLLECTION = 'rate_limit_counters';

@Schema({ collection: RATE_LIMIT_COUNTER_COLLECTION, versionKey: false, strict: 'throw' })
export class RateLimitCounterRecord {
  /** Keyed hash of limit name, key and window start: never an IP address or a client id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  count!: number;

  @Prop({ type: Date, required: true })
  expireAt!: Date;
}

export const RateLimitCounterSchema = SchemaFactory.createForClass(RateLimitCounterRecord);
// Clean-up only: a counter's id names its window, so an expired counter is never read again.
RateLimitCounterSchema.index({ expireAt: 1 }, { expireAfterSeconds: 0 });
