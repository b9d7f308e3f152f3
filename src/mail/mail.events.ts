import type { DomainEvent } from '../platform/events/domain-events';
import type { MailOutcome, MailPurpose } from './mail';

/** A mail was queued: the instance's poller may look now. */
export class MailQueued implements DomainEvent {
  static readonly type = 'mail.queued';
  readonly type = MailQueued.type;
  constructor(readonly purpose: MailPurpose) {}
}

/** One attempt to send a mail, and how it went (see MailOutcome). */
export class MailDeliveryAttempted implements DomainEvent {
  static readonly type = 'mail.delivery_attempted';
  readonly type = MailDeliveryAttempted.type;
  constructor(
    readonly purpose: MailPurpose,
    readonly outcome: MailOutcome,
  ) {}
}
