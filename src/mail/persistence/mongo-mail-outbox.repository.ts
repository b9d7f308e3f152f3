import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MongoOutbox, sealedBodyOutbox } from '../../platform/outbox/mongo-outbox';
import { MAIL_PURPOSES, type MailDelivery, type MailPurpose } from '../mail';
import { MongoOutboxRows } from '../../platform/outbox/mongo-outbox-rows';
import {
  MailOutboxRepository,
  type MailTarget,
  type NewMailDelivery,
} from '../mail-outbox.repository';
import { MailDeliveryRecord } from './mail-delivery.schema';

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
export class MongoMailOutboxRepository extends MailOutboxRepository {
  readonly leases: MongoOutbox<MailDeliveryRecord>;
  readonly rows: MongoOutboxRows<MailDeliveryRecord, MailTarget>;

  constructor(
    @InjectModel(MailDeliveryRecord.name) private readonly model: Model<MailDeliveryRecord>,
  ) {
    super();
    // A finished row keeps no body.
    this.leases = new MongoOutbox(model, sealedBodyOutbox('sent'));
    this.rows = new MongoOutboxRows(this.leases, (record) => ({
      purpose: record.purpose,
      maskedTo: record.maskedTo ?? null,
    }));
  }

  forgetSpent(now: Date): Promise<number> {
    return this.leases.forgetSpentPayloads(now);
  }

  async enqueue(mail: NewMailDelivery, deliveryId: string, now: Date): Promise<void> {
    await this.model.collection.insertOne({
      _id: deliveryId as never,
      purpose: mail.purpose,
      sealed: mail.sealed,
      maskedTo: mail.maskedTo,
      ...this.leases.fresh(now, mail.giveUpAt),
    });
  }

  async claimDue(owner: string, now: Date, leaseUntil: Date): Promise<MailDelivery | null> {
    const record = await this.leases.claim({}, owner, now, leaseUntil);
    return record ? toDelivery(record) : null;
  }

  async giveUpOverdue(before: Date, now: Date): Promise<MailPurpose[]> {
    const given: MailPurpose[] = [];
    for (const purpose of MAIL_PURPOSES) {
      const count = await this.leases.giveUpOverdue({ purpose }, before, now, 'overdue');
      given.push(...Array.from({ length: count }, () => purpose));
    }
    return given;
  }
}
