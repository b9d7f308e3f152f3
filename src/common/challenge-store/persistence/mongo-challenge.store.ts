import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../../database/ensure-indexes';
import { Clock } from '../../clock/clock';
import { sha256Base64Url } from '../../crypto/hashing';
import {
  ChallengeBinding,
  ChallengeKind,
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
  ): Promise<ConsumeResult<P>> {
    assertBindingFields(expectedBinding);
    const keyHash = sha256Base64Url(key);
    const now = this.clock.now();
    const bindingFilter = Object.fromEntries(
      Object.entries(expectedBinding).map(([field, value]) => [`binding.${field}`, value]),
    );

    const consumed = await this.model
      .findOneAndDelete({ _id: keyHash, kind, expiresAt: { $gt: now }, ...bindingFilter })
      .lean<ChallengeRecord>()
      .exec();
    if (consumed) {
      const challenge = toChallenge<P>(consumed);
      await this.observer.redeemed(challenge, now);
      return { ok: true, challenge };
    }

    // Not redeemed: read (never write) what is there, only to tell the caller why.
    const existing = await this.model
      .findOne({ _id: keyHash, kind })
      .lean<ChallengeRecord>()
      .exec();
    if (!existing) return { ok: false, reason: 'unknown' };
    if (existing.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    const mismatched = Object.keys(expectedBinding).filter(
      (field) => existing.binding[field] !== expectedBinding[field],
    );
    // A concurrent consumer may have redeemed it between the two reads.
    if (mismatched.length === 0) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: 'binding_mismatch', mismatched };
  }

  async listLive(kind?: ChallengeKind, limit = 100): Promise<StoredChallenge[]> {
    const filter = { expiresAt: { $gt: this.clock.now() }, ...(kind ? { kind } : {}) };
    const records = await this.model
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ChallengeRecord[]>()
      .exec();
    return records.map((record) => toChallenge(record));
  }
}
