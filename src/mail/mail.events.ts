import { domainEvent } from '../platform/events/domain-events';
import type { MailOutcome, MailPurpose } from './mail';

/** A mail was queued: the instance's poller may look now. */
export class MailQueued extends domainEvent('mail.queued') {
  constructor(readonly purpose: MailPurpose) {
    super();
  }
}

/** One attempt to send a mail, and how it went (see MailOutcome). */
export class MailDeliveryAttempted extends domainEvent('mail.delivery_attempted') {
  constructor(
    readonly purpose: MailPurpose,
    readonly outcome: MailOutcome,
  ) {
    super();
  }
}
