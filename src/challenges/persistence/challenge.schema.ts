import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { CHALLENGE_KINDS, type ChallengeKind } from '../challenge';

export const CHALLENGE_COLLECTION = 'challenges';

@Schema({ collection: CHALLENGE_COLLECTION, versionKey: false, strict: 'throw' })
export class ChallengeRecord {
  /** BASE64URL(SHA-256(key)): the key itself is never stored. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, enum: CHALLENGE_KINDS })
  kind!: ChallengeKind;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  binding!: Record<string, string>;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  payload!: unknown;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  /** Set by the one atomic claim; the document is deleted right after the claimer's hook. */
  @Prop({ type: Date, default: null })
  consumedAt?: Date | null;

  /** Set when someone presents the challenge while its redemption is being completed. */
  @Prop({ type: Date })
  replayedAt?: Date;
}

export const ChallengeSchema = SchemaFactory.createForClass(ChallengeRecord);
// Clean-up only: the TTL monitor runs about once a minute, so correctness never relies on it;
// every consume also filters on `expiresAt > now`.
ChallengeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
ChallengeSchema.index({ kind: 1, createdAt: -1 });
