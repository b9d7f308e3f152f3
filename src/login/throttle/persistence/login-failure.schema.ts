import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';

export const LOGIN_FAILURE_COLLECTION = 'login_failures';

/**
 * `_id`: Kind, keyed hash of username (and address) and window: never a name or an address.
 */
@Schema({ collection: LOGIN_FAILURE_COLLECTION, versionKey: false, strict: 'throw' })
export class LoginFailureRecord extends ExpiringRecord {
  @Prop({ type: Number, required: true })
  failures!: number;

  @Prop({ type: Date })
  lastFailureAt?: Date;
}

export const LoginFailureSchema = SchemaFactory.createForClass(LoginFailureRecord);
// Clean-up only (the TTL monitor runs about once a minute): reads filter on `expiresAt > now`.
removeOnceExpired(LoginFailureSchema);
