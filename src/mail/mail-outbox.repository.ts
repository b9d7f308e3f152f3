import type { OutboxLeases } from '../platform/outbox/outbox-leases';
import type { MailDelivery, MailPurpose } from './mail';

/** A mail to record in the outbox. */
export interface NewMailDelivery {
  readonly purpose: MailPurpose;
  readonly sealed: string;
  readonly giveUpAt: Date;
}

/**
 * The mail outbox, a durable outbox (MongoOutbox: one lease per attempt, at least once, nothing
 * relying on transactions or TTL deletion): an SMTP server may get a mail twice. A finished row
 * (`sent`, or `dead`: its dead letter) keeps no body.
 */
export abstract class MailOutboxRepository {
  /** What the lease holder records after an attempt: sent, due again, or dead. */
  abstract readonly leases: OutboxLeases;

  /** Records the mail, due at once (`now`); answers its id (`deliveryId`). */
  abstract enqueue(mail: NewMailDelivery, deliveryId: string, now: Date): Promise<void>;

  /**
   * Claims one pending mail that is due at `now` and not leased (or whose lease ran out), leasing
   * it to `owner` until `leaseUntil` and counting the attempt; null when none is due. The longest
   * due first.
   */
  abstract claimDue(owner: string, now: Date, leaseUntil: Date): Promise<MailDelivery | null>;

  /**
   * Dead-letters the pending mail whose give-up time was before `before` and that nobody is
   * attempting (every instance stopped, or busy); answers how many, by purpose.
   */
  abstract giveUpOverdue(before: Date, now: Date): Promise<MailPurpose[]>;
}
