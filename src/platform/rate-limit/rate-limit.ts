import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { HttpRequest as Request } from '../http/http-exchange';
import type { RateLimitConfig } from '../../config/sections/rate-limits.config';
import { clientAddress } from '../http/client-address';

/**
 * What a limited route does when the limiter's store cannot be reached. `closed`: refuse with
 * 503 temporarily_unavailable (routes an attacker would like unlimited: login, token, wallet).
 * `open`: serve without counting (read-only public documents such as metadata and JWKS).
 */
export type StoreDownPolicy = 'closed' | 'open';

/**
 * One limit: at most `limit` requests per fixed window of `windowMs` for each key. The name
 * names its counters: routes that use the same rule share its counts.
 */
export interface RateLimitRule {
  readonly name: string;
  readonly windowMs: number;
  readonly limit: (limits: RateLimitConfig) => number;
}

/**
 * A rule counted before the route's handler runs, so before anything is proven: its key can only
 * be the caller's address, or the address and what the request claims. `keyOf` answers null for
 * a request the rule does not count.
 */
export interface RequestLimit {
  readonly rule: RateLimitRule;
  readonly keyOf: (request: Request) => string | null;
}

export interface RateLimitPolicy {
  readonly limits: readonly RequestLimit[];
  readonly whenStoreDown: StoreDownPolicy;
}

/** Counts of one minute, aligned on the minute. */
export const MINUTE_MS = 60_000;

/** Counts of one hour, aligned on the hour. */
export const HOUR_MS = 3_600_000;

/** A rule counted per minute: `name` names its counters, `limit` reads its setting. */
export function perMinute(name: string, limit: RateLimitRule['limit']): RateLimitRule {
  return { name, windowMs: MINUTE_MS, limit };
}

/** A rule counted per hour, for what is rare and durable (an account created). */
export function perHour(name: string, limit: RateLimitRule['limit']): RateLimitRule {
  return { name, windowMs: HOUR_MS, limit };
}

/** Counts each caller's address (an IPv6 address by its /64). */
export function perIp(rule: RateLimitRule): RequestLimit {
  return { rule, keyOf: (request) => `ip:${clientAddress(request)}` };
}

/**
 * Counts each caller's address together with what the request claims (a client id, a wallet
 * address), as the feature that will prove it reads the claim. A request claiming nothing is
 * not counted by this rule (its per-IP rule still counts it). Unproven, the claim only splits
 * the caller's own counts: it never spends the budget of what it names.
 */
export function perIpAndClaim(
  rule: RateLimitRule,
  claimOf: (request: Request) => string | undefined,
): RequestLimit {
  return {
    rule,
    keyOf: (request) => {
      const claim = claimOf(request);
      return claim === undefined ? null : JSON.stringify([clientAddress(request), claim]);
    },
  };
}

const POLICY = 'proofgate:rate-limit-policy';

/**
 * Puts a route under the given limits, all counted in one store round trip before the handler
 * runs; routes without them are not limited. The policy for an unreachable store is stated at
 * every use, never defaulted. Limits on a proven identity are charged by the feature after its
 * proof, with `RateLimiter.charge`.
 */
export const RateLimit = (whenStoreDown: StoreDownPolicy, ...limits: RequestLimit[]) =>
  SetMetadata(POLICY, { limits, whenStoreDown } satisfies RateLimitPolicy);

export function policyOf(context: ExecutionContext): RateLimitPolicy | undefined {
  return (Reflect.getMetadata(POLICY, context.getHandler()) ??
    Reflect.getMetadata(POLICY, context.getClass())) as RateLimitPolicy | undefined;
}
