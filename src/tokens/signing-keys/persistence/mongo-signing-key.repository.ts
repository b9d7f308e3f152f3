import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { NewSigningKey, SigningKeySlots, SlotNames, StoredSigningKey } from '../signing-key';
import { SigningKeyRepository } from '../signing-key.repository';
import { SigningKeyRecord } from './signing-key.schema';
import { firstWriteWins, isDuplicateKey } from '../../../platform/database/duplicate-key';

function toSigningKey(record: SigningKeyRecord): StoredSigningKey {
  const { kid, alg, slot, publicJwk, encryptedPrivateKey, createdAt, activatesAt, retiredAt } =
    record;
  return {
    kid,
    alg,
    ...(slot ? { slot } : {}),
    publicJwk,
    ...(encryptedPrivateKey ? { encryptedPrivateKey: { ...encryptedPrivateKey } } : {}),
    createdAt,
    ...(activatesAt ? { activatesAt } : {}),
    ...(retiredAt ? { retiredAt } : {}),
  };
}

@Injectable()
export class MongoSigningKeyRepository extends SigningKeyRepository {
  constructor(@InjectModel(SigningKeyRecord.name) private readonly model: Model<SigningKeyRecord>) {
    super();
  }

  async findByKid(kid: string): Promise<StoredSigningKey | null> {
    const record = await this.model.findOne({ kid }).lean<SigningKeyRecord>().exec();
    return record ? toSigningKey(record) : null;
  }

  async insertActive(key: NewSigningKey, slot: string): Promise<boolean> {
    const record: SigningKeyRecord = { ...key, slot };
    // False where the slot index refused it: another instance installed its key first. (The other
    // unique index, on kid, cannot collide: kid is the thumbprint of a key generated just now.)
    return firstWriteWins(() => this.model.create(record));
  }

  async retire(kid: string, retiredAt: Date): Promise<boolean> {
    const retired = await this.model
      .findOneAndUpdate(
        { kid, slot: { $exists: true } },
        { $set: { retiredAt }, $unset: { slot: 1, encryptedPrivateKey: 1, activatesAt: 1 } },
      )
      .lean<SigningKeyRecord>()
      .exec();
    return retired !== null;
  }

  async listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]> {
    const records = await this.model
      .find({
        $or: [{ slot: { $exists: true } }, { retiredAt: { $gt: retiredAfter } }],
      })
      .sort({ createdAt: -1 })
      .lean<SigningKeyRecord[]>()
      .exec();
    return records.map(toSigningKey);
  }

  async findSlots(names: SlotNames): Promise<SigningKeySlots> {
    const records = await this.model
      .find({ slot: { $in: [names.active, names.next] } })
      .lean<SigningKeyRecord[]>()
      .exec();
    const inSlot = (slot: string) => records.find((record) => record.slot === slot);
    const active = inSlot(names.active);
    const next = inSlot(names.next);
    return {
      active: active ? toSigningKey(active) : null,
      next: next ? toSigningKey(next) : null,
    };
  }

  async insertNext(key: NewSigningKey & { activatesAt: Date }, slot: string): Promise<boolean> {
    const record: SigningKeyRecord = { ...key, slot };
    // False where the slot index refused it: a rotation is already pending.
    return firstWriteWins(() => this.model.create(record));
  }

  async promoteNext(kid: string, names: SlotNames): Promise<boolean> {
    try {
      const result = await this.model
        .updateOne(
          { kid, slot: names.next },
          { $set: { slot: names.active }, $unset: { activatesAt: 1 } },
        )
        .exec();
      return result.modifiedCount === 1;
    } catch (error) {
      // The slot index refused it: another key took the active slot first.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
