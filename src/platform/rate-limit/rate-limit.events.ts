import type { DomainEvent } from '../events/domain-events';

/** A request refused with 429: `rule` names the limit (a route family), never the counted key. */
export class RateLimitRefused implements DomainEvent {
  static readonly type = 'rate-limit.refused';
  readonly type = RateLimitRefused.type;
  constructor(readonly rule: string) {}
}
