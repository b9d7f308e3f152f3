/**
 * A client registered from OAUTH_CLIENTS ends when an instance starts without its entry: unknown
 * to that instance at the token endpoint, its live tokens refused at every resource (the admin API
 * and the stream API here), and its Shared Signals streams told nothing more. Its record, grants
 * and streams stay until an operator removes it, or the entry comes back and it is as it was.
 * Each start here is another instance's, on the same database.
 */
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { adminCli } from '../../support/admin-cli';
import { CapturedLog } from '../../support/captured-log';
import { basic } from '../../support/oauth';
import { addOperatorClient } from '../../support/operator-clients';
import { eventually } from '../../support/smtp-server';
import {
  PUSH,
  type ReceiverClient,
  RISC,
  SetReceiver,
  SignalsReceiver,
  receiverEntry,
} from '../../support/shared-signals';
import { type TestApp, createTestApp } from '../../support/test-app';

const DISABLED = `${RISC}account-disabled`;
const KEPT: ReceiverClient = { id: 'kept-agent', secret: 'kept-agent-secret-0123456789' };
const ADMIN: ReceiverClient = { id: 'dropped-admin', secret: 'dropped-admin-secret-01234567' };
const RECEIVER: ReceiverClient = { id: 'dropped-receiver', secret: 'dropped-receiver-secret-0123' };

const ENTRIES = {
  kept: { client_id: KEPT.id, client_secret: KEPT.secret, grant_types: ['client_credentials'] },
  admin: {
    client_id: ADMIN.id,
    client_secret: ADMIN.secret,
    grant_types: ['client_credentials'],
    admin_scopes: ['admin:read'],
  },
  receiver: receiverEntry(RECEIVER),
};

/** An instance on the test file's database with these OAUTH_CLIENTS entries. */
function startWith(entries: readonly object[], log?: CapturedLog): Promise<TestApp> {
  return createTestApp(
    {
      SSF_STREAM_CHECK_CACHE_MS: '0',
      // Push attempts and their retries come quickly.
      SSF_POLL_INTERVAL_MS: '50',
      SSF_FIRST_RETRY_MS: '100',
      OAUTH_CLIENTS: JSON.stringify(entries),
      ...(log ? { LOG_LEVEL: 'warn' } : {}),
    },
    log ? [[LogDestination, log]] : [],
  );
}

function clientCredentials(t: TestApp, client: ReceiverClient, scope?: string) {
  return t
    .http()
    .post('/token')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
}

async function adminTokenOf(t: TestApp): Promise<string> {
  const response = await clientCredentials(t, ADMIN, 'admin:read').expect(200);
  return (response.body as { access_token: string }).access_token;
}

function listClients(t: TestApp, token: string) {
  return t.http().get('/admin/v1/clients').set('Authorization', `Bearer ${token}`);
}

/** A password account disabled by the operator: a RISC account-disabled cause. */
async function disableAnAccount(t: TestApp, username: string): Promise<void> {
  expect((await adminCli(t, ['users', 'add', username], { stdin: 'a-password-0123\n' })).code).toBe(
    0,
  );
  expect((await adminCli(t, ['users', 'disable', username])).code).toBe(0);
}

function setsWaitingFor(t: TestApp, streamId: string): Promise<number> {
  return t.connection.collection('ssf_events').countDocuments({ streamId });
}

interface SetRow {
  readonly attempts: number;
  readonly lastError?: string;
}

/** The stream's one SET row once `done` says so of it (10 s at most). */
function rowOnce(t: TestApp, streamId: string, done: (row: SetRow) => boolean): Promise<SetRow> {
  return eventually(async () => {
    const row = await t.connection.collection<SetRow>('ssf_events').findOne({ streamId });
    return row && done(row) ? row : undefined;
  }, `the SET row of stream ${streamId}`);
}

/** The admin client's entry with both scopes, and the receiver's once it is no longer one. */
const WRITER = { ...ENTRIES.admin, admin_scopes: ['admin:read', 'admin:write'] };
const NO_LONGER_RECEIVER = { ...receiverEntry(RECEIVER), ssf_receiver: false };

