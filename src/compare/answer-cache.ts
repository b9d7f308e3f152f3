import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../platform/cache/expiring-cache';
import { Clock } from '../platform/clock/clock';

/**
 * How long a computed comparison answer (GET /challenge-models, /challenge-models/:id,
 * /challenge-models/series, the lab page's figures) is served again: the figures are correct to
 * within this age. Each answer costs a few milliseconds of CPU and a database read; anyone may
 * ask, so without it an anonymous caller could spend that as often as it likes.
 */
export const ANSWER_MAX_AGE_MS = 5_000;

/** Distinct answers kept: the overview, one per model, one per series length (1-180). */
const MAX_ANSWERS = 256;

/**
 * The comparison's computed answers, per instance, for ANSWER_MAX_AGE_MS (measured on the
 * `Clock`). Requests for an answer being computed share that computation; a failed one is not
 * kept.
 */
@Injectable()
export class AnswerCache {
  private readonly answers = new ExpiringCache<string, Promise<unknown>>(MAX_ANSWERS);

  constructor(private readonly clock: Clock) {}

  answer<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const cached = this.answers.get(key, now) as Promise<T> | undefined;
    if (cached) return cached;
    const computed = compute();
    this.answers.set(key, computed, now + ANSWER_MAX_AGE_MS);
    computed.catch(() => this.answers.delete(key));
    return computed;
  }
}
