import { domainEvent } from '../events/domain-events';

/** A request refused with 429: `rule` names the limit (a route family), never the counted key. */
export class RateLimitRefused extends domainEvent('rate-limit.refused') {
  constructor(readonly rule: string) {
    super();
  }
}
