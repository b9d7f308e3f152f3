import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../platform/database/record';

/**
 * The origin index: one document per web origin of some client's redirect URIs, keyed by the
 * origin, so the CORS check of a request is one `_id` read whatever the number of clients (the
 * dev database answers only exact-field queries from an index).
 *
 * `_id`: the origin, serialised as browsers send it in `Origin` (`https://app.example`).
 * `expiresAt`: when the last client with this origin expires, at the latest: `NEVER_EXPIRES` for a
 * client that does not. Raised (`$max`) when a client is stored or used, recomputed when one is
 * removed.
 * `keptUntil`: the share of clients that are not stored (client ID metadata documents'), raised
 * as they are used: a recomputation from the stored clients never ends it early.
 */
@Schema({ collection: 'client_origins', versionKey: false })
export class ClientOriginRecord extends ExpiringRecord {
  @Prop({ type: Date })
  keptUntil?: Date;
}

export const ClientOriginSchema = SchemaFactory.createForClass(ClientOriginRecord);
removeOnceExpired(ClientOriginSchema);

/** The expiry of clients that never expire: far enough that a TTL monitor never reaches it. */
export const NEVER_EXPIRES = new Date('9999-12-31T00:00:00.000Z');
