import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { Clock } from '../platform/clock/clock';
import { kindOfModel } from '../proof-registry';
import type { ChallengeModel } from '../proofs/proof-vocabulary';
import type { ModelFiguresDto, WindowFiguresDto } from './challenge-models.dto';
import { ChallengeFiguresRecorder } from './figures/challenge-figures.recorder';
import {
  ChallengeMinuteRecord,
  LATENCY_BOUNDS_MS,
  minuteId,
  minuteOf,
} from './figures/figures.schema';

export const WINDOW_SECONDS = 300;

/**
 * Nearest-rank percentile over a latency histogram (bucket index -> count), reported as the
 * upper bound of the bucket it falls in (the open last bucket reports the last bound).
 */
export function histogramPercentile(histogram: Record<string, number>, p: number): number | null {
  const counts = LATENCY_BOUNDS_MS.map((_, i) => histogram[i] ?? 0);
  counts.push(histogram[LATENCY_BOUNDS_MS.length] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}

/**
 * The live figures, read from MongoDB so every instance sharing the database reports the same
 * numbers once each has flushed (this instance flushes before it reads). Each challenge ends one
 * way (redeemed, expired unredeemed, or still live), so expired-unredeemed since start is
 * issued - redeemed - live; one used up unredeemed (ChallengeStore.spend) counts in the window
 * from then too (ChallengeFiguresRecorder.spent). The 5-minute window is counted in whole minutes, except expiries,
 * which are exact to the second.
 */
@Injectable()
export class ChallengeFigures {
  constructor(
    private readonly recorder: ChallengeFiguresRecorder,
    private readonly store: ChallengeStore,
    private readonly clock: Clock,
  ) {}

  async of(model: ChallengeModel): Promise<ModelFiguresDto> {
    await this.recorder.flush();
    const now = this.clock.now();
    const [totals, live, minutes] = await Promise.all([
      this.recorder.totalsModel.findById(model).lean().exec(),
      this.store.countLive(kindOfModel(model)),
      this.minutesOfWindow(model, now),
    ]);
    const issued = totals?.issued ?? 0;
    const redeemed = totals?.redeemed ?? 0;
    const rejected = totals?.rejected ?? {};
    return {
      live,
      since: totals?.since.toISOString() ?? null,
      since_start: {
        issued,
        redeemed,
        expired_unredeemed: Math.max(0, issued - redeemed - live),
        rejected: { total: sum(rejected), by_reason: sorted(rejected) },
        redemption_latency_ms: latency(totals?.latency ?? {}),
      },
      last_5_minutes: window(minutes, now),
    };
  }

  private minutesOfWindow(model: ChallengeModel, now: Date): Promise<ChallengeMinuteRecord[]> {
    const first = minuteOf(new Date(now.getTime() - WINDOW_SECONDS * 1000)).getTime();
    const ids: string[] = [];
    for (let t = first; t <= now.getTime(); t += 60_000) ids.push(minuteId(model, new Date(t)));
    return this.recorder.minutesModel
      .find({ _id: { $in: ids } })
      .lean<ChallengeMinuteRecord[]>()
      .exec();
  }
}

function window(minutes: ChallengeMinuteRecord[], now: Date): WindowFiguresDto {
  const from = now.getTime() - WINDOW_SECONDS * 1000;
  const figures = { issued: 0, redeemed: 0, expired: 0 };
  const rejected: Record<string, number> = {};
  const histogram: Record<string, number> = {};
  for (const record of minutes) {
    const start = record.minute.getTime();
    for (const [second, n] of Object.entries(record.expiring ?? {})) {
      const at = start + Number(second) * 1000;
      if (at > from && at <= now.getTime()) figures.expired += n;
    }
    // Events are counted by the minute they happened in: a minute overlapping the window counts.
    if (start + 60_000 <= from || start > now.getTime()) continue;
    figures.issued += record.issued ?? 0;
    figures.redeemed += record.redeemed ?? 0;
    add(rejected, record.rejected ?? {});
    add(histogram, record.latency ?? {});
  }
  return {
    issued: figures.issued,
    redeemed: figures.redeemed,
    expired_unredeemed: Math.max(0, figures.expired),
    rejected: { total: sum(rejected), by_reason: sorted(rejected) },
    redemption_latency_ms: latency(histogram),
  };
}

function latency(histogram: Record<string, number>) {
  return { p50: histogramPercentile(histogram, 50), p95: histogramPercentile(histogram, 95) };
}

function add(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [key, n] of Object.entries(counts)) into[key] = (into[key] ?? 0) + n;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
