import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { SIGNING_ALGS, type SigningAlg } from '../../../protocol-rules/signing-algs';
import { SIGNING_KEY_SLOTS, type PublicJwk } from '../signing-key';

export const SIGNING_KEY_COLLECTION = 'signing_keys';

@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class EncryptedPrivateKeyRecord {
  @Prop({ type: Number, required: true, enum: [1] })
  v!: 1;

  @Prop({ type: String, required: true })
  salt!: string;

  @Prop({ type: String, required: true })
  iv!: string;

  @Prop({ type: String, required: true })
  tag!: string;

  @Prop({ type: String, required: true })
  ciphertext!: string;
}

const EncryptedPrivateKeySchema = SchemaFactory.createForClass(EncryptedPrivateKeyRecord);

@Schema({ collection: SIGNING_KEY_COLLECTION, versionKey: false, strict: 'throw' })
export class SigningKeyRecord {
  @Prop({ type: String, required: true })
  kid!: string;

  @Prop({ type: String, required: true, enum: SIGNING_ALGS })
  alg!: SigningAlg;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  publicJwk!: PublicJwk;

  @Prop({ type: EncryptedPrivateKeySchema, required: false })
  encryptedPrivateKey?: EncryptedPrivateKeyRecord;

  /** SIGNING_KEY_SLOTS: `active`/`next` for TOKEN_SIGNING_ALG, `active:<alg>`/`next:<alg>` for another. */
  @Prop({ type: String, required: false, enum: SIGNING_KEY_SLOTS })
  slot?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** Only on the next key: when it is due to replace the active key. */
  @Prop({ type: Date, required: false })
  activatesAt?: Date;

  @Prop({ type: Date, required: false })
  retiredAt?: Date;
}

export const SigningKeySchema = SchemaFactory.createForClass(SigningKeyRecord);
SigningKeySchema.index({ kid: 1 }, { unique: true });
// At most one document holds each slot (an alg's active key, its next key): this index, not a read before
// the write, is what keeps two instances starting (or rotating) at once from both installing a
// key. Sparse, so the retired keys, which have no slot, do not collide with each other.
SigningKeySchema.index({ slot: 1 }, { unique: true, sparse: true });
