import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { KeyedRecord } from '../../../platform/database/record';

export const USER_COLLECTION = 'users';

/**
 * `_id`: the username: `_id` makes it unique without a second index.
 */
@Schema({ collection: USER_COLLECTION, versionKey: false, strict: 'throw' })
export class UserRecord extends KeyedRecord {
  /** Absent: the password was removed by the account's owner (the username stays reserved). */
  @Prop({ type: String })
  passwordHash?: string;

  /**
   * usernameKey(_id): unique, so two spellings of one name cannot both be created. Records from
   * before it have none (the index is sparse): the insert also matches them without case.
   */
  @Prop({ type: String })
  usernameKey?: string;

  /** The account's subject when it is not the username (a wallet account's password). */
  @Prop({ type: String })
  sub?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date })
  disabledAt?: Date;

  /** StoredUser.revision: `$inc`ed by each change of the record. Absent: 0. */
  @Prop({ type: Number })
  revision?: number;
}

export const UserSchema = SchemaFactory.createForClass(UserRecord);
// One password per account, decided by the database however two requests race (#20); users
// whose subject is their username have no `sub` and are not indexed.
UserSchema.index({ sub: 1 }, { unique: true, sparse: true });
// A username is taken whatever its case (#31); sparse: records from before the key are not indexed.
UserSchema.index({ usernameKey: 1 }, { unique: true, sparse: true });
