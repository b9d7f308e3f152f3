import { domainToASCII } from 'node:url';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { Clock } from '../platform/clock/clock';
import { onFirstUse } from '../platform/startup/on-first-use';

/** Loaded when the catcher first starts: a configuration with SMTP_URL never loads either. */
const smtpServer = onFirstUse(() => import('smtp-server'));
const mailParser = onFirstUse(() => import('mailparser'));

/** A mail the catcher received, as /dev/mailbox shows it. */
export interface CaughtMail {
  readonly receivedAt: Date;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** The catcher keeps this many mails, the newest: a development mailbox, not an archive. */
export const CAUGHT_MAILS_KEPT = 100;
/** The largest mail it takes (a sign-in code's is a few kilobytes). */
const MAX_MAIL_BYTES = 1024 * 1024;

/**
 * The mail server of development and tests when SMTP_URL is unset (never in production): a real
 * SMTP server (smtp-server) on a free port of the loopback address, started on first use, that
 * keeps what it receives in memory (the newest CAUGHT_MAILS_KEPT, parsed by mailparser) for
 * GET /dev/mailbox. The outbox sends to it over SMTP as it would to a provider, so what is tested
 * is what production does, the network aside. Each instance has its own: mail queued by one
 * instance and sent by another's poller is in the other's mailbox.
 */
@Injectable()
export class EmbeddedMailCatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedMailCatcher.name);
  private readonly caught: CaughtMail[] = [];
  private started?: Promise<{ server: SMTPServer; port: number }>;

  constructor(private readonly clock: Clock) {}

  /** The port it listens on, on 127.0.0.1; starts it first when it is not running. */
  async port(): Promise<number> {
    this.started ??= this.listen().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return (await this.started).port;
  }

  /** What it received, newest first. */
  mails(): readonly CaughtMail[] {
    return [...this.caught];
  }

  async onApplicationShutdown(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    if (!started) return;
    const { server } = await started;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<{ server: SMTPServer; port: number }> {
    const [{ SMTPServer }, { simpleParser }] = await Promise.all([smtpServer(), mailParser()]);
    const server = new SMTPServer({
      // Loopback only, no TLS and no password: what reaches it is this instance's own mail.
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: MAX_MAIL_BYTES,
      logger: false,
      banner: 'Proofgate development mail catcher',
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.keep({
              receivedAt: this.clock.now(),
              from: parsed.from?.text ?? '',
              // The envelope's recipients, their domains in the ASCII form the service sends to
              // (smtp-server and mailparser both show a punycode domain in Unicode).
              to: session.envelope.rcptTo.map(({ address }) => asciiDomain(address)).join(', '),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
            });
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    server.on('error', (error) => this.logger.warn(`Mail catcher: ${error.message}`));
    return new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.server.address() as AddressInfo;
        this.logger.log(`Mail catcher listening on 127.0.0.1:${port}; mail shows at /dev/mailbox`);
        resolve({ server, port });
      });
    });
  }

  private keep(mail: CaughtMail): void {
    this.caught.unshift(mail);
    if (this.caught.length > CAUGHT_MAILS_KEPT) this.caught.length = CAUGHT_MAILS_KEPT;
  }
}

/** `address` with its domain in ASCII (UTS #46) form. */
function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : `${address.slice(0, at)}@${domainToASCII(address.slice(at + 1))}`;
}
