import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord, removeOnceExpired } from '../../../platform/database/record';

export const CONSENT_COLLECTION = 'consents';

/**
 * `_id` is the user and the client together (`consentId`), so the check on every /authorize of a
 * non-first-party client and the upsert on Allow are single-document operations on `_id`.
 */
@Schema({ collection: CONSENT_COLLECTION, versionKey: false, strict: 'throw' })
export class ConsentRecord extends KeyedRecord {
  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: [String], required: true })
  scopes!: string[];

  /** Absent in records written before resources were remembered: none allowed. */
  @Prop({ type: [String], default: undefined })
  resources?: string[];

  @Prop({ type: Date, required: true })
  grantedAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;

  /**
   * `updatedAt` plus CONSENT_TTL_DAYS: the user is asked again after it. Absent only in records
   * written before consents expired; the repository gives those one at start.
   */
  @Prop({ type: Date })
  expiresAt?: Date;
}

export const ConsentSchema = SchemaFactory.createForClass(ConsentRecord);
// `consents list/revoke --user`: an operator's query, not a request path.
ConsentSchema.index({ sub: 1 });
// The admin API's pages of a user's or a client's consents, in key order (`_id` is consentKey).
ConsentSchema.index({ sub: 1, _id: 1 });
ConsentSchema.index({ clientId: 1, _id: 1 });
// Clean-up only (the dev database never deletes): reads compare `expiresAt` with the clock.
removeOnceExpired(ConsentSchema);

export { consentKey as consentId } from '../consent';
