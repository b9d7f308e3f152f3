/**
 * An SMTP server on loopback for the mail specs, standing in for a provider: it keeps what it
 * accepts (parsed by mailparser), and can answer a refusal instead, per attempt, at RCPT TO or
 * after DATA, as a real server would (`451` try again later, `550` no such mailbox, ...).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** A refusal: the reply code and text the server answers. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Attempts that reached DATA or RCPT TO, accepted or not. */
  readonly attempts: () => number;
  /** Resolves once `count` mails were accepted (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtpServer({
  refuseRecipient,
  refuseData,
}: {
  /** Asked at each RCPT TO, with the attempt's number (1, 2, ...): a refusal, or undefined. */
  refuseRecipient?: (attempt: number) => Refusal | undefined;
  /** Asked after each DATA, with the attempt's number: a refusal, or undefined. */
  refuseData?: (attempt: number) => Refusal | undefined;
} = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let rcptAttempts = 0;
  let dataAttempts = 0;
  const refusal = (found: Refusal | undefined) =>
    found && Object.assign(new Error(found.message), { responseCode: found.code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      callback(refusal(refuseRecipient?.(++rcptAttempts)) ?? undefined);
    },
    onData: (stream, _session, callback) => {
      const attempt = ++dataAttempts;
      simpleParser(stream)
        .then((parsed) => {
          const refused = refusal(refuseData?.(attempt));
          if (refused) return callback(refused);
          received.push({
            to: Array.isArray(parsed.to)
              ? parsed.to.map((a) => a.text).join(', ')
              : (parsed.to?.text ?? ''),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts: () => Math.max(rcptAttempts, dataAttempts),
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`${received.length} of ${count} mails received`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `check` holds, polling every 20 ms (or rejects with `what` after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
