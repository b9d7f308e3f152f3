import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { type StoredUser, usernameKey } from '../user';
import { UserRepository, type UserPageQuery } from '../user.repository';
import { UserRecord } from './user.schema';
import { firstWriteWins } from '../../../platform/database/duplicate-key';
import { atRevision } from '../../../platform/database/revision';

function toUser(record: UserRecord): StoredUser {
  return {
    username: record._id,
    ...(record.passwordHash !== undefined ? { passwordHash: record.passwordHash } : {}),
    createdAt: record.createdAt,
    ...(record.sub !== undefined ? { sub: record.sub } : {}),
    ...(record.disabledAt ? { disabledAt: record.disabledAt } : {}),
    ...(record.revision ? { revision: record.revision } : {}),
  };
}

/** `text` as a regular expression that matches exactly it. */
function literally(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

@Injectable()
export class MongoUserRepository extends UserRepository {
  constructor(@InjectModel(UserRecord.name) private readonly model: Model<UserRecord>) {
    super();
  }

  async findByUsername(username: string): Promise<StoredUser | null> {
    // `$eq` keeps the value a literal even if a caller ever passes something other than a string.
    const record = await this.model
      .findOne({ _id: { $eq: username } })
      .lean<UserRecord>()
      .exec();
    return record ? toUser(record) : null;
  }

  async insertIfAbsent(user: StoredUser): Promise<boolean> {
    if (await this.nameTaken(user.username)) return false;
    const record: UserRecord = {
      _id: user.username,
      usernameKey: usernameKey(user.username),
      passwordHash: user.passwordHash,
      createdAt: user.createdAt,
      ...(user.sub !== undefined ? { sub: user.sub } : {}),
      ...(user.disabledAt ? { disabledAt: user.disabledAt } : {}),
    };
    // Two inserts of one name racing (in any case) both pass the check: the unique key decides.
    return firstWriteWins(() => this.model.create(record));
  }

  async insertForAccount(
    user: StoredUser & { sub: string },
  ): Promise<'inserted' | 'username_taken' | 'account_has_one'> {
    if (await this.insertIfAbsent(user)) return 'inserted';
    // Which unique key refused it: the username's (`_id`, `usernameKey`) or the account's (`sub`).
    return (await this.nameTaken(user.username)) ? 'username_taken' : 'account_has_one';
  }

  /**
   * Whether a user has this name in any case: by the unique key, or, for records from before it
   * (no `usernameKey`; a database may even hold two spellings from then, which keep signing in
   * as they are), by a case-insensitive match of `_id`. Only account creation asks (the admin
   * CLI, a password set on an account, the demo seeder): never a login.
   */
  private async nameTaken(username: string): Promise<boolean> {
    const spelled = new RegExp(`^${literally(username)}$`, 'i');
    const found = await this.model
      .exists({ $or: [{ usernameKey: { $eq: usernameKey(username) } }, { _id: spelled }] })
      .exec();
    return found !== null;
  }

  async removeOfAccount(username: string, sub: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: { $eq: username }, sub: { $eq: sub } }).exec();
    return result.deletedCount === 1;
  }

  async removePassword(username: string, sub: string): Promise<boolean> {
    if (username !== sub) return this.removeOfAccount(username, sub);
    const result = await this.model
      .updateOne(
        { _id: { $eq: username }, sub: { $exists: false }, passwordHash: { $exists: true } },
        { $unset: { passwordHash: 1 }, $inc: { revision: 1 } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async restorePassword(
    username: string,
    passwordHash: string,
    seen: string | undefined,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        {
          _id: { $eq: username },
          sub: { $exists: false },
          passwordHash: seen === undefined ? { $exists: false } : { $eq: seen },
        },
        { $set: { passwordHash }, $inc: { revision: 1 } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async list(): Promise<StoredUser[]> {
    const records = await this.model.find().sort({ _id: 1 }).lean<UserRecord[]>().exec();
    return records.map(toUser);
  }

  async page({ after, limit, prefix }: UserPageQuery): Promise<StoredUser[]> {
    const conditions = [
      ...(after === undefined ? [] : [{ _id: { $gt: after } }]),
      ...(prefix === undefined
        ? []
        : [{ _id: { $regex: `^${literally(prefix)}`, $options: 'i' } }]),
    ];
    const records = await this.model
      .find(conditions.length === 0 ? {} : { $and: conditions })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<UserRecord[]>()
      .exec();
    return records.map(toUser);
  }

  async updatePasswordHash(
    username: string,
    passwordHash: string,
    expectedRevision?: number,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        {
          _id: { $eq: username },
          passwordHash: { $exists: true },
          ...atRevision(expectedRevision),
        },
        { $set: { passwordHash }, $inc: { revision: 1 } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async advanceRevision(username: string, expectedRevision: number): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: username }, ...atRevision(expectedRevision) },
        { $inc: { revision: 1 } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async advanceRevisionsOf(sub: string): Promise<void> {
    // By `_id` (the account's own username) and by the `sub` index (a password set for it).
    await Promise.all([
      this.model
        .updateOne({ _id: { $eq: sub }, sub: { $exists: false } }, { $inc: { revision: 1 } })
        .exec(),
      this.model.updateOne({ sub: { $eq: sub } }, { $inc: { revision: 1 } }).exec(),
    ]);
  }

  async disable(username: string, at: Date): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: username }, disabledAt: { $exists: false } },
        { $set: { disabledAt: at }, $inc: { revision: 1 } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async enable(username: string): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: username }, disabledAt: { $exists: true } },
        { $unset: { disabledAt: 1 }, $inc: { revision: 1 } },
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
