import type { MailDelivery, MailPurpose } from './mail';

/** A mail to record in the outbox. */
export interface NewMailDelivery {
  readonly purpose: MailPurpose;
  readonly sealed: string;
  readonly giveUpAt: Date;
}

/**
 * The mail outbox. Every instance polls it; a mail is claimed with one atomic conditional update
 * (a lease), so that each is attempted by at most one instance at a time and, since an unreleased
 * lease runs out, at least once overall even if an instance dies mid-attempt (an SMTP server may
 * then get a mail twice: the outbox is at least once). Nothing relies on transactions or on TTL
 * deletion: finished rows carry `expiresAt` for the TTL index to clean up, and every query
 * filters on status and times itself. A finished row keeps no body.
 */
export abstract class MailOutboxRepository {
  /** Records the mail, due at once (`now`); answers its id (`deliveryId`). */
  abstract enqueue(mail: NewMailDelivery, deliveryId: string, now: Date): Promise<void>;

  /**
   * Claims one pending mail that is due at `now` and not leased (or whose lease ran out), leasing
   * it to `owner` until `leaseUntil` and counting the attempt; null when none is due. The longest
   * due first.
   */
  abstract claimDue(owner: string, now: Date, leaseUntil: Date): Promise<MailDelivery | null>;

  /** Marks the mail sent and drops its body, if `owner` still holds its lease. */
  abstract markSent(deliveryId: string, owner: string, now: Date): Promise<boolean>;

  /** Releases `owner`'s lease and makes the mail due again at `retryAt`. */
  abstract scheduleRetry(
    deliveryId: string,
    owner: string,
    retryAt: Date,
    error: string,
  ): Promise<boolean>;

  /** Dead-letters the mail (given up, its body dropped), if `owner` holds its lease. */
  abstract markDead(deliveryId: string, owner: string, now: Date, error: string): Promise<boolean>;

  /**
   * Dead-letters the pending mail whose give-up time was before `before` and that nobody is
   * attempting (every instance stopped, or busy); answers how many, by purpose.
   */
  abstract giveUpOverdue(before: Date, now: Date): Promise<MailPurpose[]>;
}
