import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';

import { Clock } from '../../platform/clock/clock';
import { randomIdentifier, sha256Base64Url } from '../../platform/crypto/hashing';
import { GroupCommit } from '../../platform/database/group-commit';
import {
  type ItemOutcome,
  TurnBatcher,
  firstOfEachKey,
} from '../../platform/database/turn-batcher';
import { SINGLE_USE_READ, SINGLE_USE_WRITE } from '../../platform/database/single-use';
import { DomainEvents } from '../../platform/events/domain-events';
import {
  ChallengeBinding,
  ChallengeKind,
  ConsumeResult,
  IssueChallenge,
  LiveMatch,
  OptionalBinding,
  PayloadFields,
  RedeemResult,
  StoredChallenge,
} from '../challenge';
import { ChallengeIssued, ChallengeRedeemed, ChallengeSpent } from '../challenge.events';
import { ChallengeStore } from '../challenge-store';
import { ChallengeRecord } from './challenge.schema';
import { firstWriteWins } from '../../platform/database/duplicate-key';
import { isInterruptedWrite } from '../../platform/database/failover';

const BINDING_FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

function assertBindingFields(binding: ChallengeBinding | OptionalBinding | PayloadFields): void {
  for (const field of Object.keys(binding)) {
    // Field names become query paths (`binding.<field>`): never let them carry operators.
    if (!BINDING_FIELD.test(field)) throw new Error(`Invalid challenge binding field: ${field}`);
  }
}

/** `binding.<field>: value` for each field: the challenge must be bound exactly so. */
function bindingFilterOf(binding: ChallengeBinding): Record<string, string> {
  return Object.fromEntries(
    Object.entries(binding).map(([field, value]) => [`binding.${field}`, value]),
  );
}

/** When a record's challenge expires: a remembered one's lapse, any other's removal. */
function expiryOf(record: Pick<ChallengeRecord, 'expiresAt' | 'lapsesAt'>): Date {
  return record.lapsesAt ?? record.expiresAt;
}

/**
 * What a live challenge's record holds at `now`: unspent, unexpired, and not lapsed if it is
 * remembered (`$not $lte` takes a record without `lapsesAt` too).
 */
function liveAt(now: Date): mongo.Filter<ChallengeRecord> {
  return { spentAt: null, expiresAt: { $gt: now }, lapsesAt: { $not: { $lte: now } } };
}

/** A live challenge's conditional update: what it must still hold, and what it sets. */
interface CompareAndSet {
  readonly filter: Record<string, unknown>;
  readonly update: mongo.UpdateFilter<ChallengeRecord>;
}

function toChallenge<P>(record: ChallengeRecord): StoredChallenge<P> {
  return {
    kind: record.kind,
    keyHash: record._id,
    binding: record.binding,
    payload: record.payload as P,
    createdAt: record.createdAt,
    expiresAt: expiryOf(record),
  };
}

type Refusal = Exclude<ConsumeResult<never>, { ok: true }>;

/**
 * Why a record's challenge cannot be redeemed at `now` with these bindings (`consume`'s
 * refusals), or null when it is live and bound so.
 */
