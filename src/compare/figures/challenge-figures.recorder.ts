import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { RepeatedWarning } from '../../platform/logging/repeated-warning';
import type { ChallengeModel } from '../../proofs/proof-vocabulary';
import {
  ChallengeMinuteRecord,
  ChallengeTotalsRecord,
  FIGURES_HISTORY_SECONDS,
  latencyBucket,
  minuteId,
  minuteStartMs,
} from './figures.schema';

/** Reason labels are a closed vocabulary (they become field names and metric labels). */
const REASON = /^[a-z][a-z0-9_]{0,39}$/;

interface PendingTotals {
  since: Date;
  inc: Map<string, number>;
}

interface PendingMinute {
  /** The minute's document id (`minuteId`), built once when the minute is first counted. */
  id: string;
  model: ChallengeModel;
  minute: Date;
  inc: Map<string, number>;
}

/**
 * Keeps the comparison figures off the request path: events are added up in memory and written
 * in bulk (`$inc`, one `bulkWrite` per collection) at most every FIGURES_FLUSH_MS and on
 * shutdown. Counts only ever add, so instances sharing a database agree exactly once each has
 * flushed. A failed write is merged back and retried at the next flush, so nothing is lost.
 */
@Injectable()
export class ChallengeFiguresRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChallengeFiguresRecorder.name);
  /** A flush fails each interval while the database is away: written once a while, counted. */
  private readonly unwritten = new RepeatedWarning(
    (message) => this.logger.warn(message),
    () => Date.now(),
  );
  private totals = new Map<ChallengeModel, PendingTotals>();
  /**
   * Pending minutes by model, then by the minute's start in ms: a request counts 3 to 5 fields,
   * nearly always in minutes already pending, so the lookup builds no Date and no id string.
   */
  private minutes = new Map<ChallengeModel, Map<number, PendingMinute>>();
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    @InjectModel(ChallengeTotalsRecord.name) readonly totalsModel: Model<ChallengeTotalsRecord>,
    @InjectModel(ChallengeMinuteRecord.name) readonly minutesModel: Model<ChallengeMinuteRecord>,
    private readonly challenges: ChallengeConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.totalsModel);
    await ensureIndexes(this.minutesModel);
    this.timer = setInterval(() => void this.flush(), this.challenges.figuresFlushMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the last counts are written, not lost. */
  onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    return this.flush();
  }

  issued(model: ChallengeModel, at: Date, expiresAt: Date): void {
    this.addTotal(model, at, 'issued', 1);
    this.addMinute(model, at, 'issued', 1);
    this.addMinute(model, expiresAt, `expiring.${secondOf(expiresAt)}`, 1);
  }

  redeemed(model: ChallengeModel, createdAt: Date, expiresAt: Date, at: Date): void {
    const bucket = `latency.${latencyBucket(at.getTime() - createdAt.getTime())}`;
    this.addTotal(model, at, 'redeemed', 1);
    this.addTotal(model, at, bucket, 1);
    this.addMinute(model, at, 'redeemed', 1);
    this.addMinute(model, at, bucket, 1);
    // Redeemed, so it will not expire unredeemed.
    this.addMinute(model, expiresAt, `expiring.${secondOf(expiresAt)}`, -1);
  }

  /**
   * Used up unredeemed before its expiry: it ends now, not at its expiry, as the since-start
   * figure (issued - redeemed - live) already counts it, so both say "expired unredeemed" of it
   * from the same moment.
   */
  spent(model: ChallengeModel, expiresAt: Date, at: Date): void {
    if (at >= expiresAt) return;
    this.addMinute(model, expiresAt, `expiring.${secondOf(expiresAt)}`, -1);
    this.addMinute(model, at, `expiring.${secondOf(at)}`, 1);
  }

  rejected(model: ChallengeModel, reason: string, at: Date): void {
    const field = `rejected.${REASON.test(reason) ? reason : 'other'}`;
    this.addTotal(model, at, field, 1);
    this.addMinute(model, at, field, 1);
  }

  /** Writes what has been added up so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    if (this.totals.size === 0 && this.minutes.size === 0) return;
    const totals = this.totals;
    const minutes = this.minutes;
    this.totals = new Map();
    this.minutes = new Map();
    try {
      await byId(this.totalsModel).bulkWrite(
        [...totals].map(([model, pending]) =>
          upsertInc(model, pending.inc, { since: pending.since }),
        ),
        { ordered: false },
      );
      await byId(this.minutesModel).bulkWrite(
        [...minutes.values()]
          .flatMap((byMinute) => [...byMinute.values()])
          .map((pending) =>
            upsertInc(pending.id, pending.inc, {
              model: pending.model,
              minute: pending.minute,
              expireAt: new Date(pending.minute.getTime() + FIGURES_HISTORY_SECONDS * 1000),
            }),
          ),
        { ordered: false },
      );
    } catch (error) {
      // Database away: keep the counts for the next flush rather than drop them.
      for (const [model, pending] of totals) {
        for (const [field, n] of pending.inc) this.addTotal(model, pending.since, field, n);
      }
      for (const byMinute of minutes.values()) {
        for (const pending of byMinute.values()) {
          for (const [field, n] of pending.inc)
            this.addMinuteAt(pending.model, pending.minute.getTime(), field, n);
        }
      }
      this.unwritten.warn(`Figures not written yet, will retry: ${(error as Error).message}`);
    }
  }

  private addTotal(model: ChallengeModel, at: Date, field: string, n: number): void {
    let pending = this.totals.get(model);
    if (!pending) this.totals.set(model, (pending = { since: at, inc: new Map() }));
    if (at < pending.since) pending.since = at;
    pending.inc.set(field, (pending.inc.get(field) ?? 0) + n);
  }

  private addMinute(model: ChallengeModel, at: Date, field: string, n: number): void {
    this.addMinuteAt(model, minuteStartMs(at), field, n);
  }

  private addMinuteAt(model: ChallengeModel, startMs: number, field: string, n: number): void {
    let byMinute = this.minutes.get(model);
    if (!byMinute) this.minutes.set(model, (byMinute = new Map<number, PendingMinute>()));
    let pending = byMinute.get(startMs);
    if (!pending) {
      const minute = new Date(startMs);
      pending = { id: minuteId(model, minute), model, minute, inc: new Map() };
      byMinute.set(startMs, pending);
    }
    pending.inc.set(field, (pending.inc.get(field) ?? 0) + n);
  }
}

/** The driver collection behind a model whose documents have string ids. */
function byId<T>(model: Model<T>): mongo.Collection<{ _id: string }> {
  return model.collection as unknown as mongo.Collection<{ _id: string }>;
}

function secondOf(at: Date): number {
  return Math.floor((at.getTime() % 60_000) / 1000);
}

function upsertInc(
  id: string,
  inc: Map<string, number>,
  onInsert: Record<string, unknown>,
): mongo.AnyBulkWriteOperation<{ _id: string }> {
  return {
    updateOne: {
      filter: { _id: id },
      update: { $inc: Object.fromEntries(inc), $setOnInsert: onInsert },
      upsert: true,
    },
  };
}
