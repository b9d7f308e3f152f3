import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../../platform/database/ensure-indexes';
import { Grant, RefreshTokenRecord } from '../grant';
import { GrantRepository, RefreshTokenRepository } from '../grant.repository';
import { GrantRecord, RefreshTokenDocument } from './grant.schema';

function toGrant(record: GrantRecord): Grant {
  return {
    grantId: record._id,
    clientId: record.clientId,
    sub: record.sub,
    scope: record.scope,
    authMethod: record.authMethod,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.codeHash ? { codeHash: record.codeHash } : {}),
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    ...(record.revokedReason ? { revokedReason: record.revokedReason } : {}),
  };
}

@Injectable()
export class MongoGrantRepository extends GrantRepository implements OnModuleInit {
  constructor(@InjectModel(GrantRecord.name) private readonly model: Model<GrantRecord>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async create(grant: Grant): Promise<void> {
    const { grantId, ...fields } = grant;
    await this.model.create({ _id: grantId, ...fields, revokedJtis: [] });
  }

  async findById(grantId: string): Promise<Grant | null> {
    const record = await this.model.findById(grantId).lean<GrantRecord>().exec();
    return record ? toGrant(record) : null;
  }

  async findByCodeHash(codeHash: string): Promise<Grant | null> {
    const record = await this.model.findOne({ codeHash }).lean<GrantRecord>().exec();
    return record ? toGrant(record) : null;
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: grantId, revokedAt: { $exists: false } },
        { $set: { revokedAt: at, revokedReason: reason } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async revokeAccessToken(grantId: string, jti: string): Promise<void> {
    await this.model.updateOne({ _id: grantId }, { $addToSet: { revokedJtis: jti } }).exec();
  }

  async isAccessTokenActive(grantId: string, jti: string, now: Date): Promise<boolean> {
    const live = await this.model
      .exists({
        _id: grantId,
        revokedAt: { $exists: false },
        expiresAt: { $gt: now },
        revokedJtis: { $ne: jti },
      })
      .exec();
    return live !== null;
  }
}

function toRefreshToken(record: RefreshTokenDocument): RefreshTokenRecord {
  return {
    tokenHash: record._id,
    grantId: record.grantId,
    clientId: record.clientId,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.rotatedAt ? { rotatedAt: record.rotatedAt } : {}),
  };
}

@Injectable()
export class MongoRefreshTokenRepository extends RefreshTokenRepository implements OnModuleInit {
  constructor(
    @InjectModel(RefreshTokenDocument.name) private readonly model: Model<RefreshTokenDocument>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async save(record: RefreshTokenRecord): Promise<void> {
    const { tokenHash, rotatedAt, ...fields } = record;
    // Upsert that never resets a rotation: a retried save of the same successor is a no-op.
    await this.model
      .updateOne(
        { _id: tokenHash },
        { $setOnInsert: { ...fields, rotatedAt: rotatedAt ?? null } },
        { upsert: true },
      )
      .exec();
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const record = await this.model.findById(tokenHash).lean<RefreshTokenDocument>().exec();
    return record ? toRefreshToken(record) : null;
  }

  async markRotated(
    tokenHash: string,
    clientId: string,
    now: Date,
  ): Promise<RefreshTokenRecord | null> {
    const record = await this.model
      .findOneAndUpdate(
        { _id: tokenHash, clientId, rotatedAt: null, expiresAt: { $gt: now } },
        { $set: { rotatedAt: now } },
        { returnDocument: 'before' },
      )
      .lean<RefreshTokenDocument>()
      .exec();
    return record ? toRefreshToken(record) : null;
  }
}
