import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MongoOutbox, sealedBodyOutbox } from '../../../../platform/outbox/mongo-outbox';
import type { CibaNotification } from '../ciba-notification';
import { MongoOutboxRows } from '../../../../platform/outbox/mongo-outbox-rows';
import {
  CibaNotificationRepository,
  type CibaNotificationTarget,
  type NewCibaNotification,
} from '../ciba-notification.repository';
import { CibaNotificationRecord } from './ciba-notification.schema';

@Injectable()
export class MongoCibaNotificationRepository extends CibaNotificationRepository {
  readonly leases: MongoOutbox<CibaNotificationRecord>;
  readonly rows: MongoOutboxRows<CibaNotificationRecord, CibaNotificationTarget>;

  constructor(
    @InjectModel(CibaNotificationRecord.name)
    private readonly model: Model<CibaNotificationRecord>,
  ) {
    super();
    this.leases = new MongoOutbox(model, sealedBodyOutbox('delivered'));
    this.rows = new MongoOutboxRows(this.leases, ({ kind, clientId }) => ({ kind, clientId }));
  }

  forgetSpent(now: Date): Promise<number> {
    return this.leases.forgetSpentPayloads(now);
  }

  async enqueue(row: NewCibaNotification, now: Date): Promise<void> {
    const { deliveryId, giveUpAt, ...fields } = row;
    // Insert-if-absent by id: an announcement worked twice (its lease ran out) queues one notify.
    await this.model
      .updateOne(
        { _id: deliveryId },
        { $setOnInsert: { ...fields, ...this.leases.fresh(now, giveUpAt) } },
        { upsert: true },
      )
      .exec();
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date): Promise<CibaNotification | null> {
    const record = await this.leases.claim({}, owner, now, leaseUntil);
    if (!record) return null;
    return {
      deliveryId: record._id,
      kind: record.kind,
      clientId: record.clientId,
      sealed: record.sealed ?? '',
      giveUpAt: record.giveUpAt,
      attempts: record.attempts,
    };
  }

  giveUpOverdue(before: Date, now: Date): Promise<number> {
    return this.leases.giveUpOverdue({}, before, now, 'overdue');
  }
}
