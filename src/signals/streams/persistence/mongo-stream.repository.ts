import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { TokenConfig } from '../../../config/sections/tokens.config';
import { sha256Base64Url } from '../../../platform/crypto/hashing';
import type { Stream, StreamStatus, StreamSubject } from '../stream';
import { StreamHeaderSeal } from '../stream-header-seal';
import { StreamRepository } from '../stream.repository';
import { SsfStreamRecord, SsfStreamSubjectRecord } from './stream.schema';

/** The stored shape of the stream's fields a receiver sets (unset ones removed by `save`). */
interface StoredSettings {
  readonly deliveryMethod: string;
  readonly endpointUrl?: string;
  readonly sealedAuthorizationHeader?: string;
  readonly eventsRequested: string[];
  readonly eventsDelivered: string[];
  readonly description?: string;
}

function definedOnly(fields: object) {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) unset[name] = 1;
    else set[name] = value;
  }
  return { set, unset };
}

const subjectIdOf = (streamId: string, key: string) => sha256Base64Url(`${streamId} ${key}`);

@Injectable()
export class MongoStreamRepository extends StreamRepository {
  private readonly seal: StreamHeaderSeal;

  constructor(
    @InjectModel(SsfStreamRecord.name) private readonly streams: Model<SsfStreamRecord>,
    @InjectModel(SsfStreamSubjectRecord.name)
    private readonly subjects: Model<SsfStreamSubjectRecord>,
    tokens: TokenConfig,
  ) {
    super();
    this.seal = new StreamHeaderSeal(tokens.keyEncryptionSecret);
  }

