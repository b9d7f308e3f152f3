import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { SINGLE_USE_READ, SINGLE_USE_WRITE } from '../../platform/database/single-use';
import { GroupCommit } from '../../platform/database/group-commit';
import { TurnBatcher } from '../../platform/database/turn-batcher';
import { idLookups } from '../../platform/database/id-lookups';
import type { CredentialClaims, CredentialIssuer, SignInMethod } from '../account';
import {
  AccountRepository,
  ClaimOutcome,
  type AccountProfileRecord,
  MAX_METHODS_PER_ACCOUNT,
  ReleaseOutcome,
  type MethodSignInState,
  type SignInState,
} from '../account.repository';
import { AccountMethodRecord } from './account-method.schema';
import { AccountRecord } from './account.schema';
import { isDuplicateKey } from '../../platform/database/duplicate-key';
import { atRevision } from '../../platform/database/revision';

/**
 * A sign-in check: of the subject `sub`, or of a sign-in by the method `key`, whose subject is
 * the account listing it, else `ownSubject`.
 */
type SignInCheck = { readonly sub: string } | { readonly key: string; readonly ownSubject: string };

function toMethod(record: AccountMethodRecord): SignInMethod {
  const { _id, type, sub, addedAt, lastUsedAt, passkey, upstream, credential, issuedBy } = record;
  return {
    key: _id,
    type,
    sub,
    ...(addedAt ? { addedAt } : {}),
    ...(lastUsedAt ? { lastUsedAt } : {}),
    ...(passkey ? { passkey } : {}),
    ...(upstream ? { upstream } : {}),
    ...(credential ? { credential } : {}),
    ...(issuedBy ? { issuedBy } : {}),
  };
}

/**
 * Accounts and the method index in MongoDB. No transaction (none on every deployment): the
 * writes are ordered so that a crash between two of them leaves the account list shorter than
 * the index, never longer, and a retried link repairs it.
 */
/**
 * How stale a credential method's `lastUsedAt` may be (the account page's and the admin CLI's
 * "last used"): a credential signing in again within it, with the same claims, writes nothing,
 * as a registered client's use is recorded once an interval (ClientRegistry.recordUse).
 */
const CREDENTIAL_USE_RECORDING_MS = 60_000;

/** Two flat records of claims (or of an issuer) hold the same fields with the same values. */
function sameFields<T extends object>(stored: T | undefined, given: T): boolean {
  if (stored === undefined) return false;
  const keys = Object.keys(given) as (keyof T)[];
  return (
    Object.keys(stored).length === keys.length && keys.every((key) => stored[key] === given[key])
  );
}

@Injectable()
export class MongoAccountRepository extends AccountRepository {
  /** The driver's collection: the method lookup is on the wallet login's hot path. */
  private readonly index: mongo.Collection<AccountMethodRecord>;
  private readonly records: mongo.Collection<AccountRecord>;
  /**
   * Method lookups asked for in the same turn of the event loop leave as one `find` by `_id`
   * (`$in`, the `_id` index either way): every sign-in of every wallet and passkey looks its
   * method up, most find none, and under load one command answers many of them. Each is still
   * a read of the primary made after its request arrived, so a method linked a moment ago on
   * any instance is seen, as with one `findOne` each. Nothing is cached.
   */
  private readonly lookups: TurnBatcher<string, AccountMethodRecord | null>;

  /**
   * Sign-in checks asked for in the same turn leave as one `find` on `accounts`, like the method
   * lookups: every sign-in checks its account (AccountService.assertMaySignIn), almost none is
   * disabled or lost its method. A check by subject reads by `_id`; one whose method decides its
   * subject (a wallet's token grant) also by listed method, so a turn with any of those reads by
   * `$or` of the two indexes (`_id`, `methods`). Primary reads made after their request arrived;
   * nothing is cached.
   */
  private readonly signInChecks = new TurnBatcher<SignInCheck, MethodSignInState>((checks) =>
    this.signInStatesOf(checks),
  );

  /**
   * A credential's sign-ins refresh its record (its claims, as this presentation disclosed them,
   * and when it was last used): writes asked for in the same turn leave in one bulkWrite.
   */
  private readonly credentialUses: GroupCommit<AccountMethodRecord>;

  constructor(
    @InjectModel(AccountRecord.name) private readonly accounts: Model<AccountRecord>,
    @InjectModel(AccountMethodRecord.name) private readonly methods: Model<AccountMethodRecord>,
  ) {
    super();
    this.index = methods.collection as unknown as mongo.Collection<AccountMethodRecord>;
    this.records = accounts.collection as unknown as mongo.Collection<AccountRecord>;
    this.credentialUses = new GroupCommit(this.index, SINGLE_USE_WRITE);
    // Primary reads: a method linked or removed a moment ago decides whom a login signs in.
    this.lookups = idLookups(this.index, SINGLE_USE_READ);
  }

  async findMethod(key: string): Promise<SignInMethod | null> {
    const record = await this.lookups.add(key);
    return record ? toMethod(record) : null;
  }

