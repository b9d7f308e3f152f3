import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { GroupCommit } from '../../../platform/database/group-commit';
import { idLookups } from '../../../platform/database/id-lookups';
import {
  type ItemOutcome,
  TurnBatcher,
  firstOfEachKey,
} from '../../../platform/database/turn-batcher';
import { randomIdentifier } from '../../../platform/crypto/hashing';
import { SINGLE_USE_READ, SINGLE_USE_WRITE } from '../../../platform/database/single-use';
import { ActiveGrant, ClientGrant, Grant, GrantFilter, GrantSummary } from '../grant';
import { DEVICE_CODE_GRANT_TYPE } from '../../../protocol-rules/grant-types';
import {
  GrantRepository,
  MAX_SPENT_REFRESH_TOKENS,
  type RefreshRotation,
} from '../grant.repository';
import { GrantRecord } from './grant.schema';
import { isDuplicateKey } from '../../../platform/database/duplicate-key';

function toSummary(record: GrantRecord): GrantSummary | null {
  // A grant revoked in advance by a replay, whose redemption has not recorded it (yet).
  if (record.sub === undefined) return null;
  return {
    grantId: record._id,
    clientId: record.clientId,
    sub: record.sub,
    scope: record.scope ?? '',
    ...(record.grantType !== undefined ? { grantType: record.grantType } : {}),
    // Grants from before the method was kept were password logins; a client's own has none.
    ...(record.grantType === 'client_credentials'
      ? {}
      : { authMethod: record.authMethod ?? 'password' }),
    ...(record.methodKey !== undefined ? { methodKey: record.methodKey } : {}),
    ...(record.resource !== undefined ? { resource: record.resource } : {}),
    ...(record.resources !== undefined ? { resources: record.resources } : {}),
    ...(record.authTime ? { authTime: record.authTime } : {}),
    ...(record.acr !== undefined ? { acr: record.acr } : {}),
    ...(record.sid !== undefined ? { sid: record.sid } : {}),
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    ...(record.revokedReason ? { revokedReason: record.revokedReason } : {}),
  };
}

function toGrant(record: GrantRecord): Grant | null {
  const summary = toSummary(record);
  if (!summary || !record.refresh || summary.authMethod === undefined) return null;
  const { grantType, ...userGrant } = summary;
  return {
    ...userGrant,
    ...(grantType === DEVICE_CODE_GRANT_TYPE ? { grantType } : {}),
    authMethod: summary.authMethod,
    refresh: record.refresh,
    ...(record.dpopJkt !== undefined ? { dpopJkt: record.dpopJkt } : {}),
    ...(record.dpopBound === true ? { dpopBound: true } : {}),
    ...(record.authorizationDetails === undefined
      ? {}
      : { authorizationDetails: record.authorizationDetails }),
    ...(record.approval === undefined ? {} : { approval: record.approval }),
  };
}

function byOwner({ sub, clientId, methodKey, sid }: GrantFilter): mongo.Filter<GrantRecord> {
  return {
    ...(sid !== undefined ? { sid: { $eq: sid } } : {}),
    ...(sub !== undefined ? { sub: { $eq: sub } } : {}),
    ...(clientId !== undefined ? { clientId: { $eq: clientId } } : {}),
    ...(methodKey !== undefined ? { methodKey: { $eq: methodKey } } : {}),
  };
}

/**
 * What a token's check reads of its grant: whether it is live (revocation, expiry, the token's own
 * revocation by jti: RFC 7009, only ever a few a grant) and what a resource needs of it.
 */
const LIVE_CHECK_PROJECTION = {
  _id: 1,
  revokedAt: 1,
  expiresAt: 1,
  revokedJtis: 1,
  grantType: 1,
  resources: 1,
  userinfoClaims: 1,
} as const;

/**
 * Grants on the driver's collection directly (no mongoose casting or hydration on the hot path).
 * Every filter of the request path starts with `_id`: one indexed document per operation on any
 * MongoDB. Administration's filters use the `sub` and `clientId` indexes.
 */
