import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { firstWriteWins } from '../../../platform/database/duplicate-key';
import { SINGLE_USE_READ } from '../../../platform/database/single-use';
import { TurnBatcher } from '../../../platform/database/turn-batcher';
import type { SessionEnding } from '../session-ending';
import { SessionEndingRepository } from '../session-ending.repository';
import { SessionEndingRecord } from './session-ending.schema';

/**
 * Records are kept this long, then the TTL index may remove them: longer than any code or device
 * code of the session can still be redeemed (AUTH_CODE_TTL_SECONDS ≤ 600 s,
 * DEVICE_CODE_TTL_SECONDS ≤ 1800 s), which is all the grant check needs them for.
 */
const KEEP_MS = 24 * 3600 * 1000;

function toEnding(record: SessionEndingRecord): SessionEnding {
  return {
    sid: record._id,
    sub: record.sub,
    reason: record.reason,
    ...(record.idHash === undefined ? {} : { idHash: record.idHash }),
  };
}

@Injectable()
export class MongoSessionEndingRepository extends SessionEndingRepository {
  /**
   * Every code and device-code exchange of a login session asks whether the session has begun
   * ending (SessionLogout.refuseIfEnded); those of one turn of the event loop leave as one
   * `find` by `_id` (`$in`), as the accounts' lock-down checks do. Primary reads, each made after
   * its grant's write; nothing is cached.
   */
  private readonly checks = new TurnBatcher<string, boolean>((sids) => this.begunAmong(sids));

  constructor(
    @InjectModel(SessionEndingRecord.name) private readonly model: Model<SessionEndingRecord>,
  ) {
    super();
  }

  async begin(ending: SessionEnding, owner: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const record: SessionEndingRecord = {
      _id: ending.sid,
      sub: ending.sub,
      ...(ending.idHash === undefined ? {} : { idHash: ending.idHash }),
      reason: ending.reason,
      startedAt: now,
      leaseUntil,
      leaseOwner: owner,
      expiresAt: new Date(now.getTime() + KEEP_MS),
    };
    // One insert keyed by the sid: of two requests ending the same session, one records it.
    return firstWriteWins(() => this.model.create(record));
  }

  async claimAbandoned(owner: string, now: Date, leaseUntil: Date): Promise<SessionEnding | null> {
    const record = await this.model
      .findOneAndUpdate(
        { finishedAt: null, leaseUntil: { $lte: now } },
        { $set: { leaseUntil, leaseOwner: owner } },
        { sort: { leaseUntil: 1 }, returnDocument: 'after' },
      )
      .lean<SessionEndingRecord>()
      .exec();
    return record ? toEnding(record) : null;
  }

  async finish(sid: string, now: Date): Promise<void> {
    await this.model
      .updateOne(
        { _id: { $eq: sid }, finishedAt: null },
        { $set: { finishedAt: now, leaseUntil: now }, $unset: { idHash: 1 } },
      )
      .exec();
  }

  hasBegun(sid: string): Promise<boolean> {
    return this.checks.add(sid);
  }

  private async begunAmong(sids: readonly string[]): Promise<{ value: boolean }[]> {
    const collection = this.model.collection as unknown as mongo.Collection<SessionEndingRecord>;
    const begun = await collection
      .find({ _id: { $in: [...new Set(sids)] } }, { projection: { _id: 1 }, ...SINGLE_USE_READ })
      .toArray();
    const found = new Set(begun.map((record) => record._id));
    return sids.map((sid) => ({ value: found.has(sid) }));
  }
}