  async methodsOf(sub: string): Promise<SignInMethod[]> {
    const records = await this.methods
      .find({ sub: { $eq: sub } })
      .lean<AccountMethodRecord[]>()
      .exec();
    return records
      .map(toMethod)
      .sort((a, b) => (a.addedAt?.getTime() ?? 0) - (b.addedAt?.getTime() ?? 0));
  }

  async accountCreatedAt(sub: string): Promise<Date | null> {
    const record = await this.accounts
      .findOne({ _id: { $eq: sub } })
      .lean<AccountRecord>()
      .exec();
    return record?.createdAt ?? null;
  }

  async profileOf(sub: string): Promise<AccountProfileRecord | null> {
    const record = await this.records.findOne(
      { _id: sub },
      { projection: { methods: 1, createdAt: 1, updatedAt: 1, revision: 1 } },
    );
    if (record === null) return null;
    const { methods, createdAt, updatedAt, revision } = record;
    return {
      methods,
      createdAt,
      ...(updatedAt ? { updatedAt } : {}),
      ...(revision ? { revision } : {}),
    };
  }

  async claim(method: SignInMethod & { addedAt: Date }): Promise<ClaimOutcome> {
    let outcome: ClaimOutcome = 'claimed';
    const { passkey, upstream, credential, issuedBy } = method;
    const record: AccountMethodRecord = {
      _id: method.key,
      type: method.type,
      sub: method.sub,
      addedAt: method.addedAt,
      ...(passkey ? { passkey: { ...passkey, transports: [...passkey.transports] } } : {}),
      ...(upstream ? { upstream: { ...upstream } } : {}),
      ...(credential ? { credential: { ...credential } } : {}),
      ...(issuedBy ? { issuedBy: { ...issuedBy } } : {}),
    };
    // The driver's insert skips mongoose: the schema's rules (method types, a passkey's known
    // transports, at most MAX_TRANSPORTS) are checked here, so nothing malformed is stored.
    await this.methods.validate(record);
    try {
      await this.index.insertOne(record, SINGLE_USE_WRITE);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const holder = await this.findMethod(method.key);
      if (holder?.sub !== method.sub) return 'taken';
      outcome = 'already_yours';
    }
    if (await this.listOnAccount(method.sub, method.key, method.addedAt)) return outcome;
    if (outcome === 'claimed') await this.index.deleteOne({ _id: method.key, sub: method.sub });
    return 'full';
  }

  async release(
    sub: string,
    key: string,
    at: Date,
    expectedRevision?: number,
  ): Promise<ReleaseOutcome> {
    // The guard and the removal in one update: only while another method stays listed (and,
    // when the caller names one, while the account is at the revision it read).
    const pulled = await this.records.updateOne(
      { _id: sub, methods: key, 'methods.1': { $exists: true }, ...atRevision(expectedRevision) },
      { $pull: { methods: key }, $set: { updatedAt: at }, $inc: { revision: 1 } },
      SINGLE_USE_WRITE,
    );
    if (pulled.modifiedCount === 1) {
      await this.index.deleteOne({ _id: key, sub }, SINGLE_USE_WRITE);
      return 'released';
    }
    const account = await this.accounts
      .findOne({ _id: { $eq: sub } })
      .lean<AccountRecord>()
      .exec();
    if (expectedRevision !== undefined && (account?.revision ?? 0) !== expectedRevision) {
      return 'stale';
    }
    return account?.methods.includes(key) ? 'last_method' : 'not_linked';
  }

  async recordCredentialUse(
    key: string,
    claims: CredentialClaims,
    issuedBy: CredentialIssuer,
    at: Date,
  ): Promise<SignInMethod | null> {
    // The method's lookup of every sign-in (one find for the turn's), then its refresh with the
    // turn's others: a method unlinked in between is signed in to as it was found a moment ago,
    // as a wallet's (findMethod), and its refresh matches nothing.
    const record = await this.lookups.add(key);
    if (record === null || record.type !== 'credential') return null;
    // Its claims as they were, presented less than a minute ago (last used, or linked: it was
    // presented then too): nothing to write.
    const lastPresented = record.lastUsedAt ?? record.addedAt;
    const unchanged =
      sameFields(record.credential, claims) &&
      sameFields(record.issuedBy, issuedBy) &&
      lastPresented !== undefined &&
      at.getTime() - lastPresented.getTime() < CREDENTIAL_USE_RECORDING_MS;
    if (unchanged) return toMethod(record);
    await this.credentialUses.write({
      updateOne: {
        filter: { _id: key, type: 'credential' },
        update: { $set: { credential: { ...claims }, issuedBy: { ...issuedBy }, lastUsedAt: at } },
      },
    });
    return toMethod({
      ...record,
      credential: { ...claims },
      issuedBy: { ...issuedBy },
      lastUsedAt: at,
    });
  }

  async advancePasskeyCounter(key: string, counter: number, at: Date): Promise<boolean> {
    const result = await this.index.updateOne(
      { _id: key, 'passkey.counter': { $lt: counter } },
      { $set: { 'passkey.counter': counter, lastUsedAt: at } },
      SINGLE_USE_WRITE,
    );
    return result.matchedCount === 1;
  }

