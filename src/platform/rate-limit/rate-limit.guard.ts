import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { TemporarilyUnavailable, TooManyRequests } from '../errors/protocol-error';
import {
  RateLimitGroup,
  RateLimitPolicy,
  RateLimitRule,
  policyOf,
  rateLimitRules,
} from './rate-limit';
import { RateLimitStore, WindowCounter } from './rate-limit.store';

/** What a `closed` route's 503 tells the client to wait. */
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;
/**
 * After the store failed, `open` routes skip it for this long: each attempt would wait for server
 * selection (seconds) before serving a document that needs no database.
 */
const OPEN_SKIP_AFTER_FAILURE_MS = 5_000;
/**
 * Counter ids kept for reuse, at most (about 150 bytes each). Past it the cache starts again:
 * the ids of past windows are never asked for again, and a flood of distinct keys costs only HMACs.
 */
const MAX_CACHED_COUNTER_IDS = 10_000;

/**
 * Counts each limited request against its group's limits with one call to the store (one
 * database round trip), in fixed windows aligned on the window length. A refusal carries the
 * exact seconds until the window ends in `Retry-After`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly rules: Readonly<Record<RateLimitGroup, readonly RateLimitRule[]>>;
  /** Keys counter ids, so the store holds no IP address or client id, not even hashed alone. */
  private readonly idKey: Buffer;
  /** When the store last failed (ms since the epoch, real time); 0: not since start. */
  private lastStoreFailure = 0;
  /**
   * Counter ids by rule, key and window: the same client or address asks for the same counter
   * request after request, and its HMAC was a third of the limiter's CPU time per request.
   */
  private readonly counterIds = new Map<string, string>();

  constructor(
    config: AppConfig,
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
  ) {
    this.rules = rateLimitRules(config.rateLimits);
    this.idKey = createHmac('sha256', config.tokens.keyEncryptionSecret)
      .update('proofgate rate-limit counter ids')
      .digest();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = policyOf(context);
    if (!policy) return true;
    if (
      policy.whenStoreDown === 'open' &&
      Date.now() - this.lastStoreFailure < OPEN_SKIP_AFTER_FAILURE_MS
    ) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const now = this.clock.now().getTime();
    const counters = this.rules[policy.group].map((rule) => this.counter(rule, request, now));

    let allowed: boolean;
    try {
      allowed = await this.store.hit(counters);
    } catch (error) {
      return this.storeDown(policy, error);
    }
    if (allowed) return true;
    // Every counter of a refused request ends no later than the latest window end.
    const windowEnd = Math.max(...counters.map((counter) => counter.expiresAt.getTime()));
    throw new TooManyRequests('Too many requests; slow down', (windowEnd - now) / 1000);
  }

  private counter(rule: RateLimitRule, request: Request, now: number): WindowCounter {
    const windowStart = now - (now % rule.windowMs);
    const name = `${rule.name}\n${rule.keyOf(request)}\n${windowStart}`;
    let id = this.counterIds.get(name);
    if (id === undefined) {
      id = createHmac('sha256', this.idKey).update(name, 'utf8').digest('base64url');
      if (this.counterIds.size >= MAX_CACHED_COUNTER_IDS) this.counterIds.clear();
      this.counterIds.set(name, id);
    }
    return { id, limit: rule.limit, expiresAt: new Date(windowStart + rule.windowMs) };
  }

  private storeDown(policy: RateLimitPolicy, error: unknown): boolean {
    this.lastStoreFailure = Date.now();
    if (policy.whenStoreDown === 'closed') {
      // Logged by the error filter, as every 503 is.
      throw new TemporarilyUnavailable(
        'Rate limits cannot be checked; retry shortly',
        STORE_DOWN_RETRY_AFTER_SECONDS,
      );
    }
    // At most once per skip period: open routes do not ask the store again until it is over.
    const cause = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Rate-limit store unreachable; ${policy.group} requests unlimited: ${cause}`);
    return true;
  }
}
