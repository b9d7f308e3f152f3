import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord } from '../../platform/database/record';

export const ACCOUNT_COLLECTION = 'accounts';

/**
 * An account that has linked a second method. Accounts with one method (every password user and
 * wallet before this collection existed) have no record: their subject is their method's.
 *
 * `_id`: the account's subject (`sub`), stable for life.
 */
@Schema({ collection: ACCOUNT_COLLECTION, versionKey: false, strict: 'throw' })
export class AccountRecord extends KeyedRecord {
  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /**
   * When a sign-in method was last added to or removed from the account (the name its profile
   * gives comes from its password): OpenID Connect `updated_at`. Absent on records from before
   * it was kept, and on one a lock-down created.
   */
  @Prop({ type: Date })
  updatedAt?: Date;

  /**
   * Method keys of the account's sign-in methods. The index (`account_methods`) says who holds a
   * key; this list is what "never the last method" is decided on, in one conditional update.
   */
  @Prop({ type: [String], required: true })
  methods!: string[];

  /**
   * Set by an operator (`proofgate-admin users disable`): no method signs the account in. A
   * lock-down of an account without a record creates one with no methods listed.
   */
  @Prop({ type: Date })
  disabledAt?: Date;

  /**
   * `$inc`ed by each change of the record (a method listed or removed, a lock-down or its lift);
   * absent: 0. The admin API's changes of the account name the one they read (If-Match).
   */
  @Prop({ type: Number })
  revision?: number;
}

export const AccountSchema = SchemaFactory.createForClass(AccountRecord);
// The account listing a method (AccountRepository.methodSignInStateOf: a wallet's token grant
// asks after its write which account its wallet signs in).
AccountSchema.index({ methods: 1 });
