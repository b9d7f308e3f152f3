import { Prop } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';

/**
 * A record keyed by a string of its own making (`_id`): a hash, a method key, a `sid`, never an
 * ObjectId. A schema class extends it (`SchemaFactory.createForClass` takes inherited `@Prop`s).
 */
export abstract class KeyedRecord {
  @Prop({ type: String, required: true })
  _id!: string;
}

/** A keyed record that lives until `expiresAt`, past which `removeOnceExpired`'s index drops it. */
export abstract class ExpiringRecord extends KeyedRecord {
  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

/**
 * The TTL index on `expiresAt`. Clean-up only: MongoDB's TTL monitor (and the dev database's,
 * tools/mongo-server) runs about once a minute, so every read still filters on `expiresAt > now`.
 */
export function removeOnceExpired(schema: Schema): void {
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
}
