import { domainEvent } from '../../platform/events/domain-events';
import type { DeliveryLane, DeliveryOutcome } from './logout-delivery';

/** Logout tokens were queued (a login session ended): the instance's poller may look now. */
export class LogoutDeliveriesQueued extends domainEvent('logout.deliveries_queued') {
  constructor(readonly count: number) {
    super();
  }
}

/**
 * One attempt to POST a logout token: `delivered`; `retrying` (it failed, another attempt is
 * due); `failed` (it failed and the retry time is over: the client never heard of the logout;
 * also a delivery left unattempted past its retry time, its host in backoff), in the lane of its
 * client: the operator's clients, or self-registered ones.
 */
export class LogoutDeliveryAttempted extends domainEvent('logout.delivery_attempted') {
  constructor(
    readonly outcome: Exclude<DeliveryOutcome, 'dropped'>,
    readonly lane: DeliveryLane,
  ) {
    super();
  }
}

/**
 * Logout tokens dropped unattempted: a self-registered client had more than
 * BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING waiting, and its oldest went.
 */
export class LogoutDeliveriesDropped extends domainEvent('logout.deliveries_dropped') {
  constructor(readonly count: number) {
    super();
  }
}
