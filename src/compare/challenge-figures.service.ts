import { Injectable } from '@nestjs/common';
import { ChallengeEvents } from './figures/challenge-events.service';
import { Clock } from '../platform/clock/clock';
import type { ChallengeModel } from '../telemetry/metrics.service';

export const WINDOW_SECONDS = 300;
/** Percentiles are taken over at most this many most recent redemptions. */
const LATENCY_SAMPLE = 10_000;

export interface WindowFigures {
  issued: number;
  redeemed: number;
  expired_unredeemed: number;
  rejected: { total: number; by_reason: Record<string, number> };
  redemption_latency_ms: { p50: number | null; p95: number | null };
}

export interface ModelFigures {
  /** Issued, unexpired and unredeemed right now. */
  live: number;
  /** When this deployment (the database) saw its first challenge of this model. */
  since: string | null;
  since_start: WindowFigures;
  last_5_minutes: WindowFigures;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The live figures, computed from MongoDB so that every instance sharing the database reports
 * the same numbers. Each challenge ends exactly one way (redeemed, expired unredeemed, or still
 * live), so expired-unredeemed since start is issued - redeemed - live.
 */
@Injectable()
export class ChallengeFigures {
  constructor(
    private readonly events: ChallengeEvents,
    private readonly clock: Clock,
  ) {}

  async of(model: ChallengeModel): Promise<ModelFigures> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - WINDOW_SECONDS * 1000);
    const [counters, live, recent] = await Promise.all([
      this.events.counters.findById(model).lean().exec(),
      this.events.lifecycles
        .countDocuments({ model, expiresAt: { $gt: now }, redeemedAt: { $exists: false } })
        .exec(),
      this.window(model, windowStart, now),
    ]);
    const rejected = counters?.rejected ?? {};
    const issued = counters?.issued ?? 0;
    const redeemed = counters?.redeemed ?? 0;
    return {
      live,
      since: counters?.since.toISOString() ?? null,
      since_start: {
        issued,
        redeemed,
        expired_unredeemed: Math.max(0, issued - redeemed - live),
        rejected: { total: sum(rejected), by_reason: sorted(rejected) },
        redemption_latency_ms: await this.latency(model),
      },
      last_5_minutes: recent,
    };
  }

  private async window(model: ChallengeModel, from: Date, now: Date): Promise<WindowFigures> {
    const lifecycles = this.events.lifecycles;
    const [issued, redeemed, expired, rejections] = await Promise.all([
      lifecycles.countDocuments({ model, issuedAt: { $gte: from } }).exec(),
      lifecycles.countDocuments({ model, redeemedAt: { $gte: from } }).exec(),
      lifecycles
        .countDocuments({
          model,
          expiresAt: { $gt: from, $lte: now },
          redeemedAt: { $exists: false },
        })
        .exec(),
      this.events.rejections
        .aggregate<{ _id: string; n: number }>([
          { $match: { model, at: { $gte: from } } },
          { $group: { _id: '$reason', n: { $sum: 1 } } },
        ])
        .exec(),
    ]);
    const byReason = Object.fromEntries(rejections.map((r) => [r._id, r.n]));
    return {
      issued,
      redeemed,
      expired_unredeemed: expired,
      rejected: { total: sum(byReason), by_reason: sorted(byReason) },
      redemption_latency_ms: await this.latency(model, from),
    };
  }

  private async latency(model: ChallengeModel, from?: Date) {
    const records = await this.events.lifecycles
      .find(
        { model, redeemedAt: from ? { $gte: from } : { $exists: true } },
        { latencyMs: 1, _id: 0 },
      )
      .sort({ redeemedAt: -1 })
      .limit(LATENCY_SAMPLE)
      .lean<{ latencyMs?: number }[]>()
      .exec();
    const values = records
      .map((r) => r.latencyMs)
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    return { p50: percentile(values, 50), p95: percentile(values, 95) };
  }
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
