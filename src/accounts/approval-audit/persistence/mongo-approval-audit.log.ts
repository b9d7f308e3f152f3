import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomIdentifier } from '../../../platform/crypto/hashing';
import {
  APPROVAL_AUDIT_RETENTION_DAYS,
  type ApprovalAuditFilter,
  ApprovalAuditLog,
  type ApprovalAuditPosition,
  type ApprovalAuditRecord,
  type ListedApprovalAuditRecord,
} from '../approval-audit';
import { ApprovalAuditDocument } from './approval-audit.schema';

const DAY_MS = 86_400_000;

@Injectable()
export class MongoApprovalAuditLog extends ApprovalAuditLog {
  constructor(
    @InjectModel(ApprovalAuditDocument.name) private readonly model: Model<ApprovalAuditDocument>,
  ) {
    super();
  }

  async record(entry: ApprovalAuditRecord): Promise<void> {
    const { authorizationDetails, ...fields } = entry;
    await this.model.create({
      _id: randomIdentifier(16),
      ...fields,
      ...(authorizationDetails === undefined
        ? {}
        : { authorizationDetails: [...authorizationDetails] }),
      expiresAt: new Date(entry.at.getTime() + APPROVAL_AUDIT_RETENTION_DAYS * DAY_MS),
    });
  }

  async listOf(sub: string, limit: number): Promise<ApprovalAuditRecord[]> {
    const records = await this.model
      .find({ sub: { $eq: sub } })
      .sort({ at: -1 })
      .limit(limit)
      .lean<ApprovalAuditDocument[]>()
      .exec();
    return records.map((record) => {
      const { id, ...entry } = listed(record);
      void id;
      return entry;
    });
  }

  async page(
    { sub, decision }: ApprovalAuditFilter,
    { after, limit }: { readonly after?: ApprovalAuditPosition; readonly limit: number },
  ): Promise<ListedApprovalAuditRecord[]> {
    const records = await this.model
      .find({
        sub: { $eq: sub },
        ...(decision === undefined ? {} : { decision: { $eq: decision } }),
        // Newest first, the id breaking ties of one instant: the records before `after`'s place.
        ...(after === undefined
          ? {}
          : { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] }),
      })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean<ApprovalAuditDocument[]>()
      .exec();
    return records.map(listed);
  }
}

function listed(record: ApprovalAuditDocument): ListedApprovalAuditRecord {
  const { _id, expiresAt, ...entry } = record;
  void expiresAt;
  return { id: _id, ...entry };
}