  async advancePasskeyCounterOf(
    key: string,
    publicKey: string,
    counter: number,
    at: Date,
  ): Promise<SignInMethod | null> {
    const record = await this.index.findOneAndUpdate(
      { _id: key, 'passkey.publicKey': publicKey, 'passkey.counter': { $lt: counter } },
      { $set: { 'passkey.counter': counter, lastUsedAt: at } },
      { ...SINGLE_USE_WRITE, returnDocument: 'after' },
    );
    return record ? toMethod(record) : null;
  }

  async disable(sub: string, at: Date): Promise<boolean> {
    // An upsert: an account with no record (one method) is locked as well. The insert of a
    // record that exists meanwhile fails on its `_id`; the retry then updates it.
    const lock = () =>
      this.records.updateOne(
        { _id: sub, disabledAt: { $exists: false } },
        {
          $set: { disabledAt: at },
          $setOnInsert: { createdAt: at, methods: [] },
          $inc: { revision: 1 },
        },
        { upsert: true, ...SINGLE_USE_WRITE },
      );
    try {
      const result = await lock();
      return result.modifiedCount + result.upsertedCount === 1;
    } catch (error) {
      // The duplicate `_id` of an account already disabled (it did not match the filter).
      if (!isDuplicateKey(error)) throw error;
      const again = await this.records.updateOne(
        { _id: sub, disabledAt: { $exists: false } },
        { $set: { disabledAt: at }, $inc: { revision: 1 } },
        SINGLE_USE_WRITE,
      );
      return again.modifiedCount === 1;
    }
  }

  async enable(sub: string): Promise<boolean> {
    const result = await this.records.updateOne(
      { _id: sub, disabledAt: { $exists: true } },
      { $unset: { disabledAt: 1 }, $inc: { revision: 1 } },
      SINGLE_USE_WRITE,
    );
    return result.modifiedCount === 1;
  }

  signInStateOf(sub: string): Promise<SignInState> {
    return this.signInChecks.add({ sub });
  }

  methodSignInStateOf(key: string, ownSubject: string): Promise<MethodSignInState> {
    return this.signInChecks.add({ key, ownSubject });
  }

  private async signInStatesOf(
    checks: readonly SignInCheck[],
  ): Promise<{ value: MethodSignInState }[]> {
    const subs = new Set<string>();
    const keys = new Set<string>();
    for (const check of checks) {
      if ('key' in check) {
        keys.add(check.key);
        subs.add(check.ownSubject);
      } else {
        subs.add(check.sub);
      }
    }
    const bySubject = { _id: { $in: [...subs] } };
    // Primary reads: a lock-down or a method's removal takes effect at once on every instance.
    const records = await this.records
      .find(keys.size === 0 ? bySubject : { $or: [bySubject, { methods: { $in: [...keys] } }] }, {
        projection: { disabledAt: 1, methods: 1 },
        ...SINGLE_USE_READ,
      })
      .toArray();
    const bySub = new Map(records.map((record) => [record._id, record]));
    // The account listing a key, if any, is one record: the list is never longer than the index,
    // whose `_id` is the key.
    const listedBy = new Map<string, string>();
    for (const record of records) {
      for (const key of record.methods) if (keys.has(key)) listedBy.set(key, record._id);
    }
    return checks.map((check) => {
      const sub = 'key' in check ? (listedBy.get(check.key) ?? check.ownSubject) : check.sub;
      const record = bySub.get(sub);
      return {
        value: { sub, disabledAt: record?.disabledAt ?? null, methods: record?.methods ?? [] },
      };
    });
  }

  async disabledAmong(subs: readonly string[]): Promise<Map<string, Date>> {
    const records = await this.records
      .find(
        { _id: { $in: [...new Set(subs)] }, disabledAt: { $exists: true } },
        { projection: { disabledAt: 1 } },
      )
      .toArray();
    return new Map(records.map((record) => [record._id, record.disabledAt!]));
  }

  /**
   * Adds the key to the account's record, creating the record with its first listing; false
   * when the record already lists MAX_METHODS_PER_ACCOUNT other keys. One conditional upsert: a
   * full record does not match, so the upsert's insert fails on its `_id`, as does the loser of
   * two first listings racing; a second try tells them apart.
   */
  private async listOnAccount(sub: string, key: string, at: Date): Promise<boolean> {
    const upsert = () =>
      this.records.updateOne(
        {
          _id: sub,
          $or: [
            { [`methods.${MAX_METHODS_PER_ACCOUNT - 1}`]: { $exists: false } },
            { methods: key },
          ],
        },
        {
          $setOnInsert: { createdAt: at },
          $set: { updatedAt: at },
          $addToSet: { methods: key },
          $inc: { revision: 1 },
        },
        { upsert: true, ...SINGLE_USE_WRITE },
      );
    for (let attempt = 1; ; attempt++) {
      try {
        await upsert();
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        if (attempt === 2) return false;
      }
    }
  }
}
