/**
 * Operating Shared Signals (issue #80 step C item 4): the metrics per stream (SETs queued,
 * delivered, retried, given up; what waits and how long), and the streams an operator lists
 * with `proofgate-admin streams list` and GET /admin/v1/streams (admin:read), one service under
 * both: a push stream whose receiver is down and a poll stream not yet polled, then both caught up.
 */
import { ClientAdministration } from '../../../src/admin/clients/client-administration.service';
import { cliCall } from '../../../src/admin/io/cli-call';
import { StreamAdministration } from '../../../src/admin/streams/stream-administration.service';
import { SSF_EVENT_COLLECTION } from '../../../src/signals/outbox/persistence/ssf-event.schema';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { SsfPushPoller } from '../../../src/signals/push/ssf-push.poller';
import { adminCli } from '../../support/admin-cli';
import { sample } from '../../support/metrics';
import { basic } from '../../support/oauth';
import { eventually } from '../../support/smtp-server';
import {
  PUSH,
  RISC,
  SetReceiver,
  SignalsReceiver,
  receiverEntry,
} from '../../support/shared-signals';
import { useTestApp } from '../../support/use-test-app';

const RECEIVER = { id: 'ssf-ops-receiver', secret: 'ssf-ops-receiver-secret-1234' };
const ADMIN = { id: 'ssf-ops-reader', secret: 'ssf-ops-reader-secret-1234' };

