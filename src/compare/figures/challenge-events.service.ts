import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { ChallengeModel, MetricsService } from '../../telemetry/metrics.service';
import { Clock } from '../../platform/clock/clock';
import { ChallengeKind, StoredChallenge } from '../../challenges/challenge';
import { ChallengeObserver } from '../../challenges/challenge-observer';
import {
  ChallengeCounterRecord,
  ChallengeLifecycleRecord,
  ChallengeRejectionRecord,
} from './challenge-events.schema';

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
};

/** Reason labels are a closed vocabulary (they become metric labels and JSON keys). */
const REASON = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Records what happens to challenges, in MongoDB (so the figures are right across instances
 * sharing one database) and in the Prometheus metrics of this instance.
 */
@Injectable()
export class ChallengeEvents extends ChallengeObserver implements OnModuleInit {
  constructor(
    @InjectModel(ChallengeCounterRecord.name)
    readonly counters: Model<ChallengeCounterRecord>,
    @InjectModel(ChallengeLifecycleRecord.name)
    readonly lifecycles: Model<ChallengeLifecycleRecord>,
    @InjectModel(ChallengeRejectionRecord.name)
    readonly rejections: Model<ChallengeRejectionRecord>,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.counters);
    await ensureIndexes(this.lifecycles);
    await ensureIndexes(this.rejections);
  }

  async issued(challenge: StoredChallenge): Promise<void> {
    const model = MODEL_OF_KIND[challenge.kind];
    this.metrics.challengesIssued.inc({ model });
    await this.lifecycles.create({
      _id: challenge.keyHash,
      model,
      issuedAt: challenge.createdAt,
      expiresAt: challenge.expiresAt,
    });
    await this.count(model, { issued: 1 });
  }

  async redeemed(challenge: StoredChallenge, at: Date): Promise<void> {
    const model = MODEL_OF_KIND[challenge.kind];
    const latencyMs = Math.max(0, at.getTime() - challenge.createdAt.getTime());
    this.metrics.challengesRedeemed.inc({ model });
    this.metrics.redemptionLatency.observe({ model }, latencyMs / 1000);
    await this.lifecycles
      .updateOne({ _id: challenge.keyHash }, { $set: { redeemedAt: at, latencyMs } })
      .exec();
    await this.count(model, { redeemed: 1 });
  }

  /** A challenge refused, or a request for one refused, for `reason` (snake_case, bounded). */
  async rejected(model: ChallengeModel, reason: string): Promise<void> {
    const label = REASON.test(reason) ? reason : 'other';
    this.metrics.challengesRejected.inc({ model, reason: label });
    await this.rejections.create({ model, reason: label, at: this.clock.now() });
    await this.count(model, { [`rejected.${label}`]: 1 });
  }

  private async count(model: ChallengeModel, inc: Record<string, number>): Promise<void> {
    await this.counters
      .updateOne(
        { _id: model },
        { $inc: inc, $setOnInsert: { since: this.clock.now() } },
        { upsert: true },
      )
      .exec();
  }
}
