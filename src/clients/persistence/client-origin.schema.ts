import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * The origin index: one document per web origin of some client's redirect URIs, keyed by the
 * origin, so the CORS check of a request is one `_id` read whatever the number of clients (the
 * dev database answers only exact-field queries from an index).
 */
@Schema({ collection: 'client_origins', versionKey: false })
export class ClientOriginRecord {
  /** The origin, serialised as browsers send it in `Origin` (`https://app.example`). */
  @Prop({ type: String, required: true })
  _id!: string;

  /**
   * When the last client with this origin expires, at the latest: `NEVER_EXPIRES` for a client
   * that does not. Raised (`$max`) when a client is stored or used, recomputed when one is removed.
   */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const ClientOriginSchema = SchemaFactory.createForClass(ClientOriginRecord);
ClientOriginSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The expiry of clients that never expire: far enough that a TTL monitor never reaches it. */
export const NEVER_EXPIRES = new Date('9999-12-31T00:00:00.000Z');
