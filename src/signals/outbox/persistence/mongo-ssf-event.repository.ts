import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { sha256Base64Url } from '../../../platform/crypto/hashing';
import { MongoOutbox } from '../../../platform/outbox/mongo-outbox';
import type { NewSsfEvent, SetError, SsfEvent, SsfEventMode } from '../ssf-event';
import { SsfEventRepository, type StreamBacklog } from '../ssf-event.repository';
import { SsfEventRecord } from './ssf-event.schema';

/** How long a finished row is kept past its give-up time (for an operator to look at). */
const KEEP_MS = 24 * 3600 * 1000;
/** A receiver's `setErrs` description is kept this long at most. */
const MAX_ERROR_LENGTH = 200;

/** A SET's `jti`: its cause and its stream, so a cause queued twice is one row per stream. */
export function jtiOf(causeKey: string, streamId: string): string {
  return sha256Base64Url(`ssf:${causeKey}:${streamId}`).slice(0, 22);
}

let sequence = 0;
/** The queueing order: milliseconds, and a counter for the rows of one millisecond. */
function orderAt(now: Date): number {
  sequence = (sequence + 1) % 1000;
  return now.getTime() * 1000 + sequence;
}

function toEvent(record: SsfEventRecord): SsfEvent {
  return {
    jti: record._id,
    streamId: record.streamId,
    receiver: record.receiver,
    mode: record.mode,
    claims: JSON.parse(record.claims) as Record<string, unknown>,
    createdAt: record.createdAt,
    giveUpAt: record.giveUpAt,
    attempts: record.attempts,
  };
}

@Injectable()
export class MongoSsfEventRepository extends SsfEventRepository {
  readonly leases: MongoOutbox<SsfEventRecord>;

  constructor(@InjectModel(SsfEventRecord.name) private readonly model: Model<SsfEventRecord>) {
    super();
    this.leases = new MongoOutbox(model, {
      done: 'delivered',
      dead: 'failed',
      claimOrder: { order: 1 },
      stampFinished: true,
      keepMs: KEEP_MS,
    });
  }

  async enqueue(events: readonly NewSsfEvent[], now: Date, giveUpAt: Date): Promise<string[]> {
    if (events.length === 0) return [];
    const rows = events.map((event) => {
      const jti = jtiOf(event.causeKey, event.streamId);
      return {
        _id: jti,
        streamId: event.streamId,
        receiver: event.receiver,
        mode: event.mode,
        order: orderAt(now),
        claims: JSON.stringify({ jti, ...event.claims }),
        ...this.leases.fresh(now, giveUpAt),
      };
    });
    // Insert-if-absent by the derived key: the same cause told again leaves the first row.
    await this.model.bulkWrite(
      rows.map(({ _id, ...fields }) => ({
        updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true },
      })),
      { ordered: false },
    );
    return rows.map((row) => row._id);
  }

  async dueStream(now: Date, excluded: readonly string[]): Promise<string | null> {
    const row = await this.model
      .findOne(
        { ...this.leases.due(now), mode: 'push', streamId: { $nin: [...excluded] } },
        { streamId: 1 },
      )
      .sort({ order: 1 })
      .lean<Pick<SsfEventRecord, 'streamId'>>()
      .exec();
    return row?.streamId ?? null;
  }

  async head(streamId: string): Promise<SsfEvent | null> {
    const row = await this.model
      .findOne({ streamId: { $eq: streamId }, status: 'pending' })
      .sort({ order: 1 })
      .lean<SsfEventRecord>()
      .exec();
    return row ? toEvent(row) : null;
  }

  async claim(jti: string, owner: string, now: Date, leaseUntil: Date): Promise<SsfEvent | null> {
    const row = await this.leases.claim({ _id: { $eq: jti } }, owner, now, leaseUntil);
    return row ? toEvent(row) : null;
  }

  async pending(streamId: string, now: Date, limit: number): Promise<SsfEvent[]> {
    const rows = await this.model
      .find({ streamId: { $eq: streamId }, status: 'pending', giveUpAt: { $gt: now } })
      .sort({ order: 1 })
      .limit(limit)
      .lean<SsfEventRecord[]>()
      .exec();
    return rows.map(toEvent);
  }

  async acknowledge(streamId: string, jtis: readonly string[], now: Date): Promise<number> {
    if (jtis.length === 0) return 0;
    const result = await this.model
      .updateMany(
        { _id: { $in: [...jtis] }, streamId: { $eq: streamId }, status: 'pending' },
        { $set: { status: 'delivered', finishedAt: now, leaseUntil: now } },
      )
      .exec();
    return result.modifiedCount;
  }

  async refuse(streamId: string, errors: readonly SetError[], now: Date): Promise<number> {
    if (errors.length === 0) return 0;
    const result = await this.model.bulkWrite(
      errors.map((error) => ({
        updateOne: {
          filter: { _id: { $eq: error.jti }, streamId: { $eq: streamId }, status: 'pending' },
          update: {
            $set: {
              status: 'failed',
              finishedAt: now,
              leaseUntil: now,
              lastError: `${error.err}: ${error.description}`.slice(0, MAX_ERROR_LENGTH),
            },
          },
        },
      })),
      { ordered: false },
    );
    return result.modifiedCount;
  }

  async dropPending(streamId: string, now: Date, reason: string): Promise<number> {
    const result = await this.model
      .updateMany(
        { streamId: { $eq: streamId }, status: 'pending' },
        { $set: { status: 'failed', finishedAt: now, leaseUntil: now, lastError: reason } },
      )
      .exec();
    return result.modifiedCount;
  }

  async setMode(streamId: string, mode: SsfEventMode): Promise<void> {
    await this.model
      .updateMany({ streamId: { $eq: streamId }, status: 'pending' }, { $set: { mode } })
      .exec();
  }

  async backlog(streamIds?: readonly string[]): Promise<StreamBacklog[]> {
    const streams = streamIds === undefined ? {} : { streamId: { $in: [...streamIds] } };
    const groups = await this.model
      .aggregate<{ _id: string; receiver: string; pending: number; oldest: Date }>([
        { $match: { ...streams, status: 'pending' } },
        {
          $group: {
            _id: '$streamId',
            receiver: { $first: '$receiver' },
            pending: { $sum: 1 },
            oldest: { $min: '$createdAt' },
          },
        },
      ])
      .exec();
    return groups.map(({ _id, receiver, pending, oldest }) => ({
      streamId: _id,
      receiver,
      pending,
      oldest,
    }));
  }

  giveUpOverdue(now: Date): Promise<number> {
    return this.leases.giveUpOverdue({}, now, now, 'expired');
  }
}