@Injectable()
export class MongoGrantRepository extends GrantRepository {
  private readonly collection: mongo.Collection<GrantRecord>;
  private readonly opening: GroupCommit<GrantRecord>;
  private readonly liveChecks: TurnBatcher<string, GrantRecord | null>;
  private readonly rotations = new TurnBatcher<FastRotation, Grant | null>((rotations) =>
    this.rotateAll(rotations),
  );

  constructor(@InjectModel(GrantRecord.name) private readonly model: Model<GrantRecord>) {
    super();
    this.collection = model.collection as unknown as mongo.Collection<GrantRecord>;
    this.opening = new GroupCommit(this.collection, SINGLE_USE_WRITE);
    // A token's check reads its grant by `_id` alone, batched per turn (one `find` by `$in` for
    // the tokens checked together): what decides liveness is judged here, on the primary's copy.
    this.liveChecks = idLookups(this.collection, {
      projection: LIVE_CHECK_PROJECTION,
      ...SINGLE_USE_READ,
    });
  }

  async open(grant: Grant): Promise<void> {
    const { grantId, revokedAt, revokedReason, ...fields } = grant;
    void revokedAt;
    void revokedReason;
    // An upsert that sets the grant's fields but never its revocation: a replay that got here
    // first (revokeForReplay) leaves the grant revoked. Sent in one bulk with the other grants
    // opened in the same turn (group commit).
    await retryOnDuplicate(() =>
      this.opening.write({
        updateOne: {
          filter: { _id: grantId },
          update: { $set: fields, $setOnInsert: { revokedJtis: [] } },
          upsert: true,
        },
      }),
    );
  }

  async openForClient(grant: ClientGrant): Promise<void> {
    const { grantId, ...fields } = grant;
    // A fresh random id: the upsert only makes the write safe to retry within the bulk.
    await this.opening.write({
      updateOne: {
        filter: { _id: grantId },
        update: {
          $setOnInsert: {
            ...fields,
            sub: grant.clientId,
            grantType: 'client_credentials',
            revokedJtis: [],
          },
        },
        upsert: true,
      },
    });
  }

