/**
 * Issue #76: where a CIBA notification may go in production. A ping client's
 * `backchannel_client_notification_endpoint` (registered by the client itself, RFC 7591) and the
 * operator's CIBA_NOTIFY_URL both leave through the SSRF guard (GuardedFetcher): https to public
 * addresses only. Registration refuses an endpoint that is plainly not public; a name that
 * resolves to a private, loopback, link-local, IPv4-mapped or unique-local address is refused at
 * each POST, before any connection; a redirect is never followed; and a name whose DNS answer
 * changes between the check and the connection (DNS rebinding) is connected to at the address that
 * was checked, or refused. The host resolver is the guard's port (HostResolver): a script of
 * answers per name stands for DNS. A receiver on 127.0.0.1 counts every connection made to it.
 */
import { getModelToken } from '@nestjs/mongoose';
import { channel } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Model } from 'mongoose';
import { ChallengeStore } from '../../../../src/challenges/challenge-store';
import type { CibaRequestPayload } from '../../../../src/oauth/ciba/ciba-request';
import type { CibaNotificationKind } from '../../../../src/oauth/ciba/notifications/ciba-notification';
import { CibaNotificationPoller } from '../../../../src/oauth/ciba/notifications/ciba-notification.poller';
import { CibaNotifications } from '../../../../src/oauth/ciba/notifications/ciba-notifications';
import { CibaNotificationRecord } from '../../../../src/oauth/ciba/notifications/persistence/ciba-notification.schema';
import {
  HostResolutionError,
  HostResolver,
  type ResolvedAddress,
} from '../../../../src/platform/http/outbound/host-resolver';
import { SELF_REGISTERED_PING_CLIENT, backchannelRequest } from '../../../support/ciba';
import {
  type CountingReceiver,
  PRODUCTION,
  answeredRequest,
  firstAttempt,
  settledAttempt,
  startReceiver,
} from '../../../support/ciba-outbox';
import { expectRefusal } from '../../../support/refusal';
import { register } from '../../../support/registration';
import { TestApp, createTestApp } from '../../../support/test-app';

const INITIAL_ACCESS_TOKEN = 'ciba-ssrf-initial-access-token-0123456';
/** A public address (example.com's, once): what the checked answer of a rebinding name is. */
const PUBLIC = '93.184.216.34';

/** DNS as a script: each name's answers in turn, the last one kept. Records every question. */
class ScriptedResolver extends HostResolver {
  readonly asked: string[] = [];
  private readonly scripts = new Map<string, string[][]>();

  answer(hostname: string, ...answers: string[][]): void {
    this.scripts.set(hostname, answers);
  }

  resolve(hostname: string): Promise<ResolvedAddress[]> {
    this.asked.push(hostname);
    const script = this.scripts.get(hostname);
    if (script === undefined) return Promise.reject(new HostResolutionError('ENOTFOUND'));
    const addresses = script.length > 1 ? script.shift()! : script[0];
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }

  questions(hostname: string): number {
    return this.asked.filter((asked) => asked === hostname).length;
  }
}

/**
 * Where the process's outbound HTTP requests to `host` connected (Node's diagnostics channel of
 * client requests): the remote address of each socket that connected.
 */
class Connections {
  private readonly seen: { host: string; address: string }[] = [];
  private readonly started = channel('http.client.request.start');
  private readonly listener = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const socket = request.socket;
    if (socket === null) return;
    socket.once('connect', () =>
      this.seen.push({ host: request.host, address: socket.remoteAddress ?? '' }),
    );
  };

  start(): void {
    this.started.subscribe(this.listener);
  }

  stop(): void {
    this.started.unsubscribe(this.listener);
  }

  to(host: string): string[] {
    return this.seen.filter((seen) => seen.host === host).map((seen) => seen.address);
  }
}

/** Each refused address, what the resolver answers for it, and the guard's reason. */
const NON_PUBLIC: readonly [string, string[], string][] = [
  ['private', ['10.0.0.5'], 'private'],
  ['loopback', ['127.0.0.1'], 'loopback'],
  ['link-local (the cloud metadata service)', ['169.254.169.254'], 'link-local'],
  ['IPv6-mapped IPv4 loopback', ['::ffff:127.0.0.1'], 'IPv4-mapped loopback'],
  ['IPv6 loopback', ['::1'], 'loopback'],
  ['IPv6 unique-local', ['fd00::5'], 'unique-local'],
  ['carrier-grade NAT', ['100.64.0.1'], 'shared (CGNAT)'],
  ['a public address and a loopback one', [PUBLIC, '127.0.0.1'], 'loopback'],
];