describe('operating Shared Signals: metrics per stream, streams list', () => {
  const t = useTestApp({
    SSF_STREAM_CHECK_CACHE_MS: '0',
    SSF_POLL_INTERVAL_MS: '100',
    SSF_FIRST_RETRY_MS: '50',
    OAUTH_CLIENTS: JSON.stringify([
      receiverEntry(RECEIVER),
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read'],
      },
    ]),
  });
  const endpoint = new SetReceiver();
  beforeAll(() => endpoint.start());
  afterAll(() => endpoint.close());

  const metrics = async () => (await t.http().get('/metrics').expect(200)).text;
  /** The poller's housekeeping, due once a minute of the service's clock: what waits, read. */
  async function housekeeping() {
    t.clock.advance(61);
    await t.app.get(SsfPushPoller).poll();
  }
  async function adminToken(): Promise<string> {
    const response = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(ADMIN.id, ADMIN.secret))
      .send({ grant_type: 'client_credentials', scope: 'admin:read' })
      .expect(200);
    return (response.body as { access_token: string }).access_token;
  }

  it('counts each stream apart, shows its backlog in the metrics and the list, and clears it once caught up', async () => {
    const signals = await SignalsReceiver.of(t, RECEIVER);
    const events = [`${RISC}account-disabled`];
    endpoint.down = true;
    const pushed = await signals.createStream({
      delivery: { method: PUSH, endpoint_url: endpoint.url },
      events_requested: events,
    });
    const polled = await signals.createStream({ events_requested: events });
    const labels = (stream: string) => ({ client: RECEIVER.id, stream });

    await t.app.get(UserAdministration, { strict: false }).disable('user0', cliCall());
    // The push receiver answers 503: retried, never delivered while it is down. The poller
    // tries every 100 ms; a loaded machine takes longer than any fixed wait, so the first retry
    // is waited for.
    let text = await eventually(async () => {
      const read = await metrics();
      const retrying = { ...labels(pushed), outcome: 'retrying' };
      return sample(read, 'proofgate_ssf_deliveries_total', retrying) >= 1 ? read : undefined;
    }, "the push stream's first retry");
    expect(sample(text, 'proofgate_ssf_sets_queued_total', labels(pushed))).toBe(1);
    expect(sample(text, 'proofgate_ssf_sets_queued_total', labels(polled))).toBe(1);
    expect(
      sample(text, 'proofgate_ssf_deliveries_total', { ...labels(pushed), outcome: 'delivered' }),
    ).toBe(0);

    await housekeeping();
    text = await metrics();
    for (const stream of [pushed, polled]) {
      expect(sample(text, 'proofgate_ssf_stream_pending', labels(stream))).toBe(1);
      // The service's clock went a minute on: the SET waits since before.
      expect(sample(text, 'proofgate_ssf_stream_lag_seconds', labels(stream))).toBeGreaterThan(60);
    }

    // The same streams, by the admin API and by the CLI: one service, one JSON.
    const listed = await t
      .http()
      .get('/admin/v1/streams')
      .set('Authorization', `Bearer ${await adminToken()}`)
      .expect(200);
    const { items, next } = listed.body as { items: Record<string, unknown>[]; next: unknown };
    expect(next).toBeNull();
    const stream = (id: string, delivery: string, endpointUrl: string | null) => ({
      stream_id: id,
      receiver: RECEIVER.id,
      delivery,
      endpoint_url: endpointUrl,
      status: 'enabled',
      status_reason: null,
      events_delivered: events,
      created_at: expect.any(String),
      pending: 1,
      lag_seconds: expect.any(Number),
    });
    expect(items).toEqual([stream(pushed, 'push', endpoint.url), stream(polled, 'poll', null)]);
    expect(JSON.stringify(items)).not.toContain('authorization');
    const cli = await adminCli(t, ['--json', 'streams', 'list']);
    expect(cli.code).toBe(0);
    // The lag is read at each call, on a clock that keeps running.
    const withoutLag = (rows: Record<string, unknown>[]) =>
      rows.map(({ lag_seconds: lag, ...row }) => ({ ...row, waited: Number(lag) >= 60 }));
    expect(withoutLag(JSON.parse(cli.stdout) as Record<string, unknown>[])).toEqual(
      withoutLag(items),
    );
    const table = await adminCli(t, ['streams', 'list']);
    expect(table.stdout).toMatch(
      new RegExp(`${pushed}\\s+${RECEIVER.id}\\s+${endpoint.url}\\s+enabled\\s+1\\s`),
    );

    // Caught up: pushed and accepted, polled and acknowledged; nothing waits, no lag series.
    endpoint.down = false;
    await endpoint.waitFor(1);
    expect((await signals.take(polled)).map((set) => set.event)).toEqual(events);
    await housekeeping();
    text = await metrics();
    for (const id of [pushed, polled]) {
      expect(
        sample(text, 'proofgate_ssf_deliveries_total', { ...labels(id), outcome: 'delivered' }),
      ).toBe(1);
      expect(text).not.toContain(
        `proofgate_ssf_stream_lag_seconds{client="${RECEIVER.id}",stream="${id}"}`,
      );
    }
    await signals.deleteStream(pushed);
    await signals.deleteStream(polled);
  });

  it.each([
    ['removes its client', 'remove'],
    ['takes its ssf_receiver away', 'unmark'],
  ] as const)(
    'deletes the streams and waiting SETs of a receiver when the operator %s, and queues it nothing more',
    async (_what, how) => {
      const clients = t.app.get(ClientAdministration, { strict: false });
      const id = `ssf-ops-gone-${how}`;
      const { secret } = await clients.add(
        {
          clientId: id,
          redirectUris: [],
          public: false,
          firstParty: false,
          grantTypes: ['client_credentials'],
          ssfReceiver: true,
        },
        cliCall(),
      );
      const signals = await SignalsReceiver.of(t, { id, secret: secret as string });
      const events = [`${RISC}account-disabled`, `${RISC}account-enabled`];
      endpoint.down = true;
      const streams = [
        await signals.createStream({
          delivery: { method: PUSH, endpoint_url: endpoint.url },
          events_requested: events,
        }),
        await signals.createStream({ events_requested: events }),
      ];
      const users = t.app.get(UserAdministration, { strict: false });
      await users.disable('user1', cliCall());
      const queued = () =>
        t.connection
          .collection(SSF_EVENT_COLLECTION)
          .countDocuments({ streamId: { $in: streams } });
      const waiting = () =>
        t.connection
          .collection(SSF_EVENT_COLLECTION)
          .countDocuments({ streamId: { $in: streams }, status: 'pending' });
      expect(await waiting()).toBe(2);

      if (how === 'remove') {
        expect(await clients.remove(id, cliCall())).toEqual({
          grantsRevoked: 1,
          streamsRemoved: 2,
        });
      } else {
        await clients.update(id, { ssfReceiver: false }, cliCall());
      }
      const listed = await t.app.get(StreamAdministration, { strict: false }).page({ limit: 100 });
      expect(listed.filter((stream) => stream.receiver === id)).toEqual([]);
      expect(await waiting()).toBe(0);
      // Its token ended with its trust: the stream API refuses it.
      await t.http().get('/ssf/streams').set(signals.auth).expect(401);
      const before = await queued();
      await users.enable('user1', cliCall());
      expect(await queued()).toBe(before);
      endpoint.down = false;
    },
  );
});
