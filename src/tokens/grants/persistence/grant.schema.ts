import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { AUTH_METHODS, type AuthMethod } from '../../access-token';

@Schema({ collection: 'grants', versionKey: false })
export class GrantRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true })
  scope!: string;

  @Prop({ type: String, required: true, enum: AUTH_METHODS })
  authMethod!: AuthMethod;

  @Prop({ type: String })
  codeHash?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date })
  revokedAt?: Date;

  @Prop({ type: String })
  revokedReason?: string;

  /** jti of access tokens revoked one by one (RFC 7009) while the grant lives on. */
  @Prop({ type: [String], default: [] })
  revokedJtis!: string[];
}

export const GrantSchema = SchemaFactory.createForClass(GrantRecord);
GrantSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
GrantSchema.index({ codeHash: 1 }, { unique: true, sparse: true });

@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshTokenDocument {
  /** SHA-256 of the token. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  grantId!: string;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  rotatedAt!: Date | null;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshTokenDocument);
RefreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