  private toStream(record: SsfStreamRecord): Stream {
    const sealed = record.sealedAuthorizationHeader;
    const header = sealed === undefined ? undefined : this.seal.open(sealed, record._id);
    return {
      streamId: record._id,
      receiver: record.receiver,
      delivery: {
        method: record.deliveryMethod,
        ...(record.endpointUrl !== undefined ? { endpointUrl: record.endpointUrl } : {}),
        ...(header !== undefined ? { authorizationHeader: header } : {}),
        ...(sealed !== undefined && header === undefined
          ? { authorizationHeaderUnreadable: true as const }
          : {}),
      },
      eventsRequested: record.eventsRequested,
      eventsDelivered: record.eventsDelivered,
      ...(record.description !== undefined ? { description: record.description } : {}),
      status: record.status,
      ...(record.statusReason !== undefined ? { statusReason: record.statusReason } : {}),
      defaultSubjects: record.defaultSubjects,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  /** The stream's fields a receiver sets, as stored: its header sealed to the stream. */
  private settingsOf(stream: Stream): StoredSettings {
    const header = stream.delivery.authorizationHeader;
    return {
      deliveryMethod: stream.delivery.method,
      endpointUrl: stream.delivery.endpointUrl,
      sealedAuthorizationHeader:
        header === undefined ? undefined : this.seal.seal(header, stream.streamId),
      eventsRequested: [...stream.eventsRequested],
      eventsDelivered: [...stream.eventsDelivered],
      description: stream.description,
    };
  }

  async create(stream: Stream, max: number): Promise<boolean> {
    const count = await this.streams.countDocuments({ receiver: { $eq: stream.receiver } }).exec();
    if (count >= max) return false;
    const { set } = definedOnly(this.settingsOf(stream));
    await this.streams.create({
      _id: stream.streamId,
      receiver: stream.receiver,
      ...set,
      status: stream.status,
      defaultSubjects: stream.defaultSubjects,
      createdAt: stream.createdAt,
      updatedAt: stream.updatedAt,
      pushBusyUntil: stream.createdAt,
    });
    return true;
  }

  async find(receiver: string, streamId: string): Promise<Stream | null> {
    const record = await this.streams
      .findOne({ _id: { $eq: streamId }, receiver: { $eq: receiver } })
      .lean<SsfStreamRecord>()
      .exec();
    return record ? this.toStream(record) : null;
  }

  async list(receiver: string): Promise<Stream[]> {
    const records = await this.streams
      .find({ receiver: { $eq: receiver } })
      .sort({ createdAt: 1 })
      .lean<SsfStreamRecord[]>()
      .exec();
    return records.map((record) => this.toStream(record));
  }

  async page(after: { at: Date; id: string } | undefined, limit: number): Promise<Stream[]> {
    const records = await this.streams
      .find(
        after === undefined
          ? {}
          : {
              $or: [
                { createdAt: { $gt: after.at } },
                { createdAt: { $eq: after.at }, _id: { $gt: after.id } },
              ],
            },
      )
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<SsfStreamRecord[]>()
      .exec();
    return records.map((record) => this.toStream(record));
  }

  async save(stream: Stream): Promise<boolean> {
    const { set, unset } = definedOnly(this.settingsOf(stream));
    const result = await this.streams
      .updateOne(
        { _id: { $eq: stream.streamId }, receiver: { $eq: stream.receiver } },
        {
          $set: { ...set, updatedAt: stream.updatedAt },
          ...(Object.keys(unset).length ? { $unset: unset } : {}),
        },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async setStatus(
    receiver: string,
    streamId: string,
    status: StreamStatus,
    reason: string | undefined,
    now: Date,
  ): Promise<Stream | null> {
    const record = await this.streams
      .findOneAndUpdate(
        { _id: { $eq: streamId }, receiver: { $eq: receiver } },
        {
          $set: {
            status,
            updatedAt: now,
            ...(reason !== undefined ? { statusReason: reason } : {}),
          },
          ...(reason === undefined ? { $unset: { statusReason: 1 } } : {}),
        },
        { returnDocument: 'after' },
      )
      .lean<SsfStreamRecord>()
      .exec();
    return record ? this.toStream(record) : null;
  }

  async delete(receiver: string, streamId: string): Promise<boolean> {
    const result = await this.streams
      .deleteOne({ _id: { $eq: streamId }, receiver: { $eq: receiver } })
      .exec();
    if (result.deletedCount !== 1) return false;
    await this.subjects.deleteMany({ streamId: { $eq: streamId } }).exec();
    return true;
  }

  async addSubject(streamId: string, subject: StreamSubject, max: number): Promise<boolean> {
    const _id = subjectIdOf(streamId, subject.key);
    if (await this.subjects.exists({ _id }).exec()) return true;
    const count = await this.subjects.countDocuments({ streamId: { $eq: streamId } }).exec();
    if (count >= max) return false;
    // Insert-if-absent: the same subject added twice at once is one record.
    await this.subjects
      .updateOne(
        { _id },
        {
          $setOnInsert: {
            streamId,
            key: subject.key,
            ...(subject.sub !== undefined ? { sub: subject.sub } : {}),
          },
        },
        { upsert: true },
      )
      .exec();
    return true;
  }

  async removeSubject(streamId: string, key: string): Promise<void> {
    await this.subjects.deleteOne({ _id: subjectIdOf(streamId, key) }).exec();
  }

  async any(): Promise<boolean> {
    return (await this.streams.exists({}).exec()) !== null;
  }

  async deliveryMethods(): Promise<string[]> {
    return this.streams.distinct('deliveryMethod').exec();
  }

  async covering(event: string, sub: string): Promise<Stream[]> {
    const live = await this.streams
      .find(
        { status: { $ne: 'disabled' }, eventsDelivered: event },
        { sealedAuthorizationHeader: 0 },
      )
      .lean<SsfStreamRecord[]>()
      .exec();
    if (live.length === 0) return [];
    const chosen = live.filter((stream) => stream.defaultSubjects !== 'ALL').map((s) => s._id);
    const added =
      chosen.length === 0
        ? new Set<string>()
        : new Set(
            (
              await this.subjects
                .find({ sub: { $eq: sub }, streamId: { $in: chosen } }, { streamId: 1 })
                .lean<Pick<SsfStreamSubjectRecord, 'streamId'>[]>()
                .exec()
            ).map((subject) => subject.streamId),
          );
    return live
      .filter((stream) => stream.defaultSubjects === 'ALL' || added.has(stream._id))
      .map((record) => this.toStream(record));
  }

  async hold(streamId: string, owner: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const result = await this.streams
      .updateOne(
        { _id: { $eq: streamId }, status: 'enabled', pushBusyUntil: { $lte: now } },
        { $set: { pushBusyUntil: leaseUntil, pushOwner: owner } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async release(streamId: string, owner: string, now: Date): Promise<void> {
    await this.streams
      .updateOne(
        { _id: { $eq: streamId }, pushOwner: { $eq: owner } },
        { $set: { pushBusyUntil: now }, $unset: { pushOwner: 1 } },
      )
      .exec();
  }

  async unavailable(now: Date): Promise<string[]> {
    const records = await this.streams
      .find({ $or: [{ status: { $ne: 'enabled' } }, { pushBusyUntil: { $gt: now } }] }, { _id: 1 })
      .lean<Pick<SsfStreamRecord, '_id'>[]>()
      .exec();
    return records.map((record) => record._id);
  }
}
