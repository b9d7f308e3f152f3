import { Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { TokenConfig } from '../../config/sections/tokens.config';
import { RateLimitConfig } from '../../config/sections/rate-limits.config';
import { Clock } from '../clock/clock';
import { DomainEvents } from '../events/domain-events';
import { TemporarilyUnavailable, TooManyRequests } from '../errors/protocol-error';
import type { RateLimitRule, StoreDownPolicy } from './rate-limit';
import { RateLimitStore, WindowCounter } from './rate-limit.store';
import { RateLimitRefused } from './rate-limit.events';

/** What a `closed` route's 503 tells the client to wait. */
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;
/**
 * After the store failed, `open` routes skip it for this long: each attempt would wait for server
 * selection (seconds) before serving a document that needs no database.
 */
const OPEN_SKIP_AFTER_FAILURE_MS = 5_000;
/**
 * Counter ids kept for reuse, at most. Past it the cache starts again: the ids of past windows
 * are never asked for again, and a flood of distinct keys costs only HMACs.
 */
const MAX_CACHED_COUNTER_IDS = 10_000;
/** Longer counter names (a long claimed client id) are hashed each time rather than kept. */
const MAX_CACHED_NAME_LENGTH = 256;

/** One count: a rule and the key it is counted under (an address, a proven client id, ...). */
export interface RateLimitCharge {
  readonly rule: RateLimitRule;
  readonly key: string;
}

/** A counter id and the window it is for: the next window's id replaces it in place. */
interface CachedCounterId {
  windowStart: number;
  id: string;
}

/**
 * The one rate-limit mechanism: counts requests against rules and keys in fixed windows aligned
 * on the window length, with one call to the store (one database round trip, batched with the
 * other requests of the same turn). A refusal is `429 too_many_requests` carrying the exact
 * seconds until the window ends in `Retry-After`. The guard counts the limits a route declares
 * before its handler; features count an identity they proved (`charge`) after the proof.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimit');
  private readonly limits: RateLimitConfig;
  /** Keys counter ids, so the store holds no IP address or client id, not even hashed alone. */
  private readonly idKey: Buffer;
  /** When the store last failed (ms since the epoch, real time); 0: not since start. */
  private lastStoreFailure = 0;
  /**
   * Counter ids by rule, key and window: the same client or address asks for the same counter
   * request after request, and its HMAC was a third of the limiter's CPU time per request.
   */
  private readonly counterIds = new Map<string, Map<string, CachedCounterId>>();
  private cachedCounterIds = 0;

  constructor(
    tokens: TokenConfig,
    rateLimits: RateLimitConfig,
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {
    this.limits = rateLimits;
    this.idKey = createHmac('sha256', tokens.keyEncryptionSecret)
      .update('proofgate rate-limit counter ids')
      .digest();
  }

  /** Counts one request under `rule` for `key`, after the proof of what `key` names. */
  charge(rule: RateLimitRule, key: string, whenStoreDown: StoreDownPolicy): Promise<void> {
    return this.hit([{ rule, key }], whenStoreDown);
  }

  /**
   * Counts one request against every charge in one store call. Throws `TooManyRequests` when any
   * counter had reached its limit in this window (the request still counts against the others,
   * each being its own limit), and `TemporarilyUnavailable` when the store cannot be reached and
   * the policy is `closed`.
   */
  async hit(charges: readonly RateLimitCharge[], whenStoreDown: StoreDownPolicy): Promise<void> {
    if (charges.length === 0) return;
    if (
      whenStoreDown === 'open' &&
      Date.now() - this.lastStoreFailure < OPEN_SKIP_AFTER_FAILURE_MS
    ) {
      return;
    }
    const now = this.clock.now().getTime();
    const counters = charges.map((charge) => this.counter(charge, now));
    let allowed: boolean;
    try {
      allowed = await this.store.hit(counters);
    } catch (error) {
      return this.storeDown(whenStoreDown, charges, error);
    }
    if (allowed) return;
    // Which rule refused is not told by the store: every rule of the request is reported (a
    // route's rules are few, and saturation alerts read them per rule).
    for (const charge of charges) this.events.emit(new RateLimitRefused(charge.rule.name));
    // Every counter of a refused request ends no later than the latest window end.
    const windowEnd = Math.max(...counters.map((counter) => counter.expiresAt.getTime()));
    throw new TooManyRequests('Too many requests; slow down', (windowEnd - now) / 1000);
  }

  private counter({ rule, key }: RateLimitCharge, now: number): WindowCounter {
    const windowStart = now - (now % rule.windowMs);
    return {
      id: this.counterId(rule.name, key, windowStart),
      limit: rule.limit(this.limits),
      expiresAt: new Date(windowStart + rule.windowMs),
    };
  }

  /** The counter's id, cached by rule and key for the window (no name is built on a hit). */
  private counterId(ruleName: string, key: string, windowStart: number): string {
    let byKey = this.counterIds.get(ruleName);
    const cached = byKey?.get(key);
    if (cached?.windowStart === windowStart) return cached.id;
    // JSON: a key holding a separator cannot name another rule's or window's counter.
    const name = JSON.stringify([ruleName, key, windowStart]);
    const id = createHmac('sha256', this.idKey).update(name, 'utf8').digest('base64url');
    if (name.length > MAX_CACHED_NAME_LENGTH) return id;
    if (cached) {
      cached.windowStart = windowStart;
      cached.id = id;
      return id;
    }
    if (this.cachedCounterIds >= MAX_CACHED_COUNTER_IDS) {
      this.counterIds.clear();
      this.cachedCounterIds = 0;
      byKey = undefined;
    }
    if (!byKey) this.counterIds.set(ruleName, (byKey = new Map<string, CachedCounterId>()));
    byKey.set(key, { windowStart, id });
    this.cachedCounterIds += 1;
    return id;
  }

  private storeDown(
    whenStoreDown: StoreDownPolicy,
    charges: readonly RateLimitCharge[],
    error: unknown,
  ): void {
    this.lastStoreFailure = Date.now();
    if (whenStoreDown === 'closed') {
      // Logged by the error filter, as every 503 is.
      throw new TemporarilyUnavailable(
        'Rate limits cannot be checked; retry shortly',
        STORE_DOWN_RETRY_AFTER_SECONDS,
      );
    }
    // At most once per skip period: open routes do not ask the store again until it is over.
    const cause = error instanceof Error ? error.message : String(error);
    const rules = charges.map((charge) => charge.rule.name).join(', ');
    this.logger.warn(`Rate-limit store unreachable; ${rules} unlimited: ${cause}`);
  }
}
