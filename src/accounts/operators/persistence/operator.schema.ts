import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord } from '../../../platform/database/record';

export const OPERATOR_COLLECTION = 'operators';

/**
 * An account that holds the operator role (accounts/operators/operator.ts).
 *
 * `_id`: the account's subject.
 */
@Schema({ collection: OPERATOR_COLLECTION, versionKey: false, strict: 'throw' })
export class OperatorDocument extends KeyedRecord {
  @Prop({ type: Date, required: true })
  grantedAt!: Date;

  @Prop({ type: String, required: true })
  grantedBy!: string;
}

export const OperatorSchema = SchemaFactory.createForClass(OperatorDocument);
