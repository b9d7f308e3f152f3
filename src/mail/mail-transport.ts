import { Injectable } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { MailConfig } from '../config/sections/mail.config';
import { onFirstUse } from '../platform/startup/on-first-use';
import type { OutgoingMail } from './mail';
import { EmbeddedMailCatcher } from './mail-catcher';

/** Loaded by the first mail sent: an instance that sends none never loads it. */
const nodemailer = onFirstUse(() => import('nodemailer'));

/**
 * How one attempt went. `permanent`: the SMTP server refused the mail for good (a 5xx reply,
 * RFC 5321 §4.2.1), and sending it again would be refused again; `recipient`: what it refused was
 * the recipient (its reply to RCPT TO), not the sender or the mail.
 */
export type SendResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: string;
      readonly permanent: boolean;
      readonly recipient: boolean;
    };

/** What sends a mail: the outbox's worker, never a request. */
export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<SendResult>;
}

/** What an attempt's failure says, for the outbox row and the log: codes only, never an address. */
function failureOf(error: unknown): { error: string; permanent: boolean; recipient: boolean } {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const name = typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? code : 'ERROR';
  const permanent = reply !== undefined && reply >= 500 && reply < 600;
  return {
    error: reply === undefined ? name : `${name} ${reply}`,
    permanent,
    // nodemailer's code for a refused envelope: every recipient was refused at RCPT TO.
    recipient: permanent && name === 'EENVELOPE',
  };
}

/**
 * nodemailer over SMTP: to SMTP_URL, or outside production (SMTP_URL unset) to the embedded
 * catcher on loopback. One connection per mail (the outbox sends a few at a time), each bounded by
 * MAIL_SEND_TIMEOUT_MS. nodemailer's own logging stays off: it would write the URL's credentials
 * and the recipients.
 */
@Injectable()
export class SmtpMailTransport extends MailTransport {
  private transporter?: Promise<Transporter>;

  constructor(
    private readonly config: MailConfig,
    private readonly catcher: EmbeddedMailCatcher,
  ) {
    super();
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    try {
      const transporter = await this.transport();
      await transporter.sendMail({
        from: this.config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, ...failureOf(error) };
    }
  }

  private transport(): Promise<Transporter> {
    this.transporter ??= this.create().catch((error: unknown) => {
      this.transporter = undefined;
      throw error;
    });
    return this.transporter;
  }

  private async create(): Promise<Transporter> {
    const { createTransport } = await nodemailer();
    const timeouts = {
      connectionTimeout: this.config.sendTimeoutMs,
      greetingTimeout: this.config.sendTimeoutMs,
      socketTimeout: this.config.sendTimeoutMs,
      logger: false,
      debug: false,
    };
    if (this.config.smtpUrl !== undefined) {
      return createTransport({ url: this.config.smtpUrl, ...timeouts });
    }
    if (this.config.transport !== 'embedded') {
      throw Object.assign(new Error('No mail transport'), { code: 'NO_TRANSPORT' });
    }
    return createTransport({
      host: '127.0.0.1',
      port: await this.catcher.port(),
      secure: false,
      ignoreTLS: true,
      ...timeouts,
    });
  }
}