  async findById(grantId: string): Promise<Grant | null> {
    const record = await this.collection.findOne({ _id: grantId }, SINGLE_USE_READ);
    return record ? toGrant(record) : null;
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: grantId, revokedAt: { $exists: false } },
      { $set: { revokedAt: at, revokedReason: reason } },
      SINGLE_USE_WRITE,
    );
    return result.modifiedCount === 1;
  }

  async revokeForReplay(
    grantId: string,
    clientId: string,
    reason: string,
    at: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    if (await this.revokeOwn(grantId, clientId, reason, at)) return true;
    try {
      // Not recorded yet: the replay raced the redemption. Record the grant revoked first.
      const result = await this.collection.updateOne(
        { _id: grantId },
        {
          $setOnInsert: {
            clientId,
            createdAt: at,
            expiresAt,
            revokedAt: at,
            revokedReason: reason,
            revokedJtis: [],
          },
        },
        { upsert: true, ...SINGLE_USE_WRITE },
      );
      if (result.upsertedCount === 1) return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Recorded meanwhile by the redemption.
    return this.revokeOwn(grantId, clientId, reason, at);
  }

  private async revokeOwn(grantId: string, clientId: string, reason: string, at: Date) {
    const result = await this.collection.updateOne(
      { _id: grantId, clientId, revokedAt: { $exists: false } },
      { $set: { revokedAt: at, revokedReason: reason } },
      SINGLE_USE_WRITE,
    );
    return result.modifiedCount === 1;
  }

  async revokeAccessToken(grantId: string, jti: string): Promise<void> {
    await this.collection.updateOne(
      { _id: grantId },
      { $addToSet: { revokedJtis: jti } },
      SINGLE_USE_WRITE,
    );
  }

  async activeGrantOf(grantId: string, jti: string, now: Date): Promise<ActiveGrant | null> {
    const live = await this.liveChecks.add(grantId);
    if (
      live === null ||
      live.revokedAt !== undefined ||
      live.expiresAt.getTime() <= now.getTime() ||
      live.revokedJtis?.includes(jti)
    ) {
      return null;
    }
    return {
      ...(live.grantType === undefined ? {} : { grantType: live.grantType }),
      ...(live.resources === undefined ? {} : { resources: live.resources }),
      ...(live.userinfoClaims === undefined ? {} : { userinfoClaims: live.userinfoClaims }),
    };
  }

  async rotateRefresh(rotation: RefreshRotation): Promise<boolean> {
    const result = await this.collection.updateOne(
      {
        _id: rotation.grantId,
        'refresh.current': rotation.presented,
        revokedAt: { $exists: false },
      },
      rotationUpdate(rotation),
      SINGLE_USE_WRITE,
    );
    return result.modifiedCount === 1;
  }

  rotateIfCurrent(clientId: string, rotation: RefreshRotation): Promise<Grant | null> {
    return this.rotations.add({ clientId, rotation });
  }

  /**
   * The turn's fast-path rotations. One alone, or a grant asked for again in the same turn: one
   * findOneAndUpdate each. Several grants: two commands for all of them, each grant still rotated
   * atomically and by one rotation only:
   * - one bulk of updateOne, each with its own rotation's filter and update, which also marks the
   *   grant with the batch's random id (a retryable write: the driver sends it again after an
   *   election, and the server applies each update once);
   * - one find reads them back: a grant carrying the id was rotated by its own rotation.
   * A grant asked for again in the turn (a client's retry racing its first try) is tried alone
   * after the batch, as though it came later.
   */
  private rotateAll(rotations: readonly FastRotation[]): Promise<ItemOutcome<Grant | null>[]> {
    return firstOfEachKey(rotations, (item) => item.rotation.grantId, {
      alone: (item) => this.rotateOne(item),
      batch: (items) => this.rotateBatch(items),
      // A grant the batch did not rotate.
      absent: null,
    });
  }

  private async rotateOne(item: FastRotation): Promise<Grant | null> {
    const rotated = await this.collection.findOneAndUpdate(
      fastRotationFilter(item),
      rotationUpdate(item.rotation),
      { returnDocument: 'after', projection: { revokedJtis: 0 }, ...SINGLE_USE_WRITE },
    );
    return rotated ? toGrant(rotated) : null;
  }

  /** Several grants' rotations in two commands (`rotateAll`), by grant id; absent: not rotated. */
  private async rotateBatch(items: readonly FastRotation[]): Promise<Map<string, Grant | null>> {
    const batch = randomIdentifier(16);
    await this.collection.bulkWrite(
      items.map((item) => ({
        updateOne: {
          filter: fastRotationFilter(item),
          update: rotationUpdate(item.rotation, batch),
        },
      })),
      { ordered: false, ...SINGLE_USE_WRITE },
    );
    const records = await this.collection
      .find(
        { _id: { $in: items.map((item) => item.rotation.grantId) } },
        { projection: { revokedJtis: 0 }, ...SINGLE_USE_READ },
      )
      .toArray();
    return new Map(
      records
        .filter((record) => record.rotatedBy === batch)
        .map((record) => [record._id, toGrant(record)]),
    );
  }

  async countGraceRetry(grantId: string, current: string, maxRetries: number): Promise<boolean> {
    const result = await this.collection.updateOne(
      {
        _id: grantId,
        'refresh.current': current,
        revokedAt: { $exists: false },
        'refresh.retries': { $lt: maxRetries },
      },
      { $inc: { 'refresh.retries': 1 } },
      SINGLE_USE_WRITE,
    );
    return result.modifiedCount === 1;
  }

  async list(
    filter: GrantFilter,
    { now, includeEnded, limit }: { now: Date; includeEnded: boolean; limit: number },
  ): Promise<GrantSummary[]> {
    const records = await this.collection
      .find(
        {
          // Grants a replay revoked before their redemption recorded them have no subject.
          sub: { $exists: true },
          ...byOwner(filter),
          ...(includeEnded ? {} : { revokedAt: { $exists: false }, expiresAt: { $gt: now } }),
        },
        { projection: { refresh: 0, revokedJtis: 0 } },
      )
      .sort({ createdAt: -1, _id: 1 })
      .limit(limit)
      .toArray();
    return records.map(toSummary).filter((grant): grant is GrantSummary => grant !== null);
  }

  async page(
    filter: GrantFilter,
    { after, limit }: { readonly after?: string; readonly limit: number },
  ): Promise<GrantSummary[]> {
    // Only an owner's grants: a page of every grant of the service is never what is meant.
    if (filter.sub === undefined && filter.clientId === undefined) {
      throw new Error('page needs a subject or a client');
    }
    const records = await this.collection
      .find(
        {
          ...byOwner(filter),
          ...(after === undefined ? {} : { _id: { $gt: after } }),
        },
        { projection: { refresh: 0, revokedJtis: 0 } },
      )
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return records.map(toSummary).filter((grant): grant is GrantSummary => grant !== null);
  }

  async revokeAll(filter: GrantFilter, reason: string, at: Date): Promise<number> {
    // A filter naming nothing would revoke every grant: never what an administrator meant.
    if (filter.sub === undefined && filter.clientId === undefined && filter.sid === undefined) {
      throw new Error('revokeAll needs a subject, a client or a session');
    }
    const result = await this.collection.updateMany(
      { ...byOwner(filter), revokedAt: { $exists: false }, expiresAt: { $gt: at } },
      { $set: { revokedAt: at, revokedReason: reason } },
    );
    return result.modifiedCount;
  }
}

