import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Consent, ConsentAllowed } from '../consent';
import { ConsentRepository } from '../consent.repository';
import { ConsentRecord, consentId } from './consent.schema';

function toConsent(record: ConsentRecord): Consent {
  const { sub, clientId, scopes, resources = [], grantedAt, updatedAt } = record;
  // Undated until `expireUndated` runs at start: already expired rather than never.
  const expiresAt = record.expiresAt ?? updatedAt;
  return { sub, clientId, scopes, resources, grantedAt, updatedAt, expiresAt };
}

@Injectable()
export class MongoConsentRepository extends ConsentRepository {
  constructor(@InjectModel(ConsentRecord.name) private readonly model: Model<ConsentRecord>) {
    super();
  }

  async find(sub: string, clientId: string): Promise<Consent | null> {
    const record = await this.model
      .findOne({ _id: { $eq: consentId(sub, clientId) } })
      .lean<ConsentRecord>()
      .exec();
    return record ? toConsent(record) : null;
  }

  async allow(
    { sub, clientId, scopes, resources, expiresAt }: ConsentAllowed,
    now: Date,
  ): Promise<void> {
    // One upsert on _id: two concurrent Allows both land, as a union ($addToSet), never a lost write.
    await this.model
      .updateOne(
        { _id: { $eq: consentId(sub, clientId) } },
        {
          $addToSet: { scopes: { $each: [...scopes] }, resources: { $each: [...resources] } },
          $set: { updatedAt: now, expiresAt },
          $setOnInsert: { sub, clientId, grantedAt: now },
        },
        { upsert: true },
      )
      .exec();
  }

  async expireUndated(expiresAt: Date): Promise<number> {
    const result = await this.model
      .updateMany({ expiresAt: { $exists: false } }, { $set: { expiresAt } })
      .exec();
    return result.modifiedCount;
  }

  async listByUser(sub: string): Promise<Consent[]> {
    const records = await this.model
      .find({ sub: { $eq: sub } })
      .sort({ clientId: 1 })
      .lean<ConsentRecord[]>()
      .exec();
    return records.map(toConsent);
  }

  async spend(sub: string, clientId: string, value: string): Promise<boolean> {
    // $pull modifies the record only when the value is in it: of two concurrent spends, one wins.
    const result = await this.model
      .updateOne({ _id: { $eq: consentId(sub, clientId) } }, { $pull: { scopes: value } })
      .exec();
    return result.modifiedCount === 1;
  }

  async revoke(sub: string, clientId?: string): Promise<number> {
    const result =
      clientId === undefined
        ? await this.model.deleteMany({ sub: { $eq: sub } }).exec()
        : await this.model.deleteOne({ _id: { $eq: consentId(sub, clientId) } }).exec();
    return result.deletedCount;
  }
}
