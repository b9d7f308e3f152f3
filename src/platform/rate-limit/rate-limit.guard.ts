import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { HttpRequest } from '../http/http-exchange';
import { RateLimitCharge, RateLimiter } from './rate-limiter';
import { policyOf } from './rate-limit';

/**
 * Counts a request against the limits its route declares with `@RateLimit`, before the handler:
 * keys of the caller's address and of what the request claims, never of an identity it has not
 * proven yet.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = policyOf(context);
    if (!policy) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const charges: RateLimitCharge[] = [];
    for (const { rule, keyOf } of policy.limits) {
      const key = keyOf(request);
      if (key !== null) charges.push({ rule, key });
    }
    await this.limiter.hit(charges, policy.whenStoreDown);
    return true;
  }
}
