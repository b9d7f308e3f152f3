import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import type { MailDelivery, MailPurpose } from '../mail';
import { MailOutboxRepository, type NewMailDelivery } from '../mail-outbox.repository';
import { MailDeliveryRecord } from './mail-delivery.schema';

/** Rows are kept this long past their give-up time (no body), then the TTL index may remove them. */
const KEEP_FINISHED_MS = 24 * 3600 * 1000;

function toDelivery(record: MailDeliveryRecord): MailDelivery {
  return {
    deliveryId: record._id,
    purpose: record.purpose,
    sealed: record.sealed ?? '',
    createdAt: record.createdAt,
    giveUpAt: record.giveUpAt,
    attempts: record.attempts,
  };
}

@Injectable()
export class MongoMailOutboxRepository extends MailOutboxRepository implements OnModuleInit {
  constructor(
    @InjectModel(MailDeliveryRecord.name) private readonly model: Model<MailDeliveryRecord>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async enqueue(mail: NewMailDelivery, deliveryId: string, now: Date): Promise<void> {
    await this.model.collection.insertOne({
      _id: deliveryId as never,
      purpose: mail.purpose,
      status: 'pending',
      sealed: mail.sealed,
      createdAt: now,
      giveUpAt: mail.giveUpAt,
      nextAttemptAt: now,
      leaseUntil: now,
      attempts: 0,
      expiresAt: new Date(mail.giveUpAt.getTime() + KEEP_FINISHED_MS),
    });
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date): Promise<MailDelivery | null> {
    // One conditional update: of instances racing for a row, one leases it.
    const record = await this.model
      .findOneAndUpdate(
        { status: 'pending', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } },
        { $set: { leaseOwner: owner, leaseUntil }, $inc: { attempts: 1 } },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
      )
      .lean<MailDeliveryRecord>()
      .exec();
    return record ? toDelivery(record) : null;
  }

  async markSent(deliveryId: string, owner: string, now: Date): Promise<boolean> {
    return this.finish(deliveryId, owner, {
      $set: { status: 'sent', leaseUntil: now, finishedAt: now },
      $unset: { sealed: 1, lastError: 1 },
    });
  }

  async scheduleRetry(
    deliveryId: string,
    owner: string,
    retryAt: Date,
    error: string,
  ): Promise<boolean> {
    return this.finish(deliveryId, owner, {
      $set: { nextAttemptAt: retryAt, leaseUntil: retryAt, lastError: error },
    });
  }

  async markDead(deliveryId: string, owner: string, now: Date, error: string): Promise<boolean> {
    return this.finish(deliveryId, owner, {
      $set: { status: 'dead', leaseUntil: now, finishedAt: now, lastError: error },
      $unset: { sealed: 1 },
    });
  }

  async giveUpOverdue(before: Date, now: Date): Promise<MailPurpose[]> {
    const overdue = await this.model
      .find(
        { status: 'pending', giveUpAt: { $lte: before }, leaseUntil: { $lte: now } },
        { _id: 1, purpose: 1 },
      )
      .lean<Pick<MailDeliveryRecord, '_id' | 'purpose'>[]>()
      .exec();
    const given: MailPurpose[] = [];
    for (const row of overdue) {
      // Row by row, each conditional: an attempt that leased the row meanwhile keeps it.
      const result = await this.model
        .updateOne(
          { _id: { $eq: row._id }, status: 'pending', leaseUntil: { $lte: now } },
          {
            $set: { status: 'dead', leaseUntil: now, finishedAt: now, lastError: 'overdue' },
            $unset: { sealed: 1 },
          },
        )
        .exec();
      if (result.modifiedCount === 1) given.push(row.purpose);
    }
    return given;
  }

  /** One conditional update of a row `owner` has leased and that is still pending. */
  private async finish(
    deliveryId: string,
    owner: string,
    update: Record<string, unknown>,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: { $eq: deliveryId }, status: 'pending', leaseOwner: { $eq: owner } },
        update,
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
