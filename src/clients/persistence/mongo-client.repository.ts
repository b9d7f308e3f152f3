import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { ClientRepository } from '../client.repository';
import { OAuthClient } from '../oauth-client';
import { ClientRecord } from './client.schema';

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
    if (!record) return null;
    return {
      clientId: record._id,
      type: record.type,
      name: record.name,
      redirectUris: record.redirectUris,
      ...(record.secretHash ? { secretHash: record.secretHash } : {}),
    };
  }

  async save(client: OAuthClient): Promise<void> {
    const { clientId, ...fields } = client;
    await this.model
      .replaceOne({ _id: clientId }, { ...fields, _id: clientId }, { upsert: true })
      .exec();
  }
}
