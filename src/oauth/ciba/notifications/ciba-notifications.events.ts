import { domainEvent } from '../../../platform/events/domain-events';
import type { CibaNotificationKind } from './ciba-notification';

/** A CIBA notification was queued: the instance's poller may look now. */
export class CibaNotificationsQueued extends domainEvent('ciba.notification_queued') {}

/** One attempt of a CIBA notification, and how it ended (or that it will be retried). */
export class CibaNotificationAttempted extends domainEvent('ciba.notification_attempted') {
  constructor(
    readonly kind: CibaNotificationKind,
    readonly outcome: 'delivered' | 'retrying' | 'dead',
  ) {
    super();
  }
}
