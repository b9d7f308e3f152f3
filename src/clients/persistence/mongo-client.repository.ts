import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type AnyBulkWriteOperation, type Model, type Query } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { atRevision } from '../../platform/database/revision';
import { ClientRepository, type SecretsRevision, type StoredSecrets } from '../client.repository';
import { type ClientSecret, singleStoredSecret } from '../client-secrets';
import {
  ClientJwks,
  clientPageFields,
  signedResponseAlgFields,
  logoutFields,
  OAuthClient,
  requestObjectFields,
} from '../oauth-client';
import { webOriginsOf } from '../web-origins';
import { ClientOriginRecord, NEVER_EXPIRES } from './client-origin.schema';
import { ClientRecord, type ClientSecretRecord } from './client.schema';
import { firstWriteWins } from '../../platform/database/duplicate-key';

/** Writes sent in one bulk command while the origin index is filled in at start. */
const PREPARE_BATCH = 500;

function toClient(record: ClientRecord): OAuthClient {
  return {
    clientId: record._id,
    type: record.type,
    name: record.name,
    redirectUris: record.redirectUris,
    ...(record.secretHash ? { secrets: secretsOf(record) } : {}),
    ...(record.firstParty ? { firstParty: true } : {}),
    ...(record.configured ? { configured: true } : {}),
    ...(record.resources?.length ? { resources: record.resources } : {}),
    ...(record.grantTypes ? { grantTypes: record.grantTypes } : {}),
    ...(record.applicationType ? { applicationType: record.applicationType } : {}),
    ...(record.secretMethod ? { secretMethod: record.secretMethod } : {}),
    ...(record.dpopBoundAccessTokens ? { dpopBoundAccessTokens: true } : {}),
    ...(record.requirePushedAuthorizationRequests
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(record.requirePkce === false ? { requirePkce: false } : {}),
    ...(record.jwks ? { jwks: record.jwks } : {}),
    ...(record.jwksUri ? { jwksUri: record.jwksUri } : {}),
    ...(record.profile ? { profile: record.profile } : {}),
    ...requestObjectFields({
      ...(record.requestObjectSigningAlg
        ? { requestObjectSigningAlg: record.requestObjectSigningAlg }
        : {}),
      ...(record.requireSignedRequestObject ? { requireSignedRequestObject: true } : {}),
      ...(record.requestUris ? { requestUris: record.requestUris } : {}),
    }),
    ...signedResponseAlgFields(record),
    ...logoutFields({
      ...(record.postLogoutRedirectUris
        ? { postLogoutRedirectUris: record.postLogoutRedirectUris }
        : {}),
      ...(record.backchannelLogoutUri ? { backchannelLogoutUri: record.backchannelLogoutUri } : {}),
      ...(record.backchannelLogoutSessionRequired
        ? { backchannelLogoutSessionRequired: true }
        : {}),
    }),
    ...(record.dynamicallyRegisteredAt
      ? { dynamicallyRegisteredAt: record.dynamicallyRegisteredAt }
      : {}),
    ...(record.registeredWithInitialAccessToken ? { registeredWithInitialAccessToken: true } : {}),
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    ...(record.lastUsedAt ? { lastUsedAt: record.lastUsedAt } : {}),
    ...(record.authorizationDetailsTypes
      ? { authorizationDetailsTypes: record.authorizationDetailsTypes }
      : {}),
    ...(record.backchannelClientNotificationEndpoint
      ? { backchannelClientNotificationEndpoint: record.backchannelClientNotificationEndpoint }
      : {}),
    ...clientPageFields(record),
    ...(record.adminScopes?.length ? { adminScopes: record.adminScopes } : {}),
    ...(record.ssfReceiver ? { ssfReceiver: true } : {}),
    ...(record.scope ? { scope: record.scope } : {}),
    ...(record.revision ? { revision: record.revision } : {}),
  };
}

/**
 * What a replacement of a client's registration never touches: its secrets (and their revision),
 * which change by rotation only, and what its use and its own registration record.
 */
const KEPT_ON_REPLACE = [
  'secretHash',
  'secrets',
  'secretsVersion',
  'lastUsedAt',
  'dynamicallyRegisteredAt',
  'registeredWithInitialAccessToken',
  'expiresAt',
  'revision',
] as const;

/** The schema's top-level fields a registration may have set: the others, and _id, excluded. */
function registrationPaths(model: Model<ClientRecord>): string[] {
  const top = new Set(Object.keys(model.schema.paths).map((path) => path.split('.')[0]));
  for (const excluded of ['_id', '__v', ...KEPT_ON_REPLACE]) top.delete(excluded);
  return [...top];
}

function toRecord(client: OAuthClient): ClientRecord {
  const { clientId, secrets, ...fields } = client;
  return {
    ...fields,
    ...(secrets?.length ? secretFields(secrets) : {}),
    _id: clientId,
    origins: webOriginsOf(client.redirectUris),
  };
}

/**
 * A client's secrets as stored: `secrets` when their newest is `secretHash`; else what release
 * 1.0.0 wrote last (it knows `secretHash` alone: a record of its own, or a rotation of its CLI
 * during a rolling upgrade), one secret without expiry. No migration: the old shape reads so.
 */
function secretsOf(record: Pick<ClientRecord, 'secretHash' | 'secrets'>): ClientSecret[] {
  if (record.secretHash === undefined) return [];
  const stored = record.secrets ?? [];
  if (stored.at(-1)?.hash !== record.secretHash) return [singleStoredSecret(record.secretHash)];
  return stored.map((secret) => ({
    id: secret.id,
    hash: secret.hash,
    ...(secret.createdAt ? { createdAt: secret.createdAt } : {}),
    ...(secret.expiresAt ? { expiresAt: secret.expiresAt } : {}),
  }));
}

/** The stored fields of `secrets` (newest last): the list, and its newest hash for release 1.0.0. */
function secretFields(
  secrets: readonly ClientSecret[],
): Required<Pick<ClientRecord, 'secretHash' | 'secrets'>> {
  return {
    secretHash: secrets[secrets.length - 1].hash,
    secrets: secrets.map((secret): ClientSecretRecord => ({
      id: secret.id,
      hash: secret.hash,
      ...(secret.createdAt ? { createdAt: secret.createdAt } : {}),
      ...(secret.expiresAt ? { expiresAt: secret.expiresAt } : {}),
    })),
  };
}

/**
 * `$max`: an origin's expiry is the latest of its clients', so storing one only ever raises it;
 * `kept`: by a client that is not stored, whose share `keptUntil` records.
 */
function raise(
  origin: string,
  expiresAt: Date,
  kept = false,
): AnyBulkWriteOperation<ClientOriginRecord> {
  const update = kept ? { $max: { expiresAt, keptUntil: expiresAt } } : { $max: { expiresAt } };
  return { updateOne: { filter: { _id: origin }, update, upsert: true } };
}

/**
 * Clients in `oauth_clients`, and the origin index in `client_origins` kept in step with them by
 * every write here. Order of writes: an origin is raised before the client that needs it is
 * stored, so a failure in between leaves an origin allowed a little longer, never a live client
 * without CORS.
 */
@Injectable()
export class MongoClientRepository extends ClientRepository {
  constructor(
    @InjectModel(ClientRecord.name) private readonly model: Model<ClientRecord>,
    @InjectModel(ClientOriginRecord.name) private readonly origins: Model<ClientOriginRecord>,
  ) {
    super();
  }

  async prepare(legacyRegisteredExpiresAt: Date): Promise<void> {
    await ensureIndexes(this.model);
    await ensureIndexes(this.origins);
    const cursor = this.model
      .find({ origins: { $exists: false } })
      .select({ redirectUris: 1, expiresAt: 1, dynamicallyRegisteredAt: 1 })
      .lean<Pick<ClientRecord, '_id' | 'redirectUris' | 'expiresAt' | 'dynamicallyRegisteredAt'>>()
      .cursor();
    let clientWrites: AnyBulkWriteOperation<ClientRecord>[] = [];
    let originWrites: AnyBulkWriteOperation<ClientOriginRecord>[] = [];
    const flush = async () => {
      if (originWrites.length) await this.origins.bulkWrite(originWrites, { ordered: false });
      if (clientWrites.length) await this.model.bulkWrite(clientWrites, { ordered: false });
      clientWrites = [];
      originWrites = [];
    };
    for await (const record of cursor) {
      const origins = webOriginsOf(record.redirectUris);
      // Registered before clients expired: as if used at the upgrade (its last use is unknown).
      const expiresAt =
        record.expiresAt ??
        (record.dynamicallyRegisteredAt ? legacyRegisteredExpiresAt : undefined);
      for (const origin of origins) originWrites.push(raise(origin, expiresAt ?? NEVER_EXPIRES));
      clientWrites.push({
        updateOne: {
          filter: { _id: record._id },
          update: { $set: { origins, ...(expiresAt ? { expiresAt } : {}) } },
        },
      });
      if (clientWrites.length >= PREPARE_BATCH) await flush();
    }
    await flush();
  }

  async findById(clientId: string): Promise<OAuthClient | null> {
    const record = await this.model.findById(clientId).lean<ClientRecord>().exec();
    return record ? toClient(record) : null;
  }

  async save(client: OAuthClient): Promise<void> {
    await this.replace(client, true);
  }

  /**
   * One update that sets the registration's fields and unsets those it no longer has; the fields
   * other writes own (KEPT_ON_REPLACE) are left as they are, so a concurrent rotation of the
   * client's secrets (replaceSecrets, a conditional write of its own) is never lost to it.
   */
  async replaceIfPresent(client: OAuthClient, expectedRevision?: number): Promise<boolean> {
    const { _id, ...fields } = toRecord(client);
    for (const kept of KEPT_ON_REPLACE) delete (fields as Record<string, unknown>)[kept];
    const unset = Object.fromEntries(
      registrationPaths(this.model)
        .filter((path) => !Object.hasOwn(fields, path))
        .map((path) => [path, '']),
    );
    return this.storeOver(fields.origins ?? [], client.expiresAt, () =>
      this.model.findOneAndUpdate(
        { _id: { $eq: _id }, ...atRevision(expectedRevision) },
        {
          $set: fields,
          $inc: { revision: 1 },
          ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
        },
        { returnDocument: 'before' },
      ),
    );
  }

  private replace(client: OAuthClient, upsert: boolean): Promise<boolean> {
    const record = toRecord(client);
    return this.storeOver(record.origins ?? [], client.expiresAt, () =>
      this.model.findOneAndReplace({ _id: record._id }, record, {
        upsert,
        returnDocument: 'before',
      }),
    );
  }

  async insertIfAbsent(client: OAuthClient): Promise<boolean> {
    const record = toRecord(client);
    await this.raiseOrigins(record.origins ?? [], client.expiresAt);
    return firstWriteWins(() => this.model.create(record));
  }

  async list(): Promise<OAuthClient[]> {
    const records = await this.model.find().sort({ _id: 1 }).lean<ClientRecord[]>().exec();
    return records.map(toClient);
  }

  async page({
    after,
    limit,
    registered,
  }: {
    readonly after?: string;
    readonly limit: number;
    readonly registered?: boolean;
  }): Promise<OAuthClient[]> {
    const records = await this.model
      .find({
        ...(after === undefined ? {} : { _id: { $gt: after } }),
        ...(registered === undefined ? {} : { dynamicallyRegisteredAt: { $exists: registered } }),
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ClientRecord[]>()
      .exec();
    return records.map(toClient);
  }

  async readSecrets(clientId: string): Promise<StoredSecrets | null> {
    const record = await this.model
      .findOne({ _id: { $eq: clientId }, type: 'confidential' })
      .select({ secretHash: 1, secrets: 1, secretsVersion: 1 })
      .lean<Pick<ClientRecord, 'secretHash' | 'secrets' | 'secretsVersion'>>()
      .exec();
    if (!record) return null;
    return {
      secrets: secretsOf(record),
      revision: { version: record.secretsVersion ?? 0, newestHash: record.secretHash },
    };
  }

  /**
   * The filter names the version read and the newest hash read: the version catches a change of
   * this release, the hash one of release 1.0.0 (its CLI rewrites `secretHash` alone).
   */
  async replaceSecrets(
    clientId: string,
    revision: SecretsRevision,
    secrets: readonly ClientSecret[],
  ): Promise<boolean> {
    if (secrets.length === 0) throw new Error('A confidential client keeps at least one secret');
    const result = await this.model
      .updateOne(
        {
          _id: { $eq: clientId },
          type: 'confidential',
          secretsVersion: revision.version === 0 ? { $exists: false } : { $eq: revision.version },
          secretHash:
            revision.newestHash === undefined ? { $exists: false } : { $eq: revision.newestHash },
        },
        { $set: { ...secretFields(secrets), secretsVersion: revision.version + 1 } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async updateKeys(
    clientId: string,
    keys: { jwks: ClientJwks } | { jwksUri: string },
    expectedRevision?: number,
  ): Promise<boolean> {
    const update =
      'jwks' in keys
        ? { $set: { jwks: keys.jwks }, $unset: { jwksUri: 1 }, $inc: { revision: 1 } }
        : { $set: { jwksUri: keys.jwksUri }, $unset: { jwks: 1 }, $inc: { revision: 1 } };
    const result = await this.model
      .updateOne(
        { _id: { $eq: clientId }, type: 'confidential', ...atRevision(expectedRevision) },
        update,
      )
      .exec();
    return result.matchedCount === 1;
  }

  async delete(clientId: string, expectedRevision?: number): Promise<boolean> {
    const deleted = await this.model
      .findOneAndDelete({ _id: { $eq: clientId }, ...atRevision(expectedRevision) })
      .select(ORIGIN_FIELDS)
      .lean<OriginFields>()
      .exec();
    if (!deleted) return false;
    await this.settleOrigins(originsOf(deleted));
    return true;
  }

  async deleteAll(clientIds: readonly string[]): Promise<number> {
    if (clientIds.length === 0) return 0;
    const ids = [...clientIds];
    const records = await this.model
      .find({ _id: { $in: ids } })
      .select(ORIGIN_FIELDS)
      .lean<OriginFields[]>()
      .exec();
    const result = await this.model.deleteMany({ _id: { $in: ids } }).exec();
    await this.settleOrigins([...new Set(records.flatMap(originsOf))]);
    return result.deletedCount;
  }

  async originExpiry(origin: string): Promise<Date | null> {
    const record = await this.origins
      .findById(origin)
      .select({ expiresAt: 1 })
      .lean<Pick<ClientOriginRecord, 'expiresAt'>>()
      .exec();
    return record?.expiresAt ?? null;
  }

  async firstPartyClients(): Promise<OAuthClient[]> {
    // Exactly the indexed field: the dev database uses an index only for such a query.
    const records = await this.model.find({ firstParty: true }).lean<ClientRecord[]>().exec();
    return records.map(toClient);
  }

  async configuredClientIds(): Promise<string[]> {
    // Exactly the indexed field, as above.
    const records = await this.model
      .find({ configured: true }, { _id: 1 })
      .lean<Pick<ClientRecord, '_id'>[]>()
      .exec();
    return records.map((record) => record._id);
  }

  async recordUse(client: OAuthClient, usedAt: Date, expiresAt: Date): Promise<void> {
    await this.raiseOrigins(webOriginsOf(client.redirectUris), expiresAt);
    await this.model
      .updateOne({ _id: client.clientId }, { $max: { lastUsedAt: usedAt, expiresAt } })
      .exec();
  }

  keepOrigins(origins: readonly string[], expiresAt: Date): Promise<void> {
    return this.raiseOrigins(origins, expiresAt, true);
  }

  /**
   * A client deleted here had expired, so its share of each of its origins' expiry (at most its
   * own) lies in the past too: its origins need no recomputing, and those of them no other client
   * keeps alive have expired and go in the same sweep.
   */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const expired = { expiresAt: { $lte: now } };
    const ids = await this.model.find(expired).select({ _id: 1 }).limit(limit).lean().exec();
    let deleted = 0;
    if (ids.length) {
      // The expiry again in the filter: one used meanwhile (a later expiry) stays.
      const filter = { _id: { $in: ids.map((record) => record._id) }, ...expired };
      deleted = (await this.model.deleteMany(filter).exec()).deletedCount;
    }
    const origins = await this.origins.find(expired).select({ _id: 1 }).limit(limit).lean().exec();
    if (origins.length) {
      await this.origins
        .deleteMany({ _id: { $in: origins.map((record) => record._id) }, ...expired })
        .exec();
    }
    return deleted;
  }

  countStored(): Promise<number> {
    return this.model.estimatedDocumentCount().exec();
  }

  /**
   * Writes a client with `write`, which answers the record it replaced or updated (null: none):
   * the client's `origins` are raised before it, and the ones only that record had settled after.
   * Whether there was a record.
   */
  private async storeOver(
    origins: readonly string[],
    expiresAt: Date | undefined,
    write: () => Query<
      unknown,
      unknown,
      object,
      ClientRecord,
      'findOneAndUpdate' | 'findOneAndReplace'
    >,
  ): Promise<boolean> {
    await this.raiseOrigins(origins, expiresAt);
    const before = await write().select(ORIGIN_FIELDS).lean<OriginFields>().exec();
    if (before) {
      const kept = new Set(origins);
      await this.settleOrigins(originsOf(before).filter((origin) => !kept.has(origin)));
    }
    return before !== null;
  }

  private async raiseOrigins(origins: readonly string[], expiresAt = NEVER_EXPIRES, kept = false) {
    if (origins.length === 0) return;
    await this.origins.bulkWrite(
      origins.map((origin) => raise(origin, expiresAt, kept)),
      { ordered: false },
    );
  }

  /**
   * Sets each origin's expiry to the latest of the clients that still have it, or removes it.
   * A client stored with one of them between the read and the write would be undone by the
   * write, so the read is made again after it and anything found raised once more (`$max`):
   * a client stored concurrently always keeps its origin, at worst an origin stays a little long.
   */
  private async settleOrigins(origins: readonly string[]): Promise<void> {
    if (origins.length === 0) return;
    const settled = await this.latestExpiries(origins);
    await this.origins.bulkWrite(
      origins.map((origin): AnyBulkWriteOperation<ClientOriginRecord> => {
        const expiresAt = settled.get(origin);
        return expiresAt
          ? {
              updateOne: { filter: { _id: origin }, update: { $set: { expiresAt } }, upsert: true },
            }
          : { deleteOne: { filter: { _id: origin } } };
      }),
      { ordered: false },
    );
    const again = await this.latestExpiries(origins);
    if (again.size) {
      await this.origins.bulkWrite(
        [...again].map(([origin, expiresAt]) => raise(origin, expiresAt)),
        { ordered: false },
      );
    }
  }

  /**
   * The latest expiry among the clients having each origin, the unstored ones' (`keptUntil`)
   * included (absent: none has it).
   */
  private async latestExpiries(origins: readonly string[]): Promise<Map<string, Date>> {
    const wanted = new Set(origins);
    const kept = await this.origins
      .find({ _id: { $in: [...wanted] } })
      .select({ keptUntil: 1 })
      .lean<Pick<ClientOriginRecord, '_id' | 'keptUntil'>[]>()
      .exec();
    const records = await this.model
      .find({ origins: { $in: [...wanted] } })
      .select({ origins: 1, expiresAt: 1 })
      .lean<Pick<ClientRecord, 'origins' | 'expiresAt'>[]>()
      .exec();
    const latest = new Map<string, Date>();
    for (const record of kept) if (record.keptUntil) latest.set(record._id, record.keptUntil);
    for (const record of records) {
      const expiresAt = record.expiresAt ?? NEVER_EXPIRES;
      for (const origin of record.origins ?? []) {
        const known = latest.get(origin);
        if (wanted.has(origin) && (!known || known < expiresAt)) latest.set(origin, expiresAt);
      }
    }
    return latest;
  }
}

/** What originsOf reads of a stored record: the fields a write or deletion asks back. */
const ORIGIN_FIELDS = { origins: 1, redirectUris: 1 } as const;
type OriginFields = Pick<ClientRecord, 'origins' | 'redirectUris'>;

/** The origins a stored record counts for (computed for one stored before the origin index). */
function originsOf(record: OriginFields): string[] {
  return record.origins ?? webOriginsOf(record.redirectUris);
}