describe('a client taken out of OAUTH_CLIENTS', () => {
  it('is unknown to an instance without its entry, its tokens and streams with it, until named again or removed', async () => {
    const first = await startWith([ENTRIES.kept, ENTRIES.admin, ENTRIES.receiver]);
    const adminToken = await adminTokenOf(first);
    await listClients(first, adminToken).expect(200);
    // Its token for /api too: taken there (a machine's token names no user to describe).
    const apiToken = (
      (await clientCredentials(first, ADMIN, 'api').expect(200)).body as { access_token: string }
    ).access_token;
    const me = (t: TestApp) => t.http().get('/api/me').set('Authorization', `Bearer ${apiToken}`);
    expect((await me(first)).body.error).toBe('insufficient_scope');
    const receiver = await SignalsReceiver.of(first, RECEIVER);
    const stream = await receiver.createStream({ events_requested: [DISABLED] });
    const operatorSecret = await addOperatorClient(first, {
      clientId: 'operator-agent',
      grantTypes: ['client_credentials'],
    });
    await first.close({ dropDatabase: false });

    // Started without the admin client's and the receiver's entries.
    const log = new CapturedLog();
    const without = await startWith([ENTRIES.kept], log);
    try {
      const warnings = log
        .records()
        .map((record) => String(record.msg))
        .filter((msg) => msg.includes('which no longer names it'));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^Client dropped-admin was registered from OAUTH_CLIENTS.*clients remove dropped-admin/,
        ),
        expect.stringMatching(/^Client dropped-receiver was registered from OAUTH_CLIENTS/),
      ]);

      const token = await clientCredentials(without, ADMIN, 'admin:read');
      expect([token.status, token.body.error]).toEqual([401, 'invalid_client']);
      const refused = await listClients(without, adminToken);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({
        error: 'invalid_token',
        error_description: 'The client of the access token is no longer known',
      });
      await without.http().get('/ssf/streams').set(receiver.auth).expect(401);
      expect((await me(without)).body).toEqual(refused.body);
      await disableAnAccount(without, 'signals-while-unconfigured');
      expect(await setsWaitingFor(without, stream)).toBe(0);

      // The configured client still named, and the operator's own, are untouched.
      await clientCredentials(without, KEPT).expect(200);
      await clientCredentials(without, { id: 'operator-agent', secret: operatorSecret! }).expect(
        200,
      );

      const listed = await adminCli(without, ['clients', 'list', '--json']);
      const sources = Object.fromEntries(
        (JSON.parse(listed.stdout) as { client_id: string; source: string }[]).map((c) => [
          c.client_id,
          c.source,
        ]),
      );
      expect(sources).toMatchObject({
        'dropped-admin': 'removed from OAUTH_CLIENTS',
        'dropped-receiver': 'removed from OAUTH_CLIENTS',
        'kept-agent': 'OAUTH_CLIENTS',
        'operator-agent': 'database',
      });
      const changed = await adminCli(without, ['clients', 'rotate-secret', ADMIN.id]);
      expect(changed.code).toBe(1);
      expect(changed.stderr).toContain(
        'client dropped-admin was registered from OAUTH_CLIENTS, which no longer names it: ' +
          'name it there again, or remove it (cannot change the secret of it)',
      );
    } finally {
      await without.close({ dropDatabase: false });
    }

    // Named again: as it was, its live token and its stream included.
    const again = await startWith([ENTRIES.kept, ENTRIES.admin, ENTRIES.receiver]);
    try {
      await listClients(again, adminToken).expect(200);
      await disableAnAccount(again, 'signals-when-named-again');
      const told = await (await SignalsReceiver.of(again, RECEIVER)).take(stream);
      expect(told.map((set) => set.event)).toEqual([DISABLED]);
    } finally {
      await again.close({ dropDatabase: false });
    }

    // Out of OAUTH_CLIENTS again, and removed by the operator: gone with its grants and streams.
    const last = await startWith([ENTRIES.kept]);
    try {
      const removed = await adminCli(last, ['clients', 'remove', RECEIVER.id, '--json']);
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout)).toMatchObject({ removed: true, streams_removed: 1 });
      expect(
        await last.connection
          .collection('oauth_clients')
          .countDocuments({ _id: RECEIVER.id as never }),
      ).toBe(0);
    } finally {
      await last.close();
    }
  });

  it('holds live tokens to what the entry gives now: an admin scope or ssf_receiver taken away ends their use', async () => {
    const first = await startWith([WRITER, ENTRIES.receiver]);
    const response = await clientCredentials(first, ADMIN, 'admin:read admin:write').expect(200);
    const adminToken = (response.body as { access_token: string }).access_token;
    const receiver = await SignalsReceiver.of(first, RECEIVER);
    const stream = await receiver.createStream({ events_requested: [DISABLED] });
    await first.close({ dropDatabase: false });

    // The admin client read-only (ENTRIES.admin), the receiver no longer one.
    const narrowed = await startWith([ENTRIES.admin, NO_LONGER_RECEIVER]);
    try {
      await listClients(narrowed, adminToken).expect(200);
      const write = await narrowed
        .http()
        .post('/admin/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ username: 'never-created', password: 'a-password-0123' });
      expect(write.status).toBe(403);
      expect(write.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'This client may no longer have the scope admin:write',
      });
      const streams = await narrowed.http().get('/ssf/streams').set(receiver.auth);
      expect(streams.status).toBe(403);
      expect(streams.body.error_description).toBe('This client may no longer have the scope ssf');
      await disableAnAccount(narrowed, 'signals-no-longer-a-receiver');
      expect(await setsWaitingFor(narrowed, stream)).toBe(0);
      const users = await adminCli(narrowed, ['users', 'list', '--json']);
      expect(users.code).toBe(0);
      expect(users.stdout).not.toContain('never-created');
    } finally {
      await narrowed.close();
    }
  });

  it('pushes nothing more to a receiver taken out, and what waited once it is named again', async () => {
    const endpoint = new SetReceiver();
    await endpoint.start();
    try {
      endpoint.down = true;
      const first = await startWith([ENTRIES.receiver]);
      const stream = await (
        await SignalsReceiver.of(first, RECEIVER)
      ).createStream({
        delivery: { method: PUSH, endpoint_url: endpoint.url },
        events_requested: [DISABLED],
      });
      await disableAnAccount(first, 'pushed-while-configured');
      // Attempted while the receiver was down: it waits for its retry.
      await rowOnce(first, stream, (row) => row.attempts >= 1);
      await first.close({ dropDatabase: false });

      endpoint.down = false;
      const without = await startWith([]);
      try {
        // Its next attempt here: pushed (as before this change), or refused for the receiver.
        const row = await rowOnce(
          without,
          stream,
          (r) => endpoint.received.length > 0 || r.lastError !== 'the receiver answered 503',
        );
        expect(row.lastError).toBe('the receiver is no longer a Shared Signals receiver here');
        expect(endpoint.received).toEqual([]);
      } finally {
        await without.close({ dropDatabase: false });
      }

      const again = await startWith([ENTRIES.receiver]);
      try {
        await eventually(() => endpoint.received[0], 'the SET pushed once named again');
        expect(endpoint.received).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await endpoint.close();
    }
  });
});
