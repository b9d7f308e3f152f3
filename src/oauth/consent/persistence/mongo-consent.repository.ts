import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { idLookups } from '../../../platform/database/id-lookups';
import { SINGLE_USE_READ } from '../../../platform/database/single-use';
import type { TurnBatcher } from '../../../platform/database/turn-batcher';
import type { Consent, ConsentAllowed } from '../consent';
import { type ConsentFilter, type ConsentPageRead, ConsentRepository } from '../consent.repository';
import { ConsentRecord, consentId } from './consent.schema';

function toConsent(record: ConsentRecord): Consent {
  const { sub, clientId, scopes, resources = [], grantedAt, updatedAt } = record;
  // Undated until `expireUndated` runs at start: already expired rather than never.
  const expiresAt = record.expiresAt ?? updatedAt;
  return { sub, clientId, scopes, resources, grantedAt, updatedAt, expiresAt };
}

@Injectable()
export class MongoConsentRepository extends ConsentRepository {
  /**
   * Every authorization request of a client that is not first-party reads the user's consent:
   * the reads asked for in the same turn of the event loop leave as one `find` by `_id` (`$in`)
   * on the driver's collection, as the sessions' lookups do (MongoSessionRepository). Each is a
   * read made after its request arrived: a consent revoked a moment ago is not seen; nothing is
   * cached.
   */
  private readonly lookups: TurnBatcher<string, ConsentRecord | null>;

  constructor(@InjectModel(ConsentRecord.name) private readonly model: Model<ConsentRecord>) {
    super();
    // Primary reads: a consent revoked a moment ago must not issue a code.
    this.lookups = idLookups(
      model.collection as unknown as mongo.Collection<ConsentRecord>,
      SINGLE_USE_READ,
    );
  }

  async find(sub: string, clientId: string): Promise<Consent | null> {
    const record = await this.lookups.add(consentId(sub, clientId));
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

  async page(
    { sub, clientId }: ConsentFilter,
    now: Date,
    { after, limit }: ConsentPageRead,
  ): Promise<Consent[]> {
    const records = await this.model
      .find({
        ...(sub === undefined ? {} : { sub: { $eq: sub } }),
        ...(clientId === undefined ? {} : { clientId: { $eq: clientId } }),
        expiresAt: { $gt: now },
        ...(after === undefined ? {} : { _id: { $gt: after } }),
      })
      .sort({ _id: 1 })
      .limit(limit)
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
