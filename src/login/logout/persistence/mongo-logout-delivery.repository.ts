import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { sha256Base64Url } from '../../../platform/crypto/hashing';
import { ensureIndexes } from '../../../platform/database/ensure-indexes';
import type { LogoutDelivery, NewLogoutDelivery } from '../logout-delivery';
import { LogoutDeliveryRepository } from '../logout-delivery.repository';
import { LogoutDeliveryRecord } from './logout-delivery.schema';

/** Rows are kept this long past their give-up time, then the TTL index may remove them. */
const KEEP_FINISHED_MS = 7 * 24 * 3600 * 1000;

/**
 * A delivery's key, derived from the logout it carries: one ended session (`sid`, never reused)
 * and one client. Queuing the same logout twice is then one row.
 */
export function deliveryIdOf(delivery: NewLogoutDelivery): string {
  return sha256Base64Url(`logout:${delivery.sid}:${delivery.clientId}`).slice(0, 22);
}

function toDelivery(record: LogoutDeliveryRecord): LogoutDelivery {
  return {
    deliveryId: record._id,
    clientId: record.clientId,
    uri: record.uri,
    sub: record.sub,
    sid: record.sid,
    createdAt: record.createdAt,
    giveUpAt: record.giveUpAt,
    attempts: record.attempts,
  };
}

@Injectable()
export class MongoLogoutDeliveryRepository
  extends LogoutDeliveryRepository
  implements OnModuleInit
{
  constructor(
    @InjectModel(LogoutDeliveryRecord.name) private readonly model: Model<LogoutDeliveryRecord>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async enqueue(
    deliveries: readonly NewLogoutDelivery[],
    now: Date,
    giveUpAt: Date,
  ): Promise<void> {
    if (deliveries.length === 0) return;
    const records: LogoutDeliveryRecord[] = deliveries.map((delivery) => ({
      _id: deliveryIdOf(delivery),
      ...delivery,
      status: 'pending',
      createdAt: now,
      giveUpAt,
      nextAttemptAt: now,
      leaseUntil: now,
      attempts: 0,
      // Kept a week past the last possible attempt (for an operator to look at), then TTL may go.
      expiresAt: new Date(giveUpAt.getTime() + KEEP_FINISHED_MS),
    }));
    // Insert-if-absent by the derived key: a second enqueue of the same logout (an abandoned
    // ending finished again by another instance) leaves the first row, whatever its state.
    await this.model.bulkWrite(
      records.map(({ _id, ...fields }) => ({
        updateOne: {
          filter: { _id },
          update: { $setOnInsert: fields },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date): Promise<LogoutDelivery | null> {
    // One atomic conditional update: of two instances polling at once, one gets the row; the
    // other's filter no longer matches it (its lease is in the future).
    const record = await this.model
      .findOneAndUpdate(
        { status: 'pending', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } },
        { $set: { leaseUntil, leaseOwner: owner }, $inc: { attempts: 1 } },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
      )
      .lean<LogoutDeliveryRecord>()
      .exec();
    return record ? toDelivery(record) : null;
  }

  async markDelivered(deliveryId: string, owner: string, now: Date): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: deliveryId }, status: 'pending', leaseOwner: { $eq: owner } },
        {
          $set: { status: 'delivered', leaseUntil: now },
          $unset: { lastError: 1 },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async scheduleRetry(
    deliveryId: string,
    owner: string,
    retryAt: Date,
    error: string,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: deliveryId }, status: 'pending', leaseOwner: { $eq: owner } },
        { $set: { nextAttemptAt: retryAt, leaseUntil: retryAt, lastError: error } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async markFailed(deliveryId: string, owner: string, now: Date, error: string): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: deliveryId }, status: 'pending', leaseOwner: { $eq: owner } },
        {
          $set: {
            status: 'failed',
            leaseUntil: now,
            lastError: error,
          },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