describe('CIBA notifications through the SSRF guard in production (issue #76)', () => {
  const resolver = new ScriptedResolver();
  const connections = new Connections();
  let receiver: CountingReceiver;
  let t: TestApp;
  let rows: Model<CibaNotificationRecord>;

  beforeAll(async () => {
    connections.start();
    receiver = await startReceiver();
    t = await createTestApp(
      {
        ...PRODUCTION,
        CIBA_NOTIFY_URL: `https://push.example:${receiver.port}/notify`,
        REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
        // Every test registers a client or tries to.
        RATE_LIMIT_REGISTER_PER_IP: '1000',
      },
      [[HostResolver, resolver]],
    );
    rows = t.app.get<Model<CibaNotificationRecord>>(getModelToken(CibaNotificationRecord.name));
    // Nothing refused is retried unless a test moves the clock: each test sees its own attempts.
    t.clock.freeze();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    connections.stop();
  });

  /** Why the `attempts`th attempt at `clientId`'s notification of `kind` failed, once it settled. */
  async function failure(
    clientId: string,
    kind: CibaNotificationKind,
    attempts = 1,
  ): Promise<string | undefined> {
    const row = await settledAttempt(rows, clientId, kind, attempts);
    expect(row.status).toBe('pending');
    return row.lastError;
  }

  const registerPingClient = (endpoint: string) =>
    register(
      t,
      { ...SELF_REGISTERED_PING_CLIENT, backchannel_client_notification_endpoint: endpoint },
      INITIAL_ACCESS_TOKEN,
    );

  /**
   * A ping client registered with `endpoint`, a backchannel request of it, and that request
   * answered (its ping queued): the client's id.
   */
  async function pingOfRegisteredClient(endpoint: string): Promise<string> {
    const registered = await registerPingClient(endpoint);
    expect(registered.status).toBe(201);
    const { client_id: clientId, client_secret: secret } = registered.body as {
      client_id: string;
      client_secret: string;
    };
    const asked = await backchannelRequest(
      t,
      { clientId, secret },
      { scope: 'openid', login_hint: 'someone', client_notification_token: 'n'.repeat(40) },
    );
    expect(asked.status).toBe(200);
    const request = await t.app
      .get(ChallengeStore)
      .peek<CibaRequestPayload>('ciba_request', asked.body.auth_req_id as string);
    await t.app.get(CibaNotifications).answered(request!);
    return clientId;
  }

  describe('registration refuses an endpoint that is plainly not public', () => {
    const field = 'backchannel_client_notification_endpoint';
    const normalised =
      'must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port)';
    it.each([
      ['https://10.0.0.5/ping', 'must be on a public address (not private)'],
      ['https://127.0.0.1/ping', 'must be on a public address (not loopback)'],
      ['https://localhost/ping', 'must be on a public address (not loopback)'],
      // RFC 6761 §6.3: every name under localhost is loopback too (as the resolver answers it).
      ['https://agent.localhost/ping', 'must be on a public address (not loopback)'],
      ['https://localhost./ping', 'must be on a public address (not loopback)'],
      ['https://169.254.169.254/latest/meta-data', 'must be on a public address (not link-local)'],
      ['https://[::1]/ping', 'must be on a public address (not loopback)'],
      ['https://[::ffff:7f00:1]/ping', 'must be on a public address (not IPv4-mapped loopback)'],
      ['https://[fd00::5]/ping', 'must be on a public address (not unique-local)'],
      // Other spellings of an address: refused as not what URL parsing gives back.
      ['https://[::ffff:127.0.0.1]/ping', normalised],
      ['https://2130706433/ping', normalised],
      ['https://0x7f.0.0.1/ping', normalised],
      ['http://agent.example/ping', 'must use https'],
    ])('%s', async (endpoint, problem) => {
      expectRefusal(
        await registerPingClient(endpoint),
        400,
        'invalid_client_metadata',
        `${field} ${problem}`,
      );
    });
  });

  it.each(NON_PUBLIC)(
    'refuses a self-registered client’s ping to a name resolving to %s, before any connection',
    async (_kind, addresses, reason) => {
      const host = `ping-${resolver.asked.length}.example`;
      resolver.answer(host, addresses);
      const before = receiver.connections();
      const clientId = await pingOfRegisteredClient(`https://${host}:${receiver.port}/ping`);
      expect(await failure(clientId, 'ping')).toBe(
        `the host resolves to a non-public address (${reason})`,
      );
      expect(resolver.questions(host)).toBe(1);
      expect(connections.to(host)).toEqual([]);
      expect(receiver.connections()).toBe(before);
    },
  );

  it.each([
    ['loopback', '127.0.0.1', 'loopback'],
    ['IPv6-mapped IPv4 loopback (::ffff:127.0.0.1)', '[::ffff:7f00:1]', 'IPv4-mapped loopback'],
    ['IPv6 loopback', '[::1]', 'loopback'],
  ])(
    'refuses a ping to an IP literal, %s, on the receiver’s own port: nothing connects',
    async (_kind, host, reason) => {
      const clientId = `literal-${host.replace(/\W+/g, '-')}`;
      const before = receiver.connections();
      await t.app
        .get(CibaNotifications)
        .answered(answeredRequest(t.app, clientId, `https://${host}:${receiver.port}/ping`));
      expect(await failure(clientId, 'ping')).toBe(
        `the host resolves to a non-public address (${reason})`,
      );
      expect(receiver.connections()).toBe(before);
    },
  );

  it.each(NON_PUBLIC)(
    'refuses the person’s notification (CIBA_NOTIFY_URL) to a name resolving to %s',
    async (kind, addresses, reason) => {
      resolver.answer('push.example', addresses);
      const clientId = `agent-${kind.replace(/\W+/g, '-')}`;
      const before = receiver.connections();
      await t.app.get(CibaNotifications).notify(`announced-${clientId}`, {
        sub: 'person',
        clientId,
        clientName: 'Agent',
        expiresAt: Math.floor(t.clock.now().getTime() / 1000) + 300,
      });
      expect(await failure(clientId, 'notify')).toBe(
        `the host resolves to a non-public address (${reason})`,
      );
      expect(connections.to('push.example')).toEqual([]);
      expect(receiver.connections()).toBe(before);
    },
  );

  it('connects to the address it checked when the name’s answer changes to loopback (DNS rebinding), then refuses it', async () => {
    // The first answer public, every later one the receiver's loopback address.
    resolver.answer('rebind.example', [PUBLIC], ['127.0.0.1']);
    const before = receiver.connections();
    const clientId = await pingOfRegisteredClient(`https://rebind.example:${receiver.port}/ping`);
    // Checked once, and never asked again for the connection: whatever it met there (no answer,
    // or a server that is not this host), it was at the checked address.
    expect(await failure(clientId, 'ping')).not.toMatch(/non-public/);
    expect(resolver.questions('rebind.example')).toBe(1);
    for (const address of connections.to('rebind.example')) expect(address).toBe(PUBLIC);
    expect(receiver.connections()).toBe(before);

    // The retry resolves afresh: the new answer is checked, and refused.
    t.clock.advance(2);
    await t.app.get(CibaNotificationPoller).poll();
    expect(await failure(clientId, 'ping', 2)).toBe(
      'the host resolves to a non-public address (loopback)',
    );
    expect(resolver.questions('rebind.example')).toBe(2);
    expect(connections.to('rebind.example').filter((address) => address !== PUBLIC)).toEqual([]);
    expect(receiver.connections()).toBe(before);
  }, 20_000);
});

