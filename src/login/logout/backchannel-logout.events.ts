import type { DomainEvent } from '../../platform/events/domain-events';
import type { DeliveryOutcome } from './logout-delivery';

/** Logout tokens were queued (a login session ended): the instance's poller may look now. */
export class LogoutDeliveriesQueued implements DomainEvent {
  static readonly type = 'logout.deliveries_queued';
  readonly type = LogoutDeliveriesQueued.type;
  constructor(readonly count: number) {}
}

/**
 * One attempt to POST a logout token: `delivered`; `retrying` (it failed, another attempt is
 * due); `failed` (it failed and the retry time is over: the client never heard of the logout).
 */
export class LogoutDeliveryAttempted implements DomainEvent {
  static readonly type = 'logout.delivery_attempted';
  readonly type = LogoutDeliveryAttempted.type;
  constructor(readonly outcome: DeliveryOutcome) {}
}
