import type { OutboxLeases } from '../platform/outbox/outbox-leases';
import type { OutboxRows } from '../platform/outbox/outbox-rows';
import type { MailDelivery, MailPurpose } from './mail';

/** A mail to record in the outbox. */
export interface NewMailDelivery {
  readonly purpose: MailPurpose;
  readonly sealed: string;
  /** The recipient masked (maskedAddress), the one trace of it kept in clear. */
  readonly maskedTo: string;
  readonly giveUpAt: Date;
}

/**
 * Where a mail goes, as an operator may see it: what it is for and its recipient masked
 * (`a***@example.com`; null on rows queued before it was kept). Never the body nor the code.
 */
export interface MailTarget {
  readonly purpose: MailPurpose;
  readonly maskedTo: string | null;
}

/**
 * The mail outbox, a durable outbox (MongoOutbox: one lease per attempt, at least once, nothing
 * relying on transactions or TTL deletion): an SMTP server may get a mail twice. A sent row keeps
 * no body; a dead one (its dead letter) keeps its sealed body only until its give-up time (for an
 * operator's retry of a mail refused before it), then forgetSpent drops it.
 */
export abstract class MailOutboxRepository {
  /** What the lease holder records after an attempt: sent, due again, or dead. */
  abstract readonly leases: OutboxLeases;

  /** The rows for an operator: never a body, nor the recipient unmasked. */
  abstract readonly rows: OutboxRows<MailTarget>;

  /** Drops the sealed body of dead mail past its give-up time; how many. */
  abstract forgetSpent(now: Date): Promise<number>;

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
