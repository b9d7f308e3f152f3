import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../platform/database/record';
import { AUTH_METHODS, type AuthMethod } from '../../proofs/proof-vocabulary';

export const SESSION_COLLECTION = 'sessions';

/** One sign-in the session's `amr` names (sessions/session-amr.ts). */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class SessionSignInRecord {
  @Prop({ type: String, required: true, enum: AUTH_METHODS })
  authMethod!: AuthMethod;

  /** Its own RFC 8176 values. */
  @Prop({ type: [String], required: true })
  amr!: string[];

  @Prop({ type: Date, required: true })
  at!: Date;
}

const SessionSignInSchema = SchemaFactory.createForClass(SessionSignInRecord);

/**
 * `_id`: BASE64URL(SHA-256(cookie value)): a database leak does not hand out live sessions.
 */
@Schema({ collection: SESSION_COLLECTION, versionKey: false, strict: 'throw' })
export class SessionRecord extends ExpiringRecord {
  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true, enum: AUTH_METHODS })
  authMethod!: AuthMethod;

  @Prop({ type: Date, required: true })
  authTime!: Date;

  /** RFC 8176 values; absent on sessions from before they were kept (the method's default). */
  @Prop({ type: [String], default: undefined })
  amr?: string[];

  /** OpenID Connect `acr` of the login (`phr`); absent when it achieved none. */
  @Prop({ type: String })
  acr?: string;

  /** The method key of the method that proved the login; absent on sessions from before it. */
  @Prop({ type: String })
  methodKey?: string;

  /** A sign-in proven on another device (an identity wallet's QR code): never `account`. */
  @Prop({ type: Boolean })
  crossDevice?: boolean;

  /** The sign-ins `amr` names, oldest first; absent on sessions from before they were kept. */
  @Prop({ type: [SessionSignInSchema], default: undefined })
  signIns?: SessionSignInRecord[];

  /**
   * The id hashes of the browser's sessions this one replaced, newest first, at most
   * MAX_REPLACED_SESSIONS (StoredSession.replaced); absent when none.
   */
  @Prop({ type: [String], default: undefined })
  replaced?: string[];
}

export const SessionSchema = SchemaFactory.createForClass(SessionRecord);
// Clean-up only (the TTL monitor runs about once a minute): lookups filter on `expiresAt > now`.
removeOnceExpired(SessionSchema);
// Ending every session of a disabled account.
SessionSchema.index({ sub: 1 });
// The admin API's pages of an account's sessions, newest login first.
SessionSchema.index({ sub: 1, authTime: -1 });
