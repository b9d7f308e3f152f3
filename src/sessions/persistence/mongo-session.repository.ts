import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { idLookups } from '../../platform/database/id-lookups';
import type { TurnBatcher } from '../../platform/database/turn-batcher';
import { sessionIdOf, type StoredSession } from '../session';
import { type SessionPosition, SessionRepository } from '../session.repository';
import { SessionRecord } from './session.schema';

function toSession(record: SessionRecord): StoredSession {
  const { _id, sub, authMethod, authTime, expiresAt } = record;
  // Absent on sessions from before each was kept, or when the sign-in had none.
  const { amr, methodKey, acr, signIns, crossDevice, replaced } = record;
  return {
    idHash: _id,
    sub,
    authMethod,
    authTime,
    expiresAt,
    ...(amr ? { amr } : {}),
    ...(methodKey !== undefined ? { methodKey } : {}),
    ...(crossDevice === true ? { crossDevice } : {}),
    ...(acr !== undefined ? { acr } : {}),
    ...(signIns
      ? { signIns: signIns.map(({ authMethod, amr, at }) => ({ authMethod, amr, at })) }
      : {}),
    ...(replaced ? { replaced } : {}),
  };
}

@Injectable()
export class MongoSessionRepository extends SessionRepository {
  /**
   * Every authorization request, consent answer and account page reads the browser's session;
   * the lookups asked for in the same turn of the event loop leave as one `find` by `_id`
   * (`$in`) on the driver's collection, as the accounts' method lookups do. Each is a read of the
   * primary made after its request arrived, checked against its own `now`, so a session ended a
   * moment ago on any instance is not seen; nothing is cached.
   */
  private readonly lookups: TurnBatcher<string, SessionRecord | null>;

  constructor(@InjectModel(SessionRecord.name) private readonly model: Model<SessionRecord>) {
    super();
    this.lookups = idLookups(model.collection as unknown as mongo.Collection<SessionRecord>);
  }

  async create({ idHash, amr, signIns, replaced, ...fields }: StoredSession): Promise<void> {
    // The arrays copied: the record must not share what the caller keeps.
    const record: SessionRecord = {
      _id: idHash,
      ...fields,
      ...(amr ? { amr: [...amr] } : {}),
      ...(signIns
        ? { signIns: signIns.map(({ authMethod, amr, at }) => ({ authMethod, amr: [...amr], at })) }
        : {}),
      ...(replaced ? { replaced: [...replaced] } : {}),
    };
    await this.model.create(record);
  }

  async findLive(idHash: string, now: Date): Promise<StoredSession | null> {
    const record = await this.lookups.add(idHash);
    return record && record.expiresAt > now ? toSession(record) : null;
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

  async pageLive(
    sub: string,
    now: Date,
    { after, limit }: { readonly after?: SessionPosition; readonly limit: number },
  ): Promise<StoredSession[]> {
    const live = { sub: { $eq: sub }, expiresAt: { $gt: now } };
    const at = (authTime: Date) => this.model.find({ ...live, authTime }).lean<SessionRecord[]>();
    // The order within one instant is by sid, which is derived, not stored: the sessions of the
    // instants at a page's two edges are read whole and ordered here (few: one account's logins
    // in one millisecond).
    const rest = after
      ? (await at(after.at).exec()).filter((record) => sessionIdOf(record._id) > after.sid)
      : [];
    const older = await this.model
      .find({ ...live, ...(after ? { authTime: { $lt: after.at } } : {}) })
      .sort({ authTime: -1 })
      .limit(limit)
      .lean<SessionRecord[]>()
      .exec();
    const last = older.at(-1);
    const edge = last && older.length === limit ? await at(last.authTime).exec() : [];
    const byId = new Map([...rest, ...older, ...edge].map((record) => [record._id, record]));
    return [...byId.values()]
      .map(toSession)
      .map((session) => ({ session, sid: sessionIdOf(session.idHash) }))
      .sort(
        (a, b) =>
          b.session.authTime.getTime() - a.session.authTime.getTime() ||
          (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0),
      )
      .map(({ session }) => session);
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
