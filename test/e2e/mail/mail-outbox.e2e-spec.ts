/**
 * The mail outbox end to end, against real SMTP servers on loopback: a queued mail leaves through
 * the poller, never the request; it is sealed at rest and dropped once sent; a temporary refusal
 * is retried with backoff; a mail the server refuses for good, or still unsent when it is no use,
 * is dead-lettered and counted (the alert's series); outside production with SMTP_URL unset the
 * embedded catcher keeps the mail for /dev/mailbox.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MailOutbox } from '../../../src/mail/mail-outbox';
import { MAIL_DELIVERY_COLLECTION } from '../../../src/mail/persistence/mail-delivery.schema';
import type { OutgoingMail } from '../../../src/mail/mail';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { sample } from '../../support/metrics';
import { ROOT } from '../../support/readme';
import { eventually, startTestSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { createTestApp, type TestApp } from '../../support/test-app';

const FAST = { MAIL_POLL_INTERVAL_MS: '50', MAIL_FIRST_RETRY_MS: '50' };

function mail(to: string, text = 'Your code is 12345678'): OutgoingMail {
  return { to, subject: 'Your sign-in code', text, html: `<p>${text}</p>` };
}

async function metrics(t: TestApp): Promise<string> {
  return (await t.http().get('/metrics').expect(200)).text;
}

/** ProofgateMailDeadLettered, as deploy/prometheus/alerts.rules.yml has it. */
function deadLetterAlert(): { expr: string } {
  const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.rules.yml'), 'utf8')) as {
    groups: { rules: { alert?: string; expr: string }[] }[];
  };
  return rules.groups
    .flatMap((group) => group.rules)
    .find((rule) => rule.alert === 'ProofgateMailDeadLettered')!;
}

const deliveries = (t: TestApp) => t.connection.collection(MAIL_DELIVERY_COLLECTION);

async function rowOf(t: TestApp, status: string): Promise<Record<string, unknown>> {
  return eventually(
    async () => (await deliveries(t).findOne({ status })) ?? undefined,
    `a ${status} mail row`,
  );
}

