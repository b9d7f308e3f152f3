import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord } from '../../platform/database/record';
import { METHOD_TYPES, type MethodType } from '../../proofs/proof-vocabulary';
import { AUTHENTICATOR_TRANSPORTS, MAX_TRANSPORTS } from '../account';

export const ACCOUNT_METHOD_COLLECTION = 'account_methods';

/** A passkey's credential record (WebAuthn Level 3 §6.5), kept with its index entry. */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class PasskeyCredentialRecord {
  @Prop({ type: String, required: true })
  publicKey!: string;

  @Prop({ type: Number, required: true })
  counter!: number;

  @Prop({
    type: [{ type: String, enum: AUTHENTICATOR_TRANSPORTS }],
    required: true,
    validate: {
      validator: (transports: readonly string[]) => transports.length <= MAX_TRANSPORTS,
      message: `at most ${MAX_TRANSPORTS} transports`,
    },
  })
  transports!: string[];

  @Prop({ type: String, required: true, enum: ['singleDevice', 'multiDevice'] })
  deviceType!: 'singleDevice' | 'multiDevice';

  @Prop({ type: Boolean, required: true })
  backedUp!: boolean;

  /** Absent on passkeys stored before attestation was verified: read as false. */
  @Prop({ type: Boolean })
  hardwareBound?: boolean;

  @Prop({ type: String, maxlength: 36 })
  aaguid?: string;

  @Prop({ type: String, maxlength: 256 })
  authenticatorName?: string;
}

const PasskeyCredentialSchema = SchemaFactory.createForClass(PasskeyCredentialRecord);

/** What an upstream method keeps of the provider's account. */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class UpstreamAccountRecord {
  /** Only an address the provider said it verified (`email_verified`). */
  @Prop({ type: String, maxlength: 254 })
  email?: string;
}

const UpstreamAccountSchema = SchemaFactory.createForClass(UpstreamAccountRecord);

/** What a credential method keeps: its latest presentation's disclosed claims (accounts/account.ts). */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class CredentialClaimsRecord {
  @Prop({ type: String, maxlength: 256 })
  given_name?: string;

  @Prop({ type: String, maxlength: 256 })
  family_name?: string;

  @Prop({ type: String, maxlength: 32 })
  birthdate?: string;

  @Prop({ type: Boolean })
  age_over_18?: boolean;
}

const CredentialClaimsSchema = SchemaFactory.createForClass(CredentialClaimsRecord);

/** Who issued a credential method's credential, and its type (accounts/account.ts). */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class CredentialIssuerRecord {
  @Prop({ type: String, required: true, maxlength: 2048 })
  issuer!: string;

  @Prop({ type: String, required: true, maxlength: 2048 })
  vct!: string;
}

const CredentialIssuerSchema = SchemaFactory.createForClass(CredentialIssuerRecord);

/**
 * The method index: one document per sign-in method any account holds. `_id` is the method key,
 * so "this wallet or passkey already signs in another account" is the database's duplicate-key
 * refusal of the second insert, whatever the timing.
 *
 * `_id`: the method key (see accounts/account.ts).
 */
@Schema({ collection: ACCOUNT_METHOD_COLLECTION, versionKey: false, strict: 'throw' })
export class AccountMethodRecord extends KeyedRecord {
  @Prop({ type: String, required: true, enum: METHOD_TYPES })
  type!: MethodType;

  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: Date })
  addedAt?: Date;

  @Prop({ type: Date })
  lastUsedAt?: Date;

  @Prop({ type: PasskeyCredentialSchema })
  passkey?: PasskeyCredentialRecord;

  @Prop({ type: UpstreamAccountSchema })
  upstream?: UpstreamAccountRecord;

  @Prop({ type: CredentialClaimsSchema })
  credential?: CredentialClaimsRecord;

  @Prop({ type: CredentialIssuerSchema })
  issuedBy?: CredentialIssuerRecord;
}

export const AccountMethodSchema = SchemaFactory.createForClass(AccountMethodRecord);
// An account's methods (the account page, excludeCredentials of a passkey registration).
AccountMethodSchema.index({ sub: 1 });
