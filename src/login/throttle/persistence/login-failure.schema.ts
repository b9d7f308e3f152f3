import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const LOGIN_FAILURE_COLLECTION = 'login_failures';

@Schema({ collection: LOGIN_FAILURE_COLLECTION, versionKey: false, strict: 'throw' })
export class LoginFailureRecord {
  /** Kind, keyed hash of username (and address) and window: never a name or an address. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  failures!: number;

  @Prop({ type: Date })
  lastFailureAt?: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const LoginFailureSchema = SchemaFactory.createForClass(LoginFailureRecord);
// Clean-up only (the TTL monitor runs about once a minute): reads filter on `expiresAt > now`.
LoginFailureSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
