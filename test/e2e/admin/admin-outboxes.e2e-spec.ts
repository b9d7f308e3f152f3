/**
 * The outboxes under administration (issue #77): rows really given up by the service's own
 * pollers against receivers on loopback (a relying party's logout endpoint and a CIBA ping
 * endpoint answering 500, an SMTP server refusing for good), listed by state through the admin
 * API (tokens by client_credentials) and `proofgate-admin`, retried, and then delivered once the
 * receiver answers. Nothing a row carries (a logout token, a mail's code or address, a ping's
 * auth_req_id or bearer token) appears in a listing.
 */
import { randomBytes } from 'node:crypto';
import { CibaNotificationRepository } from '../../../src/oauth/ciba/notifications/ciba-notification.repository';
import { CibaNotificationSeal } from '../../../src/oauth/ciba/notifications/ciba-notification.seal';
import { CibaNotifications } from '../../../src/oauth/ciba/notifications/ciba-notifications';
import { CIBA_NOTIFICATION_COLLECTION } from '../../../src/oauth/ciba/notifications/persistence/ciba-notification.schema';
import { MailOutbox } from '../../../src/mail/mail-outbox';
import { MAIL_DELIVERY_COLLECTION } from '../../../src/mail/persistence/mail-delivery.schema';
import { LogoutDeliveryRepository } from '../../../src/sessions/logout/logout-delivery.repository';
import { deliveryIdOf } from '../../../src/sessions/logout/persistence/mongo-logout-delivery.repository';
import { adminCli } from '../../support/admin-cli';
import { LogoutReceiver } from '../../support/logout-receiver';
import { basic } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { oneWinner, readTogether } from '../../support/read-together';
import { OutboxAdministration } from '../../../src/admin/outboxes/outbox-administration.service';
import { cliCall } from '../../../src/admin/io/cli-call';
import { eventually, startTestSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { createTestApp, type TestApp } from '../../support/test-app';

const ADMIN = { id: 'ops-robot', secret: 'ops-robot-secret-1234' };
const READER = { id: 'ops-reader', secret: 'ops-reader-secret-1234' };
const RP = 'rp-outbox';
const CIBA_CLIENT = 'ciba-pinged';

type Json = Record<string, unknown>;
type Row = Json & { id: string; state: string; target: Json; attempts: number };

describe('the outboxes through the admin API and proofgate-admin', () => {
  let t: TestApp;
  let rp: LogoutReceiver;
  let pinged: LogoutReceiver;
  let smtp: TestSmtpServer;
  /** The SMTP server refuses every mail for good (554) while this holds. */
  let smtpRefuses = true;
  let admin: string;
  let reader: string;
  let sessions = 0;

  beforeAll(async () => {
    rp = await LogoutReceiver.start();
    pinged = await LogoutReceiver.start('/ping');
    smtp = await startTestSmtpServer({
      refuseData: () => (smtpRefuses ? { code: 554, message: 'Refused' } : undefined),
    });
    t = await createTestApp({
      BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '100',
      BACKCHANNEL_LOGOUT_FIRST_RETRY_MS: '100',
      BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS: '60',
      SMTP_URL: smtp.url,
      MAIL_POLL_INTERVAL_MS: '50',
      MAIL_FIRST_RETRY_MS: '50',
      CIBA_NOTIFICATION_POLL_INTERVAL_MS: '100',
      CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true',
      RATE_LIMIT_ADMIN_API_PER_CLIENT: '10000',
      RATE_LIMIT_ADMIN_API_PER_IP: '10000',
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: ADMIN.id,
          client_secret: ADMIN.secret,
          grant_types: ['client_credentials'],
          admin_scopes: ['admin:read', 'admin:write'],
        },
        {
          client_id: READER.id,
          client_secret: READER.secret,
          grant_types: ['client_credentials'],
          admin_scopes: ['admin:read'],
        },
      ]),
    });
    admin = await tokenOf(ADMIN, 'admin:read admin:write');
    reader = await tokenOf(READER, 'admin:read');
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([rp.close(), pinged.close(), smtp.close()]);
  });

  async function tokenOf(client: { id: string; secret: string }, scope: string) {
    const response = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(client.id, client.secret))
      .send({ grant_type: 'client_credentials', scope });
    expect(response.status).toBe(200);
    return (response.body as { access_token: string }).access_token;
  }

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (path: string, token = admin) => t.http().get(path).set(as(token));
  const post = (path: string, token = admin) => t.http().post(path).set(as(token));

  async function listed(outbox: string, state?: string): Promise<Row[]> {
    const query = state === undefined ? '' : `?state=${state}`;
    const response = await get(`/admin/v1/outboxes/${outbox}${query}`).expect(200);
    return (response.body as { items: Row[] }).items;
  }

  async function rowWhen(outbox: string, id: string, state: string): Promise<Row> {
    return eventually(async () => {
      const row = (await get(`/admin/v1/outboxes/${outbox}/${id}`)).body as Row;
      return row.state === state ? row : undefined;
    }, `${outbox} row ${id} ${state}`);
  }

  /** A logout token queued for RP, worth retrying until `giveUpAt` (now: the first failure is final). */
  async function logoutQueued(giveUpAt = t.clock.now()): Promise<string> {
    const delivery = { clientId: RP, uri: rp.url, sub: 'alice', sid: `sid-outbox-${++sessions}` };
    await t.app.get(LogoutDeliveryRepository).enqueue([delivery], t.clock.now(), giveUpAt);
    return deliveryIdOf(delivery);
  }

  async function retried(outbox: string, id: string): Promise<Row> {
    const shown = await get(`/admin/v1/outboxes/${outbox}/${id}`).expect(200);
    const response = await post(`/admin/v1/outboxes/${outbox}/${id}/retry`)
      .set('If-Match', shown.headers.etag)
      .expect(200);
    return response.body as Row;
  }

  describe('the back-channel logout outbox', () => {
    it('lists a delivery given up by the poller, retries it, and the relying party gets it', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const id = await logoutQueued();
      await rp.waitFor(1);
      const givenUp = await rowWhen('logout', id, 'given_up');
      expect(givenUp).toMatchObject({
        outbox: 'logout',
        status: 'failed',
        target: { client_id: RP, sid: `sid-outbox-${sessions}` },
        attempts: 1,
        last_error: 'HTTP status 500',
        next_attempt_at: null,
        given_up_at: expect.any(String),
      });
      expect((await listed('logout', 'given_up')).map((row) => row.id)).toContain(id);
      expect((await listed('logout', 'pending')).map((row) => row.id)).not.toContain(id);
      // What the relying party was sent (a signed logout token) is nowhere in what is shown.
      const token = rp.received[0].logoutToken!;
      expect(token.split('.')).toHaveLength(3);
      const shown = JSON.stringify([givenUp, await listed('logout')]);
      expect(shown).not.toContain(token);
      expect(shown).not.toContain(token.split('.')[2]);

      rp.failNext = 0;
      const retry = await retried('logout', id);
      expect(retry).toMatchObject({ id, state: 'pending', attempts: 0, last_error: null });
      // A new retry time from now: BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS.
      const renewed = Date.parse(retry.give_up_at as string) - t.clock.now().getTime();
      expect(renewed).toBeGreaterThan(50_000);
      expect(renewed).toBeLessThanOrEqual(60_000);
      const delivered = await rowWhen('logout', id, 'done');
      expect(delivered).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(rp.received.at(-1)!.status).toBe(200);
    });

    it('retries every given-up delivery at once (no If-Match: an action on the collection)', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const ids = [await logoutQueued(), await logoutQueued()];
      for (const id of ids) await rowWhen('logout', id, 'given_up');
      rp.failNext = 0;
      const response = await post('/admin/v1/outboxes/logout/retry')
        .send({ state: 'given_up' })
        .expect(200);
      expect(response.body).toEqual({ retried: expect.any(Number), not_retryable: 0 });
      expect((response.body as { retried: number }).retried).toBeGreaterThanOrEqual(2);
      for (const id of ids) await rowWhen('logout', id, 'done');
      expect(await listed('logout', 'given_up')).toEqual([]);
    });

    it('pages in queue order with a cursor, each row once', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const ids = [await logoutQueued(), await logoutQueued(), await logoutQueued()];
      for (const id of ids) await rowWhen('logout', id, 'given_up');
      const seen: Row[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const page = (
          await get(`/admin/v1/outboxes/logout?state=given_up&limit=2${query}`).expect(200)
        ).body as { items: Row[]; next: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.next;
      } while (cursor !== null);
      // Each row once, oldest first (rows queued within one millisecond by id).
      expect(seen.map((row) => row.id).sort()).toEqual([...ids].sort());
      const created = seen.map((row) => Date.parse(row.created_at as string));
      expect(created).toEqual([...created].sort((a, b) => a - b));
      await post('/admin/v1/outboxes/logout/retry').send({ state: 'given_up' }).expect(200);
      rp.failNext = 0;
      for (const id of ids) await rowWhen('logout', id, 'done');
    });
  });

  describe('the mail outbox', () => {
    it('lists a mail the server refused for good, masked; once the server takes mail, its retry is sent', async () => {
      smtpRefuses = true;
      const code = String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0');
      await t.app.get(MailOutbox).queue(
        {
          to: 'alice.outbox@example.test',
          subject: 'Your sign-in code',
          text: `Your code is ${code}`,
          html: `<p>Your code is ${code}</p>`,
        },
        'email_code',
        new Date(t.clock.now().getTime() + 600_000),
      );
      const [row] = await eventually(async () => {
        const rows = await listed('mail', 'given_up');
        return rows.length > 0 ? rows : undefined;
      }, 'a given-up mail');
      expect(row).toMatchObject({
        outbox: 'mail',
        status: 'dead',
        target: { purpose: 'email_code', recipient: 'a***@example.test' },
        attempts: 1,
        last_error: 'EMESSAGE 554',
      });
      const shown = JSON.stringify(row);
      expect(shown).not.toMatch(new RegExp(`alice|${code}|sign-in code`));
      // In the database too, the body stays sealed (kept until the code expires, for a retry).
      const stored = await t.connection
        .collection(MAIL_DELIVERY_COLLECTION)
        .findOne({ status: 'dead' });
      expect(stored?.sealed).toEqual(expect.stringMatching(/^v1\./));
      expect(JSON.stringify(stored)).not.toMatch(new RegExp(`alice|${code}`));

      smtpRefuses = false;
      const retry = await retried('mail', row.id);
      expect(retry).toMatchObject({ state: 'pending', attempts: 0, give_up_at: row.give_up_at });
      const [sent] = await smtp.waitFor(1);
      expect(sent).toMatchObject({ to: 'alice.outbox@example.test' });
      expect(sent.text).toContain(code);
      expect(await rowWhen('mail', row.id, 'done')).toMatchObject({ status: 'sent', attempts: 1 });
    });
    it('retries only the give-up read with the tag: a mail retried and given up anew since is 412', async () => {
      smtpRefuses = true;
      await t.app
        .get(MailOutbox)
        .queue(
          { to: 'bob.outbox@example.test', subject: 'Code', text: 'code', html: '<p>code</p>' },
          'email_code',
          new Date(t.clock.now().getTime() + 600_000),
        );
      const row = await eventually(
        async () =>
          (await listed('mail', 'given_up')).find(
            (given) => given.target.recipient === 'b***@example.test',
          ),
        'a given-up mail',
      );
      const service = t.app.get(OutboxAdministration, { strict: false });
      const read = await service.show('mail', row.id);
      // Someone else retries it (the CLI), and the server refuses it again: given up anew.
      await service.retry('mail', row.id, cliCall());
      const anew = await eventually(async () => {
        const now = await service.show('mail', row.id);
        return now.state === 'given_up' ? now : undefined;
      }, 'the mail given up anew');
      expect(anew.givenUpAt).not.toEqual(read.givenUpAt);
      // The retry made on the first reading matches nothing: the row stays as it is.
      await expect(service.retry('mail', row.id, cliCall(), read)).rejects.toThrow(
        `row ${row.id} of the mail outbox changed since you read it (If-Match names another version): it is given_up now; GET it again`,
      );
      expect(await service.show('mail', row.id)).toEqual(anew);
      smtpRefuses = false;
      await service.retry('mail', row.id, cliCall(), anew);
      await rowWhen('mail', row.id, 'done');
    });
  });

  describe('the CIBA outbox', () => {
    async function pingQueued(giveUpInMs: number, seal?: CibaNotificationSeal) {
      const deliveryId = randomBytes(16).toString('base64url');
      const ping = {
        endpoint: pinged.url,
        authReqId: `auth-req-${deliveryId}`,
        clientNotificationToken: `notification-token-${deliveryId}`,
      };
      await t.app.get(CibaNotificationRepository).enqueue(
        {
          deliveryId,
          kind: 'ping',
          clientId: CIBA_CLIENT,
          sealed: (seal ?? t.app.get(CibaNotifications).seal).sealRow(ping, deliveryId),
          giveUpAt: new Date(t.clock.now().getTime() + giveUpInMs),
        },
        t.clock.now(),
      );
      return { deliveryId, ping };
    }

    it('lists a ping given up when its request expired, and refuses to retry it (nothing left worth sending)', async () => {
      pinged.reset();
      pinged.failNext = 1_000;
      const { deliveryId, ping } = await pingQueued(1_500);
      const row = await eventually(
        async () => {
          const found = (await get(`/admin/v1/outboxes/ciba/${deliveryId}`)).body as Row;
          return found.state === 'given_up' ? found : undefined;
        },
        'a given-up ping',
        15_000,
      );
      expect(row).toMatchObject({
        status: 'dead',
        target: { kind: 'ping', client_id: CIBA_CLIENT },
        last_error: 'HTTP status 500',
      });
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      const shown = JSON.stringify([row, await listed('ciba')]);
      expect(shown).not.toContain(ping.authReqId);
      expect(shown).not.toContain(ping.clientNotificationToken);
      // Past the request's expiry the sealed ping is dropped at the next housekeeping.
      const shownRow = await get(`/admin/v1/outboxes/ciba/${deliveryId}`).expect(200);
      const refused = await post(`/admin/v1/outboxes/ciba/${deliveryId}/retry`).set(
        'If-Match',
        shownRow.headers.etag,
      );
      expectRefusal(
        refused,
        409,
        'conflict',
        `row ${deliveryId} cannot be retried: what it carries expired at ${row.give_up_at as string} ` +
          '(its payload is dropped once its give-up time passes); nothing left worth sending',
      );
      const all = await post('/admin/v1/outboxes/ciba/retry')
        .send({ state: 'given_up' })
        .expect(200);
      expect(all.body).toMatchObject({ retried: 0 });
      expect((all.body as { not_retryable: number }).not_retryable).toBeGreaterThanOrEqual(1);
    });

    it('retries a row refused for good before its request expired: the poller attempts it again', async () => {
      // Sealed with another KEY_ENCRYPTION_SECRET: the poller cannot open it (UNREADABLE, for good).
      const { deliveryId } = await pingQueued(
        600_000,
        new CibaNotificationSeal('another-key-encryption-secret-0123456789'),
      );
      const given = await rowWhen('ciba', deliveryId, 'given_up');
      expect(given).toMatchObject({ attempts: 1, last_error: 'UNREADABLE' });
      const retry = await retried('ciba', deliveryId);
      expect(retry).toMatchObject({ state: 'pending', attempts: 0, last_error: null });
      // Attempted again (and refused again: the secret it was sealed with is still not this one).
      const again = await rowWhen('ciba', deliveryId, 'given_up');
      expect(again).toMatchObject({ attempts: 1, last_error: 'UNREADABLE' });
      const stored = await t.connection
        .collection(CIBA_NOTIFICATION_COLLECTION)
        .findOne({ _id: deliveryId as never });
      expect(stored?.sealed).toEqual(expect.any(String));
    });
  });

  describe('refusals', () => {
    it('a retry needs admin:write (403 insufficient_scope with admin:read)', async () => {
      const id = await logoutQueued(new Date(t.clock.now().getTime() + 60_000));
      const shown = await get(`/admin/v1/outboxes/logout/${id}`, reader).expect(200);
      const refused = await post(`/admin/v1/outboxes/logout/${id}/retry`, reader).set(
        'If-Match',
        shown.headers.etag,
      );
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
      const all = await post('/admin/v1/outboxes/logout/retry', reader).send({ state: 'given_up' });
      expect(all.status).toBe(403);
    });

    it('a stale If-Match is 412 (a retry made the given-up row it names pending again), none 428', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const id = await logoutQueued();
      // The row as first given up; a retry with its tag changes it (pending again, a new retry
      // time), so that tag is stale from then on, whatever the poller does next.
      await rowWhen('logout', id, 'given_up');
      const stale = await get(`/admin/v1/outboxes/logout/${id}`).expect(200);
      const retriedRow = (
        await post(`/admin/v1/outboxes/logout/${id}/retry`)
          .set('If-Match', stale.headers.etag)
          .expect(200)
      ).body as Row;
      expect(retriedRow.state).not.toBe('given_up');
      expectRefusal(
        await post(`/admin/v1/outboxes/logout/${id}/retry`).set('If-Match', stale.headers.etag),
        412,
        'precondition_failed',
        'The resource changed since you read it (If-Match names another version): GET it again',
      );
      expect((await post(`/admin/v1/outboxes/logout/${id}/retry`)).status).toBe(428);
      rp.failNext = 0;
      await rowWhen('logout', id, 'done');
    });

    it('makes a retry with If-Match a compare-and-set: of two with one ETag, read together, one retries the row', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const id = await logoutQueued();
      await rowWhen('logout', id, 'given_up');
      const read = await get(`/admin/v1/outboxes/logout/${id}`).expect(200);
      const retry = () =>
        post(`/admin/v1/outboxes/logout/${id}/retry`).set('If-Match', read.headers.etag);
      const service = t.app.get(OutboxAdministration, { strict: false });
      const answers = await readTogether(service, 'show', [retry, retry]);
      // The loser finds the row retried by the winner: pending again (or already attempted).
      const { winner } = oneWinner(
        answers,
        new RegExp(
          `^row ${id} of the logout outbox changed since you read it \\(If-Match names another version\\): ` +
            'it is (pending|retrying|done) now; GET it again$',
        ),
      );
      expect((winner.body as Row).state).toBe('pending');
      const trail = await get(`/admin/v1/audit?action=outboxes.retry`, reader).expect(200);
      const records = (trail.body as { items: { targets: Json; outcome: string }[] }).items;
      expect(
        records
          .filter((record) => record.targets.row_id === id)
          .map((record) => record.outcome)
          .sort(),
      ).toEqual(['done', 'refused']);
      // The CLI names no give-up: its retry of a given-up row lands as before, and changes the
      // row, so a tag read before it is stale.
      const again = await logoutQueued();
      await rowWhen('logout', again, 'given_up');
      const before = await get(`/admin/v1/outboxes/logout/${again}`).expect(200);
      await expect(service.retry('logout', again, cliCall())).resolves.toMatchObject({
        state: 'pending',
      });
      expect(
        (
          await post(`/admin/v1/outboxes/logout/${again}/retry`).set(
            'If-Match',
            before.headers.etag,
          )
        ).status,
      ).toBe(412);
      rp.failNext = 0;
      await rowWhen('logout', id, 'done');
      await rowWhen('logout', again, 'done');
    });

    it('a row that is not given up is 409; an unknown row or outbox 404; a bad state 400', async () => {
      // A receiver that holds its answer: the row stays pending (its first attempt under way).
      rp.reset();
      rp.delayMs = 3_000;
      try {
        const id = await logoutQueued(new Date(t.clock.now().getTime() + 60_000));
        const shown = await get(`/admin/v1/outboxes/logout/${id}`).expect(200);
        expect(shown.body).toMatchObject({ state: 'pending' });
        expectRefusal(
          await post(`/admin/v1/outboxes/logout/${id}/retry`).set('If-Match', '*'),
          409,
          'conflict',
          `row ${id} is pending, not given up: only a given-up row is retried`,
        );
      } finally {
        rp.delayMs = 0;
      }
      expectRefusal(
        await post('/admin/v1/outboxes/logout/no-such-row/retry').set('If-Match', '*'),
        404,
        'not_found',
        'no row no-such-row in the logout outbox',
      );
      expectRefusal(
        await get('/admin/v1/outboxes/sms'),
        404,
        'not_found',
        'no outbox sms: there are logout, mail and ciba',
      );
      expect((await get('/admin/v1/outboxes/logout?state=stuck')).body).toMatchObject({
        error: 'invalid_request',
      });
      expect(
        (await post('/admin/v1/outboxes/logout/retry').send({ state: 'pending' })).body,
      ).toMatchObject({
        error: 'invalid_request',
      });
      expect((await get('/admin/v1/outboxes/logout?cursor=bm90LW91cnM')).body).toMatchObject({
        error: 'invalid_request',
      });
    });

    it('every retry is on the audit trail, refused ones too', async () => {
      const audit = await get('/admin/v1/audit?action=outboxes.retry').expect(200);
      const records = (audit.body as { items: Json[] }).items;
      expect(records).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: { kind: 'client', client_id: ADMIN.id },
            outcome: 'done',
            targets: expect.objectContaining({ outbox: 'logout' }),
          }),
          expect.objectContaining({
            outcome: 'refused',
            targets: expect.objectContaining({ outbox: 'ciba' }),
          }),
        ]),
      );
    });
  });

  describe('proofgate-admin outboxes', () => {
    it('lists given-up rows as a table and as JSON, and retries one (audited as cli)', async () => {
      rp.reset();
      rp.failNext = 1_000;
      const id = await logoutQueued();
      await rowWhen('logout', id, 'given_up');

      const table = await adminCli(t, ['outboxes', 'list', 'logout', '--state', 'given_up']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^ID\s+STATE\s+TARGET\s+ATTEMPTS\s+LAST ERROR/);
      expect(table.stdout).toContain(`${id}  given_up  client_id=${RP} sid=sid-outbox-${sessions}`);
      expect(table.stdout).toContain('HTTP status 500');

      const json = await adminCli(t, [
        'outboxes',
        'list',
        'logout',
        '--state',
        'given_up',
        '--json',
      ]);
      const rows = JSON.parse(json.stdout) as Row[];
      expect(rows.find((row) => row.id === id)).toMatchObject({ state: 'given_up', attempts: 1 });
      expect(json.stdout).not.toContain(rp.received[0].logoutToken!);

      rp.failNext = 0;
      // `--`: a row id may start with `-` (base64url), which would read as an option.
      const retry = await adminCli(t, ['outboxes', 'retry', 'logout', '--json', '--', id]);
      expect(retry.code).toBe(0);
      expect(JSON.parse(retry.stdout)).toMatchObject({ id, state: 'pending', attempts: 0 });
      await rowWhen('logout', id, 'done');

      const again = await adminCli(t, ['outboxes', 'retry', 'logout', '--', id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `proofgate-admin: row ${id} is finished (delivered), not given up: only a given-up row is retried\n`,
      );
      const audit = await get('/admin/v1/audit?action=outboxes.retry').expect(200);
      expect((audit.body as { items: Json[] }).items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: expect.objectContaining({ kind: 'cli' }),
            targets: { outbox: 'logout', row_id: id },
            outcome: 'done',
          }),
        ]),
      );
    });

    it('retries --all-given-up, and refuses a command line that names no row or an unknown outbox', async () => {
      const all = await adminCli(t, ['outboxes', 'retry', 'mail', '--all-given-up', '--json']);
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual({ retried: 0, not_retryable: 0 });
      const none = await adminCli(t, ['outboxes', 'retry', 'logout']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('name one row (its id), or --all-given-up');
      const unknown = await adminCli(t, ['outboxes', 'list', 'sms']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        "value 'sms' is invalid for argument 'outbox'. Allowed choices are logout, mail, ciba.",
      );
    });
  });
});
