import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { sha256Base64Url } from '../../../platform/crypto/hashing';
import { firstWriteWins } from '../../../platform/database/duplicate-key';
import { MongoOutbox } from '../../../platform/outbox/mongo-outbox';
import { MongoOutboxRows } from '../../../platform/outbox/mongo-outbox-rows';
import {
  DELIVERY_LANES,
  hostOf,
  laneOf,
  type DeliveryLane,
  type LogoutDelivery,
  type NewLogoutDelivery,
} from '../logout-delivery';
import type { HostState } from '../logout-delivery.lanes';
import {
  LogoutDeliveryRepository,
  type ClaimedDelivery,
  type LogoutDeliveryTarget,
} from '../logout-delivery.repository';
import { LogoutDeliveryHoldRecord } from './logout-delivery-hold.schema';
import { LogoutDeliveryRecord } from './logout-delivery.schema';

/** Holds are kept this long after they were last written, then the TTL index may remove them. */
const KEEP_HOLD_MS = 24 * 3600 * 1000;
/**
 * Candidates one claim of the self-registered lane tries: another instance may take a client or
 * host between the read of the busy ones and the hold (then the next candidate is looked for).
 */
const CLAIM_TRIES = 4;

/**
 * A delivery's key, derived from the logout it carries: one ended session (`sid`, never reused)
 * and one client. Queuing the same logout twice is then one row.
 */
export function deliveryIdOf(delivery: NewLogoutDelivery): string {
  return sha256Base64Url(`logout:${delivery.sid}:${delivery.clientId}`).slice(0, 22);
}

const CLIENT_KEY = 'client:';
const HOST_KEY = 'host:';

function toDelivery(record: LogoutDeliveryRecord): LogoutDelivery {
  return {
    deliveryId: record._id,
    clientId: record.clientId,
    uri: record.uri,
    sub: record.sub,
    sid: record.sid,
    ...(record.alg ? { alg: record.alg } : {}),
    createdAt: record.createdAt,
    giveUpAt: record.giveUpAt,
    attempts: record.attempts,
  };
}

@Injectable()
export class MongoLogoutDeliveryRepository extends LogoutDeliveryRepository {
  readonly leases: MongoOutbox<LogoutDeliveryRecord>;
  readonly rows: MongoOutboxRows<LogoutDeliveryRecord, LogoutDeliveryTarget>;

