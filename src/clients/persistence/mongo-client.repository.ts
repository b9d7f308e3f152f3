import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { ClientRepository } from '../client.repository';
import { OAuthClient } from '../oauth-client';
import { ClientRecord } from './client.schema';

function toClient(record: ClientRecord): OAuthClient {
  return {
    clientId: record._id,
    type: record.type,
    name: record.name,
    redirectUris: record.redirectUris,
    ...(record.secretHash ? { secretHash: record.secretHash } : {}),
    ...(record.firstParty ? { firstParty: true } : {}),
    ...(record.resources?.length ? { resources: record.resources } : {}),
    ...(record.grantTypes ? { grantTypes: record.grantTypes } : {}),
    ...(record.dynamicallyRegisteredAt
      ? { dynamicallyRegisteredAt: record.dynamicallyRegisteredAt }
      : {}),
  };
}

@Injectable()
export class MongoClientRepository extends ClientRepository implements OnModuleInit {
  constructor(@InjectModel(ClientRecord.name) private readonly model: Model<ClientRecord>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async findById(clientId: string): Promise<OAuthClient | null> {
    const record = await this.model.findById(clientId).lean<ClientRecord>().exec();
    return record ? toClient(record) : null;
  }

  async save(client: OAuthClient): Promise<void> {
    const { clientId, ...fields } = client;
    await this.model
      .replaceOne({ _id: clientId }, { ...fields, _id: clientId }, { upsert: true })
      .exec();
  }

  async insertIfAbsent(client: OAuthClient): Promise<boolean> {
    const { clientId, ...fields } = client;
    try {
      await this.model.create({ ...fields, _id: clientId });
      return true;
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async list(): Promise<OAuthClient[]> {
    const records = await this.model.find().sort({ _id: 1 }).lean<ClientRecord[]>().exec();
    return records.map(toClient);
  }

  async updateSecretHash(clientId: string, secretHash: string): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: { $eq: clientId }, type: 'confidential' }, { $set: { secretHash } })
      .exec();
    return result.matchedCount === 1;
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: { $eq: clientId } }).exec();
    return result.deletedCount === 1;
  }
}