/**
 * A refresh's fast path (`rotateIfCurrent`): rotate if the token presented is the current one of
 * a live grant of `clientId`, bound as the request is.
 */
interface FastRotation {
  readonly clientId: string;
  readonly rotation: RefreshRotation;
}

function fastRotationFilter({
  clientId,
  rotation: { grantId, presented, now, dpop },
}: FastRotation): mongo.Filter<GrantRecord> {
  return {
    _id: grantId,
    'refresh.current': presented,
    clientId,
    revokedAt: { $exists: false },
    expiresAt: { $gt: now },
    // A key-bound family rotates only for its key, a DPoP-bound one only with a proof.
    ...(dpop === undefined
      ? { dpopJkt: { $exists: false }, dpopBound: { $ne: true } }
      : { $or: [{ dpopJkt: { $exists: false } }, { dpopJkt: dpop.jkt }] }),
  };
}

/**
 * Makes `successor` the current refresh token and `presented` the latest spent one. With a DPoP
 * proof the grant becomes DPoP-bound for good, and a public client's family bound to the key
 * (RFC 9449 §5; the caller's filter admits only an unbound family or one of the same key). With
 * `batch`, it also marks the grant as that batch's (`rotateBatch`).
 */
function rotationUpdate(
  { presented, successor, now, dpop }: RefreshRotation,
  batch?: string,
): mongo.UpdateFilter<GrantRecord> {
  return {
    $set: {
      'refresh.current': successor,
      'refresh.rotatedAt': now,
      'refresh.retries': 0,
      ...(dpop === undefined ? {} : { dpopBound: true }),
      ...(dpop?.bindRefresh ? { dpopJkt: dpop.jkt } : {}),
      ...(batch === undefined ? {} : { rotatedBy: batch }),
    },
    $push: { 'refresh.spent': { $each: [presented], $slice: -MAX_SPENT_REFRESH_TOKENS } },
  };
}

/**
 * Two concurrent upserts of one `_id` can both try the insert; the loser's duplicate-key error
 * means the document now exists, so the update applies on a second try (mongod retries this
 * itself from 4.2 on; other servers may not).
 */
async function retryOnDuplicate<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return operation();
  }
}