  constructor(
    @InjectModel(LogoutDeliveryRecord.name) private readonly model: Model<LogoutDeliveryRecord>,
    @InjectModel(LogoutDeliveryHoldRecord.name)
    private readonly holds: Model<LogoutDeliveryHoldRecord>,
  ) {
    super();
    this.leases = new MongoOutbox(model, {
      done: 'delivered',
      dead: 'failed',
      givenUp: ['failed', 'dropped'],
      // A lane's first attempts before its retries, then the longest due first.
      claimOrder: { attempts: 1, nextAttemptAt: 1 },
      // Kept a week past the last possible attempt (for an operator to look at), then TTL may go.
      keepMs: 7 * 24 * 3600 * 1000,
    });
    this.rows = new MongoOutboxRows(this.leases, ({ clientId, sid }) => ({ clientId, sid }));
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
      lane: laneOf(delivery.clientId),
      host: hostOf(delivery.uri),
      ...this.leases.fresh(now, giveUpAt),
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

  async claimDue(
    lane: DeliveryLane,
    owner: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<ClaimedDelivery | null> {
    if (lane === 'operator') {
      const record = await this.lease({}, owner, now, leaseUntil, lane);
      return record && { delivery: toDelivery(record), lane, hostTimeouts: 0 };
    }
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const busy = await this.busyKeys(now);
      const candidate = await this.model
        .findOne(
          {
            ...this.due(lane, now),
            clientId: { $nin: busy.clients },
            host: { $nin: busy.hosts },
          },
          { _id: 1, clientId: 1, host: 1 },
        )
        .sort({ attempts: 1, nextAttemptAt: 1 })
        .lean<Pick<LogoutDeliveryRecord, '_id' | 'clientId' | 'host'>>()
        .exec();
      if (!candidate) return null;
      const clientKey = CLIENT_KEY + candidate.clientId;
      const hostKey = HOST_KEY + (candidate.host ?? '');
      if (!(await this.hold(clientKey, owner, candidate._id, now, leaseUntil))) continue;
      const host = await this.hold(hostKey, owner, candidate._id, now, leaseUntil);
      if (host) {
        // Both held: no other claim of this lane leases the row now (an instance of a version
        // without holds, during a rolling deploy, still might: then the next candidate).
        const record = await this.lease({ _id: candidate._id }, owner, now, leaseUntil, lane);
        if (record) {
          return { delivery: toDelivery(record), lane, hostTimeouts: host.timeouts ?? 0 };
        }
        await this.unhold(hostKey, owner, candidate._id, { busyUntil: now });
      }
      await this.unhold(clientKey, owner, candidate._id, { busyUntil: now });
    }
    return null;
  }

  async release(
    { delivery, lane }: ClaimedDelivery,
    owner: string,
    now: Date,
    host: HostState,
  ): Promise<void> {
    if (lane === 'operator') return;
    await this.unhold(CLIENT_KEY + delivery.clientId, owner, delivery.deliveryId, {
      busyUntil: now,
    });
    await this.unhold(HOST_KEY + hostOf(delivery.uri), owner, delivery.deliveryId, {
      busyUntil: host.backoffUntil ?? now,
      timeouts: host.timeouts,
    });
  }

  async keepNewest(clientId: string, keep: number, now: Date): Promise<number> {
    const beyond = await this.model
      .find({ clientId: { $eq: clientId }, status: 'pending' }, { _id: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .skip(keep)
      .lean<Pick<LogoutDeliveryRecord, '_id'>[]>()
      .exec();
    if (beyond.length === 0) return 0;
    // An attempt under way of a row dropped here finds it no longer pending, and records nothing.
    const result = await this.model
      .updateMany(
        { _id: { $in: beyond.map((row) => row._id) }, status: 'pending' },
        {
          $set: {
            status: 'dropped',
            leaseUntil: now,
            lastError: `more than ${keep} logout tokens waiting for this client`,
          },
        },
      )
      .exec();
    return result.modifiedCount;
  }

  async giveUpOverdue(before: Date, now: Date): Promise<Readonly<Record<DeliveryLane, number>>> {
    const givenUp = { operator: 0, self_registered: 0 };
    for (const lane of DELIVERY_LANES) {
      givenUp[lane] = await this.leases.giveUpOverdue({ lane }, before, now);
    }
    return givenUp;
  }

  async assignLanes(limit: number): Promise<number> {
    const unlaned = await this.model
      .find({ status: 'pending', lane: null }, { _id: 1, clientId: 1, uri: 1 })
      .limit(limit)
      .lean<Pick<LogoutDeliveryRecord, '_id' | 'clientId' | 'uri'>[]>()
      .exec();
    if (unlaned.length === 0) return 0;
    const result = await this.model.bulkWrite(
      unlaned.map((row) => ({
        updateOne: {
          filter: { _id: row._id, lane: null },
          update: { $set: { lane: laneOf(row.clientId), host: hostOf(row.uri) } },
        },
      })),
      { ordered: false },
    );
    return result.modifiedCount;
  }

  /** Pending rows of `lane` due at `now` and not leased. */
  private due(lane: DeliveryLane, now: Date) {
    return { ...this.leases.due(now), lane };
  }

  /** The claim itself (MongoOutbox.claim): one atomic conditional update. */
  private lease(
    only: { _id?: string },
    owner: string,
    now: Date,
    leaseUntil: Date,
    lane: DeliveryLane,
  ): Promise<LogoutDeliveryRecord | null> {
    return this.leases.claim({ ...only, lane }, owner, now, leaseUntil);
  }

  /** The clients with an attempt under way, and the hosts with one or in backoff. */
  private async busyKeys(now: Date): Promise<{ clients: string[]; hosts: string[] }> {
    const busy = await this.holds
      .find({ busyUntil: { $gt: now } }, { _id: 1 })
      .lean<Pick<LogoutDeliveryHoldRecord, '_id'>[]>()
      .exec();
    const clients: string[] = [];
    const hosts: string[] = [];
    for (const { _id } of busy) {
      if (_id.startsWith(CLIENT_KEY)) clients.push(_id.slice(CLIENT_KEY.length));
      else if (_id.startsWith(HOST_KEY)) hosts.push(_id.slice(HOST_KEY.length));
    }
    return { clients, hosts };
  }

  /**
   * Takes `key` for one attempt, if nobody holds it (nor is its host in backoff): one conditional
   * upsert. Held, the filter does not match and the upsert's insert of the same `_id` is refused
   * as a duplicate key: of two instances taking a key at once, one gets it. The record, or null.
   */
  private async hold(
    key: string,
    owner: string,
    deliveryId: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<LogoutDeliveryHoldRecord | null> {
    let record: LogoutDeliveryHoldRecord | null = null;
    const won = await firstWriteWins(async () => {
      record = await this.holds
        .findOneAndUpdate(
          { _id: key, busyUntil: { $lte: now } },
          {
            $set: {
              busyUntil: leaseUntil,
              owner,
              deliveryId,
              expiresAt: new Date(leaseUntil.getTime() + KEEP_HOLD_MS),
            },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<LogoutDeliveryHoldRecord>()
        .exec();
    });
    return won ? record : null;
  }

  /** Gives `key` back, if this attempt still holds it. */
  private async unhold(
    key: string,
    owner: string,
    deliveryId: string,
    state: { busyUntil: Date; timeouts?: number },
  ): Promise<void> {
    await this.holds
      .updateOne(
        { _id: key, owner: { $eq: owner }, deliveryId: { $eq: deliveryId } },
        {
          $set: { ...state, expiresAt: new Date(state.busyUntil.getTime() + KEEP_HOLD_MS) },
          $unset: { owner: 1, deliveryId: 1 },
        },
      )
      .exec();
  }
}