describe('CIBA pings never follow a redirect, even where the operator opened private addresses', () => {
  let t: TestApp;
  let inside: CountingReceiver;
  let redirecting: CountingReceiver;

  beforeAll(async () => {
    inside = await startReceiver(false);
    redirecting = await startReceiver(false, (_req, res) =>
      res.writeHead(307, { location: `${inside.origin}/internal` }).end(),
    );
    t = await createTestApp({ ...PRODUCTION, CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true' });
    t.clock.freeze();
  });
  afterAll(async () => {
    await t.close();
    await inside.close();
    await redirecting.close();
  });

  it('answers a 307 to a private address as a failed attempt, and never requests its target', async () => {
    // An operator's client on its internal network (the only first hop a test can reach in
    // production): its endpoint answers with a redirect to another internal address.
    const outcome = await firstAttempt(t.app, 'ping', () =>
      t.app
        .get(CibaNotifications)
        .answered(answeredRequest(t.app, 'internal-agent', `${redirecting.origin}/ping`)),
    );
    expect(outcome).toBe('retrying');
    const rows = t.app.get<Model<CibaNotificationRecord>>(
      getModelToken(CibaNotificationRecord.name),
    );
    const row = await rows.findOne({ clientId: 'internal-agent' }).lean().exec();
    expect(row?.lastError).toBe('HTTP status 307');
    expect(redirecting.connections()).toBe(1);
    expect(inside.connections()).toBe(0);
  });
});