function refusalOf(
  record: ChallengeRecord | null,
  kind: ChallengeKind,
  now: Date,
  expectedBinding: ChallengeBinding,
  optionalBinding: OptionalBinding,
): Refusal | null {
  if (!record || record.kind !== kind) return { ok: false, reason: 'unknown' };
  const mismatched = [
    ...Object.keys(expectedBinding).filter(
      (field) => record.binding[field] !== expectedBinding[field],
    ),
    ...Object.keys(optionalBinding).filter(
      (field) =>
        record.binding[field] !== undefined && record.binding[field] !== optionalBinding[field],
    ),
  ];
  if (record.spentAt) {
    return {
      ok: false,
      reason: 'replayed',
      keyHash: record._id,
      binding: record.binding,
      sameBinding: mismatched.length === 0,
    };
  }
  if (expiryOf(record).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return mismatched.length > 0 ? { ok: false, reason: 'binding_mismatch', mismatched } : null;
}

/** A peek: the live challenge of `kind` whose key hashes to `keyHash`, as of `at`. */
interface Peek {
  readonly kind: ChallengeKind;
  readonly keyHash: string;
  readonly at: Date;
}

/** A consume: the challenge it redeems and how that must be bound. */
interface Consumption {
  readonly kind: ChallengeKind;
  readonly keyHash: string;
  readonly expectedBinding: ChallengeBinding;
  readonly optionalBinding: OptionalBinding;
}

/** What a consume's record must be at `now` to be redeemed: live, of its kind, bound as asked. */
function redemptionFilter(
  { kind, keyHash, expectedBinding, optionalBinding }: Consumption,
  now: Date,
): mongo.Filter<ChallengeRecord> {
  const filter: Record<string, unknown> = { _id: keyHash, kind, ...liveAt(now) };
  Object.assign(filter, bindingFilterOf(expectedBinding));
  // `null` matches a field the challenge lacks: absent, or equal to the value presented.
  for (const [field, value] of Object.entries(optionalBinding)) {
    filter[`binding.${field}`] = value === null ? null : { $in: [value, null] };
  }
  return filter;
}

/** Why a consume did not redeem, from what its key holds now. */
function consumeRefusal(
  record: ChallengeRecord | null,
  { kind, expectedBinding, optionalBinding }: Consumption,
  now: Date,
): Refusal {
  // Live and bound as expected, yet not matched: replaced in between (a `replaces` issue).
  return (
    refusalOf(record, kind, now, expectedBinding, optionalBinding) ?? {
      ok: false,
      reason: 'binding_mismatch',
      mismatched: [],
    }
  );
}

/**
 * Challenges in MongoDB, on the driver's collection directly: the hot path carries no mongoose
 * casting or hydration (the schema still defines the collection and its indexes). Every filter
 * of the single-use path starts with `_id` (a turn's batch with `_id: {$in}`), so each operation
 * touches only the documents it names, found by index, on any MongoDB.
 */
@Injectable()
export class MongoChallengeStore extends ChallengeStore {
  private readonly collection: mongo.Collection<ChallengeRecord>;
  private readonly issuing: GroupCommit<ChallengeRecord>;
  /** Compare-and-set updates whose callers need no answer (`advance`), in one bulkWrite a turn. */
  private readonly advancing: GroupCommit<ChallengeRecord>;
  /**
   * Peeks asked for in the same turn leave as one `find` by `_id` (`$in`): each is still a primary
   * read made after its request arrived, judged live or not by its own filter; nothing is cached.
   */
  private readonly peeks = new TurnBatcher<Peek, ChallengeRecord | null>((peeks) =>
    this.read(peeks),
  );
  /** Consumes and redemptions of peeked challenges asked for in the same turn. */
  private readonly consumptions = new TurnBatcher<Consumption, ConsumeResult<unknown>>(
    (consumptions) => this.consumeAll(consumptions),
  );

  constructor(
    @InjectModel(ChallengeRecord.name) private readonly model: Model<ChallengeRecord>,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {
    super();
    this.collection = model.collection as unknown as mongo.Collection<ChallengeRecord>;
    this.issuing = new GroupCommit(this.collection, SINGLE_USE_WRITE);
    this.advancing = new GroupCommit(this.collection, SINGLE_USE_WRITE);
  }

  issue<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>> {
    return tracedStep('challenge.issue', { [STEP_ATTRIBUTES.challengeKind]: input.kind }, () =>
      this.insert(input),
    );
  }

  private async insert<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>> {
    assertBindingFields(input.binding);
    const createdAt = input.issuedAt ?? this.clock.now();
    const expiry = new Date(createdAt.getTime() + input.ttlSeconds * 1000);
    const memory = input.rememberedFor ?? 0;
    const record: ChallengeRecord = {
      _id: sha256Base64Url(input.key),
      kind: input.kind,
      binding: { ...input.binding },
      payload: input.payload,
      createdAt,
      // A remembered challenge lapses at its expiry; the TTL index removes it a memory later.
      ...(memory > 0
        ? { lapsesAt: expiry, expiresAt: new Date(expiry.getTime() + memory * 1000) }
        : { expiresAt: expiry }),
      spentAt: null,
    };
    // Inserted in batches with the challenges issued meanwhile (one command per batch); one that
    // replaces its key's record does so whole (its attempts and spent marker gone), in the batch.
    await this.issuing.write(
      input.replaces
        ? { replaceOne: { filter: { _id: record._id }, replacement: record, upsert: true } }
        : { insertOne: { document: record } },
    );
    this.events.emit(new ChallengeIssued(record.kind, createdAt, expiry));
    return toChallenge<P>(record);
  }

  async recordOnce(kind: ChallengeKind, key: string, ttlSeconds: number): Promise<boolean> {
    const createdAt = this.clock.now();
    const record: ChallengeRecord = {
      _id: sha256Base64Url(key),
      kind,
      binding: {},
      createdAt,
      expiresAt: new Date(createdAt.getTime() + ttlSeconds * 1000),
      spentAt: createdAt,
    };
    // Atomic insert-if-absent: the unique `_id` decides, never a read before the write. Sent
    // with the other inserts of the same turn (group commit), each with its own outcome.
    const inserted = await firstWriteWins(() =>
      this.issuing.write({ insertOne: { document: record } }),
    );
    if (!inserted) return false;
    // Issued by the client and spent in the same moment: the figures count it as both.
    this.events.emit(new ChallengeIssued(kind, createdAt, record.expiresAt));
    this.events.emit(new ChallengeRedeemed(kind, createdAt, record.expiresAt, createdAt));
    return true;
  }

  consume<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
    optionalBinding: OptionalBinding = {},
  ): Promise<ConsumeResult<P>> {
    return tracedStep(
      'challenge.redeem',
      { [STEP_ATTRIBUTES.challengeKind]: kind },
      async (span) => {
        const result = await this.redeem<P>(kind, key, expectedBinding, optionalBinding);
        span.set(STEP_ATTRIBUTES.outcome, result.ok ? 'redeemed' : result.reason);
        return result;
      },
    );
  }

  private async redeem<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
    optionalBinding: OptionalBinding,
  ): Promise<ConsumeResult<P>> {
    assertBindingFields(expectedBinding);
    assertBindingFields(optionalBinding);
    const result = await this.consumptions.add({
      kind,
      keyHash: sha256Base64Url(key),
      expectedBinding,
      optionalBinding,
    });
    return result as ConsumeResult<P>;
  }

  /**
   * The turn's consumes. One alone, or a key asked for again in the same turn: one
   * findOneAndUpdate each, as always. Several keys: three commands for all of them, each document
   * still spent atomically and by one batch only:
   * - one updateMany spends every record that matches its own consume's filter (unspent,
   *   unexpired, bound as asked) and marks it with this batch's random id;
   * - one find reads them back: a record carrying the id was redeemed by its consume, payload and
   *   all; any other is refused as `redeemOne` refuses it;
   * - one updateMany drops the redeemed records' payloads, before any caller is answered.
   * A key asked for twice in the turn is redeemed in the batch for its first consume; the others
   * are tried alone after it, as though they came later.
   */
  private consumeAll(
    consumptions: readonly Consumption[],
  ): Promise<ItemOutcome<ConsumeResult<unknown>>[]> {
    const now = this.clock.now();
    return firstOfEachKey(consumptions, (consumption) => consumption.keyHash, {
      alone: (consumption) => this.redeemOne(consumption, this.clock.now()),
      batch: (firsts) => this.redeemBatch(firsts, now),
      // redeemBatch answers every key it is given.
      absent: { ok: false, reason: 'unknown' },
    });
  }

  /**
   * The one atomic redemption: unspent, unexpired and bound as asked, or nothing. With `batch`,
   * a record that batch marked as its own is taken too: the retry of an interrupted batch.
   */
  private async redeemOne(
    consumption: Consumption,
    now: Date,
    batch?: string,
  ): Promise<ConsumeResult<unknown>> {
    const filter = redemptionFilter(consumption, now);
    // It drops the payload and leaves the spent marker that tells a later replay what it is.
    const redeemed = await this.collection.findOneAndUpdate(
      batch === undefined
        ? filter
        : { _id: consumption.keyHash, $or: [filter, { redeemedBy: batch }] },
      {
        $set: { spentAt: now, ...(batch === undefined ? {} : { redeemedBy: batch }) },
        $unset: { payload: '' },
      },
      { returnDocument: 'before', ...SINGLE_USE_WRITE },
    );
    if (redeemed) return this.redeemed(redeemed, now);
    // Not redeemed: read what is there, only to tell the caller why.
    const existing = await this.collection.findOne({ _id: consumption.keyHash }, SINGLE_USE_READ);
    return consumeRefusal(existing, consumption, now);
  }

  /**
   * Several keys' redemptions in three commands (`consumeAll`), by key hash. A failover or a lost
   * connection under the first two (neither is retried by the driver as a findOneAndUpdate is)
   * leaves some, all or none of the records marked with the batch's id, their payloads still on
   * them: each consume is then redeemed alone, taking a record its batch marked as its own
   * (`redeemOne`). The marks decide, so no record is redeemed twice or lost to its rightful
   * consume, whether the interrupted write took effect or not.
   */
  private async redeemBatch(
    consumptions: readonly Consumption[],
    now: Date,
  ): Promise<Map<string, ConsumeResult<unknown>>> {
    const batch = randomIdentifier(16);
    const ids = consumptions.map((consumption) => consumption.keyHash);
    let records: ChallengeRecord[];
    try {
      // `_id: {$in}` at the top, so that any MongoDB finds the candidates by the `_id` index; each
      // `$or` branch names one `_id`, so a record carrying the batch's id matched its own consume.
      await this.collection.updateMany(
        { _id: { $in: ids }, $or: consumptions.map((c) => redemptionFilter(c, now)) },
        { $set: { spentAt: now, redeemedBy: batch } },
        SINGLE_USE_WRITE,
      );
      records = await this.collection.find({ _id: { $in: ids } }, SINGLE_USE_READ).toArray();
    } catch (error) {
      if (!isInterruptedWrite(error)) throw error;
      const each = await Promise.all(consumptions.map((c) => this.redeemOne(c, now, batch)));
      return new Map(consumptions.map((c, i) => [c.keyHash, each[i]]));
    }
    const byId = new Map(records.map((record) => [record._id, record]));
    const won = ids.filter((id) => byId.get(id)?.redeemedBy === batch);
    if (won.length > 0) {
      // Dropping payloads twice is harmless: once more after an interruption, then the error.
      const dropPayloads = () =>
        this.collection.updateMany(
          { _id: { $in: won }, redeemedBy: batch },
          { $unset: { payload: '' } },
          SINGLE_USE_WRITE,
        );
      await dropPayloads().catch((error: unknown) => {
        if (!isInterruptedWrite(error)) throw error;
        return dropPayloads();
      });
    }
    return new Map(
      consumptions.map((consumption) => {
        const record = byId.get(consumption.keyHash) ?? null;
        const result =
          record?.redeemedBy === batch
            ? this.redeemed(record, now)
            : consumeRefusal(record, consumption, now);
        return [consumption.keyHash, result];
      }),
    );
  }

  private redeemed(record: ChallengeRecord, now: Date): ConsumeResult<unknown> {
    this.events.emit(new ChallengeRedeemed(record.kind, record.createdAt, expiryOf(record), now));
    return { ok: true, challenge: toChallenge(record) };
  }

  async inspect<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
  ): Promise<ConsumeResult<P>> {
    const existing = await this.collection.findOne({ _id: sha256Base64Url(key) }, SINGLE_USE_READ);
    if (existing === null) return { ok: false, reason: 'unknown' };
    const refusal = refusalOf(existing, kind, this.clock.now(), expectedBinding, {});
    if (refusal !== null) return refusal;
    // Read while a concurrent consume rewrites it, a record may come without its payload
    // (mongo-java-server, see `peek`): that challenge is spent.
    if (existing.payload === undefined) {
      const { _id: keyHash, binding } = existing;
      return { ok: false, reason: 'replayed', keyHash, binding, sameBinding: true };
    }
    return { ok: true, challenge: toChallenge<P>(existing) };
  }

  async redeemPeeked(kind: ChallengeKind, key: string): Promise<RedeemResult> {
    // `consume`'s redemption with no binding to check (what was peeked is what is redeemed),
    // sent with the turn's consumes.
    const result = await this.consumptions.add({
      kind,
      keyHash: sha256Base64Url(key),
      expectedBinding: {},
      optionalBinding: {},
    });
    if (result.ok) return { ok: true };
    // Live and unspent, yet not matched: replaced in between (a `replaces` issue).
    return { ok: false, reason: result.reason === 'binding_mismatch' ? 'unknown' : result.reason };
  }

  async countAttempt(
    kind: ChallengeKind,
    key: string,
    maxAttempts: number,
    binding: ChallengeBinding = {},
  ): Promise<number | null> {
    assertBindingFields(binding);
    // One conditional $inc: the filter admits the attempt only below the maximum (a challenge
    // never attempted has no counter yet), so racing attempts cannot pass it together.
    const counted = await this.collection.findOneAndUpdate(
      {
        _id: sha256Base64Url(key),
        kind,
        ...liveAt(this.clock.now()),
        attempts: { $not: { $gte: maxAttempts } },
        ...bindingFilterOf(binding),
      },
      { $inc: { attempts: 1 } },
      { returnDocument: 'after', projection: { attempts: 1 }, ...SINGLE_USE_WRITE },
    );
    return counted?.attempts ?? null;
  }

  async spend(kind: ChallengeKind, key: string, binding: ChallengeBinding = {}): Promise<void> {
    assertBindingFields(binding);
    const now = this.clock.now();
    // One command, as updateOne was: the expiry it returns moves the challenge's end in the
    // figures from its expiry to now.
    const spent = await this.collection.findOneAndUpdate(
      { _id: sha256Base64Url(key), kind, spentAt: null, ...bindingFilterOf(binding) },
      { $set: { spentAt: now }, $unset: { payload: '' } },
      { returnDocument: 'before', projection: { expiresAt: 1, lapsesAt: 1 }, ...SINGLE_USE_WRITE },
    );
    if (spent) this.events.emit(new ChallengeSpent(kind, expiryOf(spent), now));
  }

  async update<P>(
    kind: ChallengeKind,
    keyHash: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    changes: PayloadFields,
  ): Promise<StoredChallenge<P> | null> {
    return this.updated<P>(this.compareAndSet(kind, keyHash, binding, expected, changes));
  }

  async updateIfDue<P>(
    kind: ChallengeKind,
    key: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    due: { field: string; at: Date },
    changes: PayloadFields,
  ): Promise<StoredChallenge<P> | null> {
    assertBindingFields({ [due.field]: due.at });
    const keyHash = sha256Base64Url(key);
    const { filter, update } = this.compareAndSet(kind, keyHash, binding, expected, changes);
    filter[`payload.${due.field}`] = { $lte: due.at };
    return this.updated<P>({ filter, update });
  }

  advance(
    kind: ChallengeKind,
    keyHash: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    changes: PayloadFields,
  ): Promise<void> {
    // The same conditional update, sent with the turn's others: each still matches or not alone.
    return this.advancing.write({
      updateOne: this.compareAndSet(kind, keyHash, binding, expected, changes),
    });
  }

  /**
   * A compare-and-set as one conditional update: of concurrent updates from the same state,
   * exactly one matches. The challenge as it is afterwards, or null when nothing matched.
   */
  private async updated<P>({ filter, update }: CompareAndSet): Promise<StoredChallenge<P> | null> {
    const updated = await this.collection.findOneAndUpdate(filter, update, {
      returnDocument: 'after',
      ...SINGLE_USE_WRITE,
    });
    return updated ? toChallenge<P>(updated) : null;
  }

  private compareAndSet(
    kind: ChallengeKind,
    keyHash: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    changes: PayloadFields,
  ): CompareAndSet {
    assertBindingFields(binding);
    assertBindingFields(changes);
    const filter: Record<string, unknown> = { _id: keyHash, kind, ...liveAt(this.clock.now()) };
    Object.assign(filter, bindingFilterOf(binding));
    Object.assign(filter, payloadFilterOf(expected));
    const set: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(changes)) set[`payload.${field}`] = value;
    return { filter, update: { $set: set } };
  }

  async peek<P>(kind: ChallengeKind, key: string): Promise<StoredChallenge<P> | null> {
    const record = await this.peeks.add({
      kind,
      keyHash: sha256Base64Url(key),
      at: this.clock.now(),
    });
    // A consume marks a challenge spent and removes its payload in one update. MongoDB returns a
    // document as one version of it; mongo-java-server (tests, `npm start`) can return one that a
    // concurrent consume is rewriting: matched as live, read without its payload (seen in the
    // soak, two instances polling one device code). That is a spent challenge.
    if (!record || record.spentAt != null || record.payload === undefined) return null;
    return toChallenge<P>(record);
  }

  /** The turn's peeks: one findOne alone, else one find; each record judged by its own peek. */
  private async read(peeks: readonly Peek[]): Promise<{ value: ChallengeRecord | null }[]> {
    if (peeks.length === 1) {
      const [{ kind, keyHash, at }] = peeks;
      const filter = { _id: keyHash, kind, ...liveAt(at) };
      return [{ value: await this.collection.findOne(filter, SINGLE_USE_READ) }];
    }
    const ids = [...new Set(peeks.map((peek) => peek.keyHash))];
    const records = await this.collection
      .find({ _id: { $in: ids }, spentAt: null }, SINGLE_USE_READ)
      .toArray();
    const byId = new Map(records.map((record) => [record._id, record]));
    return peeks.map(({ kind, keyHash, at }) => {
      const record = byId.get(keyHash);
      const live = record !== undefined && record.kind === kind && expiryOf(record) > at;
      return { value: live ? record : null };
    });
  }

  async listLiveOfAccount<P>(
    kind: ChallengeKind,
    account: string,
    limit: number,
    payload: PayloadFields = {},
  ): Promise<StoredChallenge<P>[]> {
    const filter = {
      'binding.account': account,
      ...this.liveFilter(kind),
      ...payloadFilterOf(payload),
    };
    const records = await this.collection
      .find(filter, SINGLE_USE_READ)
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
    return records
      .filter((record) => record.payload !== undefined)
      .map((record) => toChallenge<P>(record));
  }

  async findLiveOfAccount<P>(
    kind: ChallengeKind,
    keyHash: string,
    account: string,
    payload: PayloadFields,
  ): Promise<StoredChallenge<P> | null> {
    const filter = {
      _id: keyHash,
      'binding.account': account,
      ...this.liveFilter(kind),
      ...payloadFilterOf(payload),
    };
    const record = await this.collection.findOne(filter, SINGLE_USE_READ);
    return record && record.payload !== undefined ? toChallenge<P>(record) : null;
  }

  async listLive<P = unknown>(
    kind?: ChallengeKind,
    limit = 100,
    match: LiveMatch = {},
  ): Promise<StoredChallenge<P>[]> {
    const records = await this.collection
      .find(this.liveFilter(kind, match), SINGLE_USE_READ)
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
    return records.map((record) => toChallenge<P>(record));
  }

  async countLive(kind: ChallengeKind, match: LiveMatch = {}): Promise<number> {
    return await this.collection.countDocuments(this.liveFilter(kind, match), SINGLE_USE_READ);
  }

  private liveFilter(
    kind?: ChallengeKind,
    { binding = {}, payload = {} }: LiveMatch = {},
  ): mongo.Filter<ChallengeRecord> {
    assertBindingFields(binding);
    return {
      ...liveAt(this.clock.now()),
      ...(kind ? { kind } : {}),
      ...bindingFilterOf(binding),
      ...payloadFilterOf(payload),
    };
  }
}

/** `{ "payload.<field>": value }` for each field: a match on a challenge's payload. */
function payloadFilterOf(fields: PayloadFields): Record<string, unknown> {
  assertBindingFields(fields);
  return Object.fromEntries(
    Object.entries(fields).map(([field, value]) => [`payload.${field}`, value]),
  );
}
