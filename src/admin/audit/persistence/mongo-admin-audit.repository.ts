import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { QueryFilter, Model } from 'mongoose';
import {
  type AdminActor,
  type AdminAuditFilter,
  type AdminAuditRecord,
  AdminAuditRepository,
} from '../admin-audit';
import { AdminAuditDocument } from './admin-audit.schema';

@Injectable()
export class MongoAdminAuditRepository extends AdminAuditRepository {
  constructor(
    @InjectModel(AdminAuditDocument.name) private readonly model: Model<AdminAuditDocument>,
  ) {
    super();
  }

  async insert(record: AdminAuditRecord, expiresAt: Date): Promise<void> {
    await this.model.create({
      _id: record.id,
      at: record.at,
      ...actorFields(record.actor),
      action: record.action,
      targets: { ...record.targets },
      requestId: record.requestId,
      outcome: record.outcome,
      ...(record.reason === undefined ? {} : { reason: record.reason }),
      expiresAt,
    });
  }

  async page(
    filter: AdminAuditFilter,
    { before, limit }: { readonly before?: string; readonly limit: number },
  ): Promise<AdminAuditRecord[]> {
    const query: QueryFilter<AdminAuditDocument> = {
      ...(before === undefined ? {} : { _id: { $lt: before } }),
      ...(filter.action === undefined ? {} : { action: { $eq: filter.action } }),
      ...(filter.actor === undefined
        ? {}
        : filter.actor === 'cli'
          ? { actorKind: 'cli' }
          : { actorKind: { $in: ['client', 'operator'] }, actor: { $eq: filter.actor } }),
      ...(filter.outcome === undefined ? {} : { outcome: { $eq: filter.outcome } }),
      ...(filter.since === undefined && filter.until === undefined
        ? {}
        : {
            at: {
              ...(filter.since === undefined ? {} : { $gte: filter.since }),
              ...(filter.until === undefined ? {} : { $lt: filter.until }),
            },
          }),
    };
    const records = await this.model
      .find(query)
      .sort({ _id: -1 })
      .limit(limit)
      .lean<AdminAuditDocument[]>()
      .exec();
    return records.map((record) => ({
      id: record._id,
      at: record.at,
      actor: actorOf(record),
      action: record.action,
      targets: record.targets,
      requestId: record.requestId,
      outcome: record.outcome,
      ...(record.reason === undefined ? {} : { reason: record.reason }),
    }));
  }
}

/** An actor as the record keeps it: its kind, who (`actor`), and an operator's client. */
function actorFields(
  actor: AdminActor,
): Pick<AdminAuditDocument, 'actorKind' | 'actor' | 'clientId'> {
  switch (actor.kind) {
    case 'client':
      return { actorKind: 'client', actor: actor.clientId };
    case 'operator':
      return { actorKind: 'operator', actor: actor.account, clientId: actor.clientId };
    case 'cli':
      return { actorKind: 'cli', actor: actor.osUser };
  }
}

function actorOf(record: AdminAuditDocument): AdminActor {
  switch (record.actorKind) {
    case 'client':
      return { kind: 'client', clientId: record.actor };
    case 'operator':
      return { kind: 'operator', account: record.actor, clientId: record.clientId ?? '' };
    case 'cli':
      return { kind: 'cli', osUser: record.actor };
  }
}
