/** One mail to send: to one recipient, a plain-text body and an HTML one beside it. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * What a mail is for (its row's `purpose`, a metric label): the outbox knows no protocol, the
 * feature that queues a mail names it.
 */
export type MailPurpose = 'email_code' | 'ciba_request';

export const MAIL_PURPOSES: readonly MailPurpose[] = ['email_code', 'ciba_request'];

/** One mail in the outbox, claimed for an attempt. */
export interface MailDelivery {
  /** Random: the row's key (no other meaning). */
  readonly deliveryId: string;
  readonly purpose: MailPurpose;
  /** The mail, sealed at rest (SecretBox): opened only to send it. */
  readonly sealed: string;
  readonly createdAt: Date;
  /** After this the mail is no use (its code expired): a failure is final, the mail dead. */
  readonly giveUpAt: Date;
  /** Attempts started so far (each claim counts one). */
  readonly attempts: number;
}

/**
 * How one attempt went: `sent` (the SMTP server accepted it), `retrying` (it failed, another is
 * due), `refused` (the SMTP server refused the recipient for good, a 5xx reply to RCPT TO: most
 * often a mistyped address, which the sender cannot fix), `dead` (it failed and the mail is no
 * use any more, or it cannot be sent at all: the server refused the mail or our login, the
 * network stayed down). Both of the last are the row's dead-letter state; `dead` is alerted.
 */
export type MailOutcome = 'sent' | 'retrying' | 'refused' | 'dead';
