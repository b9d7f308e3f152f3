import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ClientType } from '../oauth-client';

@Schema({ collection: 'oauth_clients', versionKey: false })
export class ClientRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, enum: ['confidential', 'public'] })
  type!: ClientType;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: [String], required: true })
  redirectUris!: string[];

  /** scrypt hash of the client secret; absent for public clients. */
  @Prop({ type: String })
  secretHash?: string;

  @Prop({ type: [String], default: undefined })
  resources?: string[];

  @Prop({ type: Boolean })
  firstParty?: boolean;

  /** RFC 7591 grant_types of a client that registered itself; absent: every grant. */
  @Prop({ type: [String], default: undefined })
  grantTypes?: string[];

  /** Set for clients that registered themselves (RFC 7591): when they did. */
  @Prop({ type: Date })
  dynamicallyRegisteredAt?: Date;
}

export const ClientSchema = SchemaFactory.createForClass(ClientRecord);
