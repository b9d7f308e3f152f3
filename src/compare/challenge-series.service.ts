import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { AnswerCache } from './answer-cache';
import {
  ALL_MODEL_IDS,
  MODEL_IDS,
  POSSESSION_MODEL_IDS,
  type ChallengeModel,
} from '../proofs/proof-vocabulary';
import { histogramPercentile } from './challenge-figures.service';
import type { ChallengeMinutePointDto, ChallengeSeriesResponseDto } from './challenge-series.dto';
import { ChallengeFiguresRecorder } from './figures/challenge-figures.recorder';
import { ChallengeMinuteRecord, minuteId, minuteOf } from './figures/figures.schema';

/**
 * Per-minute figures of every model for the charts, the login models and the proofs of
 * possession: one read of the minute documents by `_id` (`<model>:<minute ISO>`, so the `$in` is
 * served by the `_id` index), minutes without a document reading as zero.
 */
@Injectable()
export class ChallengeSeries {
  constructor(
    private readonly recorder: ChallengeFiguresRecorder,
    private readonly clock: Clock,
    private readonly answers: AnswerCache,
  ) {}

  /** The last `minutes` minutes, as computed at most ANSWER_MAX_AGE_MS ago. */
  last(minutes: number): Promise<ChallengeSeriesResponseDto> {
    return this.answers.answer(`series:${minutes}`, () => this.compute(minutes));
  }

  private async compute(minutes: number): Promise<ChallengeSeriesResponseDto> {
    await this.recorder.flush();
    const now = this.clock.now();
    const starts = minuteStarts(now, minutes);
    const ids = ALL_MODEL_IDS.flatMap((model) => starts.map((start) => minuteId(model, start)));
    const records = await this.recorder.minutesModel
      .find({ _id: { $in: ids } })
      .lean<ChallengeMinuteRecord[]>()
      .exec();
    const byId = new Map(records.map((record) => [record._id, record]));
    const seriesOf = (id: ChallengeModel) => ({
      id,
      points: starts.map((start) => point(start, byId.get(minuteId(id, start)), now)),
    });
    return {
      generated_at: now.toISOString(),
      minutes,
      models: MODEL_IDS.map(seriesOf),
      proof_of_possession: POSSESSION_MODEL_IDS.map(seriesOf),
    };
  }
}

/** The starts of the last `count` minutes, oldest first, the current minute last. */
export function minuteStarts(now: Date, count: number): Date[] {
  const current = minuteOf(now).getTime();
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * 60_000));
}

export function point(
  start: Date,
  record: ChallengeMinuteRecord | undefined,
  now: Date,
): ChallengeMinutePointDto {
  // `expiring` is keyed by second of the minute; in the current minute only the past counts.
  let expired = 0;
  for (const [second, n] of Object.entries(record?.expiring ?? {})) {
    if (start.getTime() + Number(second) * 1000 <= now.getTime()) expired += n;
  }
  const latency = record?.latency ?? {};
  return {
    minute: start.toISOString(),
    issued: record?.issued ?? 0,
    redeemed: record?.redeemed ?? 0,
    expired: Math.max(0, expired),
    rejected: Object.values(record?.rejected ?? {}).reduce((a, b) => a + b, 0),
    redemption_latency_ms: {
      p50: histogramPercentile(latency, 50),
      p95: histogramPercentile(latency, 95),
    },
  };
}
