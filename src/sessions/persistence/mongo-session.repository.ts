import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import type { StoredSession } from '../session';
import { SessionRepository } from '../session.repository';
import { SessionRecord } from './session.schema';

function toSession(record: SessionRecord): StoredSession {
  const { _id, sub, authMethod, authTime, expiresAt, amr, methodKey, acr, signIns } = record;
  return {
    idHash: _id,
    sub,
    authMethod,
    authTime,
    expiresAt,
    ...(amr ? { amr } : {}),
    ...(methodKey !== undefined ? { methodKey } : {}),
    ...(acr !== undefined ? { acr } : {}),
    ...(signIns
      ? { signIns: signIns.map(({ authMethod, amr, at }) => ({ authMethod, amr, at })) }
      : {}),
  };
}

@Injectable()
export class MongoSessionRepository extends SessionRepository implements OnModuleInit {
  constructor(@InjectModel(SessionRecord.name) private readonly model: Model<SessionRecord>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async create(session: StoredSession): Promise<void> {
    const { idHash, sub, authMethod, authTime, expiresAt, amr, methodKey, acr, signIns } = session;
    const record: SessionRecord = {
      _id: idHash,
      sub,
      authMethod,
      authTime,
      expiresAt,
      ...(amr ? { amr: [...amr] } : {}),
      ...(methodKey !== undefined ? { methodKey } : {}),
      ...(acr !== undefined ? { acr } : {}),
      ...(signIns
        ? { signIns: signIns.map(({ authMethod, amr, at }) => ({ authMethod, amr: [...amr], at })) }
        : {}),
    };
    await this.model.create(record);
  }

  async findLive(idHash: string, now: Date): Promise<StoredSession | null> {
    const record = await this.model
      .findOne({ _id: { $eq: idHash }, expiresAt: { $gt: now } })
      .lean<SessionRecord>()
      .exec();
    return record ? toSession(record) : null;
  }

  async find(idHash: string): Promise<StoredSession | null> {
    const record = await this.model
      .findOne({ _id: { $eq: idHash } })
      .lean<SessionRecord>()
      .exec();
    return record ? toSession(record) : null;
  }

  async delete(idHash: string): Promise<void> {
    await this.model.deleteOne({ _id: { $eq: idHash } }).exec();
  }

  async deleteMany(idHashes: readonly string[]): Promise<number> {
    if (idHashes.length === 0) return 0;
    const result = await this.model.deleteMany({ _id: { $in: [...idHashes] } }).exec();
    return result.deletedCount;
  }

  async listLive(
    sub: string,
    now: Date,
    limit: number,
    methodKey?: string,
  ): Promise<StoredSession[]> {
    const records = await this.model
      .find({
        sub: { $eq: sub },
        expiresAt: { $gt: now },
        ...(methodKey !== undefined ? { methodKey: { $eq: methodKey } } : {}),
      })
      .sort({ authTime: -1 })
      .limit(limit)
      .lean<SessionRecord[]>()
      .exec();
    return records.map(toSession);
  }
}
