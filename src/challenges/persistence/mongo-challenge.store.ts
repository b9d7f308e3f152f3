import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { Clock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import {
  ChallengeBinding,
  ChallengeKind,
  ConsumeHooks,
  ConsumeResult,
  IssueChallenge,
  StoredChallenge,
} from '../challenge';
import { ChallengeObserver } from '../challenge-observer';
import { ChallengeStore } from '../challenge-store';
import { ChallengeRecord } from './challenge.schema';

const BINDING_FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

function assertBindingFields(binding: ChallengeBinding): void {
  for (const field of Object.keys(binding)) {
    // Field names become query paths (`binding.<field>`): never let them carry operators.
    if (!BINDING_FIELD.test(field)) throw new Error(`Invalid challenge binding field: ${field}`);
  }
}

function toChallenge<P>(record: ChallengeRecord): StoredChallenge<P> {
  return {
    kind: record.kind,
    keyHash: record._id,
    binding: record.binding,
    payload: record.payload as P,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
}

@Injectable()
export class MongoChallengeStore extends ChallengeStore implements OnModuleInit {
  constructor(
    @InjectModel(ChallengeRecord.name) private readonly model: Model<ChallengeRecord>,
    private readonly clock: Clock,
    private readonly observer: ChallengeObserver,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async issue<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>> {
    assertBindingFields(input.binding);
    const createdAt = this.clock.now();
    const record: ChallengeRecord = {
      _id: sha256Base64Url(input.key),
      kind: input.kind,
      binding: { ...input.binding },
      payload: input.payload,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + input.ttlSeconds * 1000),
    };
    await this.model.create(record);
    const challenge = toChallenge<P>(record);
    await this.observer.issued(challenge);
    return challenge;
  }

  async consume<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
    hooks: ConsumeHooks<P> = {},
  ): Promise<ConsumeResult<P>> {
    assertBindingFields(expectedBinding);
    const keyHash = sha256Base64Url(key);
    const now = this.clock.now();
    const bindingFilter = Object.fromEntries(
      Object.entries(expectedBinding).map(([field, value]) => [`binding.${field}`, value]),
    );

    // The one atomic redemption: unclaimed, unexpired and bound as expected, or nothing.
    const claimed = await this.model
      .findOneAndUpdate(
        { _id: keyHash, kind, consumedAt: null, expiresAt: { $gt: now }, ...bindingFilter },
        { $set: { consumedAt: now } },
        { returnDocument: 'before' },
      )
      .lean<ChallengeRecord>()
      .exec();
    if (claimed) {
      const challenge = toChallenge<P>(claimed);
      await this.observer.redeemed(challenge, now);
      let released: ChallengeRecord | null;
      try {
        await hooks.beforeRelease?.(challenge);
      } finally {
        // Delete-on-use; the deleted document says whether a replay arrived meanwhile.
        released = await this.model
          .findOneAndDelete({ _id: keyHash })
          .lean<ChallengeRecord>()
          .exec();
      }
      return { ok: true, challenge, replayed: Boolean(released?.replayedAt) };
    }

    // Presented while its redemption is being completed: flag it for the redeemer.
    const inFlight = await this.model
      .findOneAndUpdate(
        { _id: keyHash, kind, consumedAt: { $ne: null } },
        { $set: { replayedAt: now } },
      )
      .lean<ChallengeRecord>()
      .exec();
    if (inFlight) return { ok: false, reason: 'unknown', redeemed: true };

    // Not redeemed: read what is there, only to tell the caller why.
    const existing = await this.model
      .findOne({ _id: keyHash, kind })
      .lean<ChallengeRecord>()
      .exec();
    if (!existing) return { ok: false, reason: 'unknown' };
    if (existing.consumedAt) return { ok: false, reason: 'unknown', redeemed: true };
    if (existing.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    const mismatched = Object.keys(expectedBinding).filter(
      (field) => existing.binding[field] !== expectedBinding[field],
    );
    // Claimed and released between our two reads.
    if (mismatched.length === 0) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: 'binding_mismatch', mismatched };
  }

  async listLive(kind?: ChallengeKind, limit = 100): Promise<StoredChallenge[]> {
    const filter = {
      expiresAt: { $gt: this.clock.now() },
      consumedAt: null,
      ...(kind ? { kind } : {}),
    };
    const records = await this.model
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ChallengeRecord[]>()
      .exec();
    return records.map((record) => toChallenge(record));
  }
}