describe('the mail outbox', () => {
  describe('through SMTP_URL', () => {
    let smtp: TestSmtpServer;
    let t: TestApp;
    afterEach(async () => {
      await t.close();
      await smtp.close();
    });

    it('sends a queued mail, sealed while it waits and dropped once sent', async () => {
      smtp = await startTestSmtpServer();
      t = await createTestApp({
        ...FAST,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Codes <codes@example.test>',
      });
      await t.app
        .get(MailOutbox)
        .queue(mail('alice@example.test'), 'email_code', new Date(Date.now() + 600_000));
      const [received] = await smtp.waitFor(1);
      expect(received).toMatchObject({
        to: 'alice@example.test',
        subject: 'Your sign-in code',
        text: expect.stringContaining('12345678'),
      });
      const row = await rowOf(t, 'sent');
      expect(row).not.toHaveProperty('sealed');
      expect(JSON.stringify(row)).not.toMatch(/alice|12345678/);
      expect(sample(await metrics(t), 'proofgate_mail_deliveries_total', { outcome: 'sent' })).toBe(
        1,
      );
      expect(
        sample(await metrics(t), 'proofgate_mail_queued_total', { purpose: 'email_code' }),
      ).toBe(1);
    });

    it('keeps the mail sealed in the database until it is sent', async () => {
      // A server that refuses for now: the row stays pending, with its mail, and never in clear.
      smtp = await startTestSmtpServer({ refuseData: () => ({ code: 451, message: 'Try later' }) });
      t = await createTestApp({ ...FAST, SMTP_URL: smtp.url, MAIL_FIRST_RETRY_MS: '60000' });
      await t.app
        .get(MailOutbox)
        .queue(mail('bob@example.test'), 'email_code', new Date(Date.now() + 600_000));
      const row = await eventually(
        async () =>
          (await deliveries(t).findOne({
            status: 'pending',
            attempts: 1,
            lastError: { $exists: true },
          })) ?? undefined,
        'a retried row',
      );
      expect(row.sealed).toEqual(expect.stringMatching(/^v1\./));
      expect(JSON.stringify(row)).not.toMatch(/bob|12345678|sign-in code/);
      expect(row.lastError).toBe('EMESSAGE 451');
    });

    it('retries a temporary refusal with backoff, then sends', async () => {
      smtp = await startTestSmtpServer({
        refuseData: (attempt) =>
          attempt <= 2 ? { code: 451, message: 'Greylisted, try later' } : undefined,
      });
      t = await createTestApp({ ...FAST, SMTP_URL: smtp.url });
      await t.app
        .get(MailOutbox)
        .queue(mail('carol@example.test'), 'email_code', new Date(Date.now() + 600_000));
      await smtp.waitFor(1);
      expect(smtp.attempts()).toBe(3);
      const row = await rowOf(t, 'sent');
      expect(row.attempts).toBe(3);
      const text = await metrics(t);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'retrying' })).toBe(2);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'sent' })).toBe(1);
    });

    it('dead-letters a mail the server refuses for good, at once, and says why without the address', async () => {
      smtp = await startTestSmtpServer({
        refuseData: () => ({ code: 554, message: 'Message refused' }),
      });
      const log = new CapturedLog();
      t = await createTestApp({ ...FAST, SMTP_URL: smtp.url, LOG_LEVEL: 'warn' }, [
        [LogDestination, log],
      ]);
      await t.app
        .get(MailOutbox)
        .queue(mail('dave@example.test'), 'email_code', new Date(Date.now() + 600_000));
      const row = await rowOf(t, 'dead');
      expect(row).toMatchObject({ attempts: 1, lastError: 'EMESSAGE 554' });
      // Refused before its code expired: kept sealed until then (an operator may retry it), and
      // dropped by the housekeeping once it is past.
      expect(row.sealed).toEqual(expect.stringMatching(/^v1\./));
      expect(JSON.stringify(row)).not.toMatch(/dave|12345678/);
      t.clock.advance(601 + 60);
      await eventually(
        async () =>
          (await deliveries(t).findOne({ status: 'dead', sealed: { $exists: false } })) ??
          undefined,
        'the dead mail without its body',
      );
      const text = await metrics(t);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'dead' })).toBe(1);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'retrying' })).toBe(0);
      // The alert (deploy/prometheus, its firing tested by promtool) watches this very series.
      expect(deadLetterAlert().expr).toContain('proofgate_mail_deliveries_total{outcome="dead"}');
      const lines = log.lines.join('\n');
      expect(lines).toMatch(/dead-lettered after 1 attempt\(s\): EMESSAGE 554/);
      expect(lines).not.toMatch(/dave|12345678/);
    });

    it('counts a recipient refused for good as refused, not dead (a mistyped address is not alerted)', async () => {
      smtp = await startTestSmtpServer({
        refuseRecipient: () => ({ code: 550, message: 'No such user' }),
      });
      t = await createTestApp({ ...FAST, SMTP_URL: smtp.url });
      await t.app
        .get(MailOutbox)
        .queue(mail('nobody@example.test'), 'email_code', new Date(Date.now() + 600_000));
      const row = await rowOf(t, 'dead');
      expect(row.lastError).toBe('EENVELOPE 550');
      const text = await metrics(t);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'refused' })).toBe(1);
      expect(sample(text, 'proofgate_mail_deliveries_total', { outcome: 'dead' })).toBe(0);
    });

    it('dead-letters a mail still unsent when it is no use any more (a server that never answers)', async () => {
      smtp = await startTestSmtpServer();
      const port = smtp.port;
      await smtp.close();
      // Nothing listens there now: every attempt fails to connect.
      t = await createTestApp({ ...FAST, SMTP_URL: `smtp://127.0.0.1:${port}` });
      smtp = await startTestSmtpServer();
      await t.app
        .get(MailOutbox)
        .queue(
          mail('erin@example.test'),
          'email_code',
          new Date(t.clock.now().getTime() + 600_000),
        );
      await eventually(
        async () =>
          (await deliveries(t).findOne({ status: 'pending', attempts: { $gte: 2 } })) ?? undefined,
        'a retried row',
      );
      // Past its give-up time (the code it carries has expired): the next failure is final.
      t.clock.advance(601);
      const row = await rowOf(t, 'dead');
      expect(row.lastError).toMatch(/^ECONNECTION|^ESOCKET/);
      expect(sample(await metrics(t), 'proofgate_mail_deliveries_total', { outcome: 'dead' })).toBe(
        1,
      );
    });
  });

  describe('outside production without SMTP_URL: the embedded catcher and /dev/mailbox', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(FAST);
    });
    afterAll(() => t.close());

    it('says there is no mail yet, then shows each mail, newest first, its links as links', async () => {
      const empty = await t.http().get('/dev/mailbox').set('Accept', 'text/html').expect(200);
      expect(empty.text).toContain('id="mailbox-empty"');
      const outbox = t.app.get(MailOutbox);
      const until = new Date(Date.now() + 600_000);
      await outbox.queue(mail('first@example.test', 'First: 11111111'), 'email_code', until);
      await rowOf(t, 'sent');
      await outbox.queue(
        mail(
          'second@example.test',
          'Second: 22222222 or http://localhost:1/login/email/link?token=abc',
        ),
        'email_code',
        until,
      );
      const json = await eventually(async () => {
        const res = await t
          .http()
          .get('/dev/mailbox')
          .set('Accept', 'application/json')
          .expect(200);
        const body = res.body as { mails: { to: string; text: string }[] };
        return body.mails.length === 2 ? body : undefined;
      }, 'two mails in the mailbox');
      expect(json.mails.map((m) => m.to)).toEqual(['second@example.test', 'first@example.test']);
      const html = (await t.http().get('/dev/mailbox').set('Accept', 'text/html').expect(200)).text;
      expect(html.indexOf('second@example.test')).toBeLessThan(html.indexOf('first@example.test'));
      expect(html).toContain(
        '<a href="http://localhost:1/login/email/link?token=abc">http://localhost:1/login/email/link?token=abc</a>',
      );
    });
  });

  it('has no mailbox when mail goes through SMTP_URL', async () => {
    const t = await createTestApp({ SMTP_URL: 'smtp://127.0.0.1:9' });
    try {
      const res = await t.http().get('/dev/mailbox').set('Accept', 'application/json').expect(404);
      expect(res.body).toMatchObject({ error: 'not_found' });
    } finally {
      await t.close();
    }
  });
});
