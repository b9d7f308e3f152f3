/**
 * OpenID CIBA Core 1.0, ping mode (§10.2), and how a request reaches its person: a real HTTP
 * receiver on 127.0.0.1 plays both the ping client's notification endpoint and the operator's
 * CIBA_NOTIFY_URL. The CIBA outbox's poller is run by the test (`poll()` resolves once the
 * attempts it started are settled) and time moves on the test clock: no waiting on timers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../../support/loopback-server';
import { getModelToken } from '@nestjs/mongoose';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Model } from 'mongoose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { CibaNotificationPoller } from '../../../../src/oauth/ciba/notifications/ciba-notification.poller';
import { CibaNotificationRecord } from '../../../../src/oauth/ciba/notifications/persistence/ciba-notification.schema';
import { addOperatorClient } from '../../../support/operator-clients';
import { CookieBrowser, signedInBrowser } from '../../../support/cookie-browser';
import { mailbox, signInByEmailAt } from '../../../support/email';
import {
  SELF_REGISTERED_PING_CLIENT,
  backchannelRequest,
  cibaTokenRequest,
} from '../../../support/ciba';
import { expectRefusal } from '../../../support/refusal';
import { register } from '../../../support/registration';
import { eventually } from '../../../support/smtp-server';
import { TestApp, startListeningApp } from '../../../support/test-app';
import { walletBrowser } from '../../../support/wallet-login';
import { scriptTag } from '../../../../src/platform/http/html';

const PING_AGENT = 'ping-agent';
const POLL_AGENT = 'poll-agent';
const INITIAL_ACCESS_TOKEN = 'ciba-ping-initial-access-token-0123';
const NOTIFICATION_TOKEN = 'ntf-8d67dc78-7faa-4d41-aabd-67707b374255';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server that records each request and answers a path's queued statuses, then 204. */
class Receiver {
  readonly received: Received[] = [];
  readonly failNext: Record<string, number[]> = {};
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = this.failNext[req.url ?? '']?.shift() ?? 204;
      res.end();
    });
  });
  url = '';

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }
}

/** An account made by signing in with `email` (a verified address): its browser and subject. */
async function emailAccount(
  issuer: string,
  email: string,
): Promise<{ browser: CookieBrowser; sub: string }> {
  const browser = new CookieBrowser();
  await signInByEmailAt(issuer, browser, email);
  const page = await (await browser.navigate(`${issuer}/account/approvals`)).text();
  return { browser, sub: /Signed in as <strong>([^<]+)<\/strong>/.exec(page)![1] };
}

describe('CIBA ping mode and notifications (OpenID CIBA Core 1.0 §10.2)', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let issuer: string;
  const secrets: Record<string, string> = {};
  let user1: CookieBrowser;
  let poller: CibaNotificationPoller;
  let rows: Model<CibaNotificationRecord>;

  beforeAll(async () => {
    await receiver.start();
    ({ t, issuer } = await startListeningApp({
      CIBA_INTERVAL_SECONDS: '1',
      CIBA_NOTIFY_URL: `${receiver.url}/notify`,
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      // Every request of this file to user1 is announced (the budget has a describe of its own).
      RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT: '1000',
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    }));
    secrets[PING_AGENT] = (await addOperatorClient(t, {
      clientId: PING_AGENT,
      name: 'Ping agent',
      grantTypes: [CIBA_GRANT_TYPE],
      backchannelClientNotificationEndpoint: `${receiver.url}/ping`,
    }))!;
    secrets[POLL_AGENT] = (await addOperatorClient(t, {
      clientId: POLL_AGENT,
      name: 'Poll agent',
      grantTypes: [CIBA_GRANT_TYPE],
    }))!;
    poller = t.app.get(CibaNotificationPoller);
    rows = t.app.get<Model<CibaNotificationRecord>>(getModelToken(CibaNotificationRecord.name));
    user1 = await signedInBrowser(issuer);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  function backchannel(parameters: Record<string, string>, clientId = PING_AGENT) {
    return backchannelRequest(
      t,
      { clientId, secret: secrets[clientId] },
      { scope: 'openid', login_hint: 'user1', ...parameters },
    );
  }

  async function started(parameters: Record<string, string>, clientId = PING_AGENT) {
    const res = await backchannel(
      { client_notification_token: NOTIFICATION_TOKEN, ...parameters },
      clientId,
    );
    expect(res.status).toBe(200);
    return res.body as { auth_req_id: string; expires_in: number; interval: number };
  }

  function token(authReqId: string, clientId = PING_AGENT) {
    return cibaTokenRequest(t, { clientId, secret: secrets[clientId] }, authReqId);
  }

  /** The person's answer on the page (JSON, as its script posts). */
  async function answer(message: string, decision: 'approve' | 'deny'): Promise<void> {
    const res = await user1.getJson(`${issuer}/account/approvals`);
    const { approvals, csrf_token } = (await res.json()) as {
      approvals: { id: string; binding_message?: string }[];
      csrf_token: string;
    };
    const approval = approvals.find((a) => a.binding_message === message);
    if (!approval) throw new Error(`no approval with binding message ${message}`);
    const answered = await user1.postJson(
      `${issuer}/account/approvals/${approval.id}/${decision}`,
      { csrf_token },
    );
    expect(answered.status).toBe(200);
  }

  /** The pings the receiver got for `authReqId`. */
  function pingsOf(authReqId: string): Received[] {
    return receiver
      .at('/ping')
      .filter(
        (ping) => (JSON.parse(ping.body) as { auth_req_id: string }).auth_req_id === authReqId,
      );
  }

  it('publishes the ping mode beside poll', async () => {
    const res = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(res.body.backchannel_token_delivery_modes_supported).toEqual(['poll', 'ping']);
  });

  it('pings the client with its bearer once the person approves; the client then gets its tokens', async () => {
    const { auth_req_id } = await started({ binding_message: 'ping approve' });
    await poller.poll();
    expect(pingsOf(auth_req_id)).toEqual([]);
    expectRefusal(
      await token(auth_req_id),
      400,
      'authorization_pending',
      expect.any(String) as never,
    );

    await answer('ping approve', 'approve');
    await poller.poll();
    const [ping] = pingsOf(auth_req_id);
    expect(ping.headers.authorization).toBe(`Bearer ${NOTIFICATION_TOKEN}`);
    expect(ping.headers['content-type']).toBe('application/json');
    expect(JSON.parse(ping.body)).toEqual({ auth_req_id });

    t.clock.advance(1);
    const tokens = await token(auth_req_id);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: expect.any(String), scope: 'openid' });
  });

  it('pings once the person approves with a proof (a wallet’s EIP-712 signature), as after a click', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const person = await walletBrowser(t, wallet);
    const { auth_req_id } = await started({
      binding_message: 'ping proof',
      login_hint: `eip155:1:${wallet.address}`,
    });
    const listed = async () =>
      (await person.get('/account/approvals').set('Accept', 'application/json')).body as {
        approvals: { id: string; binding_message?: string }[];
        csrf_token: string;
      };
    const { approvals, csrf_token } = await listed();
    const id = approvals.find((approval) => approval.binding_message === 'ping proof')!.id;
    const asked = { method: 'eip155', address: wallet.address, chainId: 1 };
    const challenge = await person
      .post(`/account/approvals/${id}/challenge`)
      .set('Accept', 'application/json')
      .send({ csrf_token, ...asked })
      .expect(200);
    const typedData = (challenge.body as { typed_data: Parameters<typeof wallet.signTypedData>[0] })
      .typed_data;
    await person
      .post(`/account/approvals/${id}/approve`)
      .set('Accept', 'application/json')
      .send({ csrf_token, ...asked, signature: await wallet.signTypedData(typedData) })
      .expect(200);

    await poller.poll();
    const [ping] = pingsOf(auth_req_id);
    expect(ping.headers.authorization).toBe(`Bearer ${NOTIFICATION_TOKEN}`);
    t.clock.advance(1);
    expect((await token(auth_req_id)).status).toBe(200);
  });

  it('pings after a deny too; the client then learns access_denied', async () => {
    const { auth_req_id } = await started({ binding_message: 'ping deny' });
    await answer('ping deny', 'deny');
    await poller.poll();
    expect(pingsOf(auth_req_id)).toHaveLength(1);
    t.clock.advance(1);
    expectRefusal(await token(auth_req_id), 400, 'access_denied', expect.any(String) as never);
  });

  it('retries a ping the endpoint refused, after the backoff, from the durable outbox', async () => {
    const { auth_req_id } = await started({ binding_message: 'ping retry' });
    receiver.failNext['/ping'] = [503];
    await answer('ping retry', 'approve');
    await poller.poll();
    expect(pingsOf(auth_req_id)).toHaveLength(1);
    const row = await rows.findOne({ kind: 'ping', status: 'pending' }).lean().exec();
    expect(row).toMatchObject({ attempts: 1, lastError: 'HTTP status 503' });
    // Nothing due before the first retry's wait.
    await poller.poll();
    expect(pingsOf(auth_req_id)).toHaveLength(1);

    t.clock.advance(1);
    await poller.poll();
    expect(pingsOf(auth_req_id)).toHaveLength(2);
    const done = await rows.findById(row!._id).lean().exec();
    expect(done).toMatchObject({ status: 'delivered', attempts: 2 });
    // A finished row keeps no content (the token and auth_req_id were sealed in it).
    expect(done!.sealed).toBeUndefined();
  });

  it('refuses a ping client’s request without client_notification_token, or with a malformed one', async () => {
    expectRefusal(
      await backchannel({ binding_message: 'no token' }),
      400,
      'invalid_request',
      'client_notification_token is required: this client is registered for the ping mode (CIBA Core 1.0 §7.1)',
    );
    expectRefusal(
      await backchannel({ client_notification_token: 'not a bearer token' }),
      400,
      'invalid_request',
      'client_notification_token must be a bearer token (RFC 6750 §2.1) of at most 1024 characters',
    );
  });

  it('keeps the client_notification_token out of the approvals page and its JSON', async () => {
    await started({ binding_message: 'token hidden' });
    const json = await (await user1.getJson(`${issuer}/account/approvals`)).text();
    const page = await (await user1.navigate(`${issuer}/account/approvals`)).text();
    expect(json).toContain('token hidden');
    expect(json).not.toContain(NOTIFICATION_TOKEN);
    expect(page).not.toContain(NOTIFICATION_TOKEN);
  });

  it('gives the live page what its script reads: the list container, the script, and the JSON ids of the cards', async () => {
    await started({ binding_message: 'live ids' });
    const page = await (await user1.navigate(`${issuer}/account/approvals`)).text();
    expect(page).toContain('<div id="approvals-list" aria-live="polite">');
    expect(page).toContain(scriptTag('/static/account-approvals.js'));
    const { approvals } = (await (await user1.getJson(`${issuer}/account/approvals`)).json()) as {
      approvals: { id: string; binding_message?: string }[];
    };
    const live = approvals.find((approval) => approval.binding_message === 'live ids')!;
    expect(page).toContain(`data-approval-id="${live.id}"`);
    const script = await t.http().get('/static/account-approvals.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(script.text).toContain("getElementById('approvals-list')");
  });

  it('posts a JWT signed with the issuer’s keys to CIBA_NOTIFY_URL for each new request: claims, never the auth_req_id', async () => {
    const before = receiver.at('/notify').length;
    const { auth_req_id } = await started({ binding_message: 'notify me' }, PING_AGENT);
    await poller.poll();
    const notified = receiver.at('/notify').slice(before);
    expect(notified).toHaveLength(1);
    const [notify] = notified;
    expect(notify.headers['content-type']).toBe('application/jwt');
    expect(notify.body).not.toContain(auth_req_id);
    const { payload, protectedHeader } = await jwtVerify(
      notify.body,
      createRemoteJWKSet(new URL(`${issuer}/jwks.json`)),
      { issuer, typ: 'ciba-notify+jwt', currentDate: t.clock.now() },
    );
    expect(protectedHeader.typ).toBe('ciba-notify+jwt');
    expect(payload).toEqual({
      iss: issuer,
      sub: 'user1',
      client_id: PING_AGENT,
      client_name: 'Ping agent',
      binding_message: 'notify me',
      approvals_uri: `${issuer}/account/approvals`,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
    expect(JSON.stringify(payload)).not.toContain(auth_req_id);
  });

  it('tells nobody of a request for an unknown login_hint, yet writes the same one outbox row', async () => {
    const before = receiver.at('/notify').length;
    const rowsBefore = await rows.countDocuments({ kind: 'announce' }).exec();
    await started({ login_hint: 'nobody-here', binding_message: 'unknown' }, POLL_AGENT);
    await started({ login_hint: 'user1', binding_message: 'known' }, POLL_AGENT);
    // One announcement each, whoever the hint names: the endpoint's work does not tell them apart.
    expect(await rows.countDocuments({ kind: 'announce' }).exec()).toBe(rowsBefore + 2);
    await poller.poll();
    const notified = receiver.at('/notify').slice(before);
    expect(notified).toHaveLength(1);
    const claims = JSON.parse(
      Buffer.from(notified[0].body.split('.')[1], 'base64url').toString(),
    ) as { binding_message: string };
    expect(claims.binding_message).toBe('known');
  });

  it('mails an account with a verified email address the link to its approvals page', async () => {
    const email = 'ciba-person@example.com';
    const { sub } = await emailAccount(issuer, email);
    const { auth_req_id } = await started(
      { login_hint: sub, binding_message: 'mail me' },
      POLL_AGENT,
    );
    await poller.poll();
    const mail = await eventually(
      async () => (await mailbox(t)).find((m) => m.to === email && m.text.includes('mail me')),
      'the approval mail',
    );
    expect(mail.subject).toBe('Poll agent asks to act for you');
    expect(mail.text).toContain(`${issuer}/account/approvals`);
    expect(mail.text).not.toContain(auth_req_id);
  });

  describe('registration (CIBA Core 1.0 §4)', () => {
    const pingClient = SELF_REGISTERED_PING_CLIENT;

    it('registers a ping client with its endpoint (http on loopback outside production), which is pinged', async () => {
      const res = await register(
        t,
        { ...pingClient, backchannel_client_notification_endpoint: `${receiver.url}/ping` },
        INITIAL_ACCESS_TOKEN,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: `${receiver.url}/ping`,
      });
      const { client_id, client_secret } = res.body as { client_id: string; client_secret: string };
      secrets[client_id] = client_secret;
      const { auth_req_id } = await started({ binding_message: 'registered ping' }, client_id);
      await answer('registered ping', 'approve');
      await poller.poll();
      expect(pingsOf(auth_req_id)).toHaveLength(1);
    });

    it('holds the operator’s clients (proofgate-admin clients add --ciba-ping) to the same rules', async () => {
      await expect(
        addOperatorClient(t, {
          clientId: 'bad-ping-agent',
          grantTypes: [CIBA_GRANT_TYPE],
          backchannelClientNotificationEndpoint: 'http://agent.example.com/ping',
        }),
      ).rejects.toThrow(
        'backchannel_client_notification_endpoint may use http only on a loopback host or a private IP address (127.0.0.1, [::1], localhost, 10.0.0.5, ...); use https',
      );
      await expect(
        addOperatorClient(t, {
          clientId: 'bad-poll-agent',
          grantTypes: ['client_credentials'],
          backchannelClientNotificationEndpoint: 'https://agent.example.com/ping',
        }),
      ).rejects.toThrow(
        'backchannel_token_delivery_mode is for a client of the urn:openid:params:grant-type:ciba grant',
      );
    });

    it.each([
      [
        'ping without an endpoint',
        {},
        'backchannel_client_notification_endpoint is required with backchannel_token_delivery_mode "ping" (CIBA Core 1.0 §4)',
      ],
      [
        'an endpoint neither https nor on a loopback or private address',
        { backchannel_client_notification_endpoint: 'http://agent.example.com/ping' },
        'backchannel_client_notification_endpoint may use http only on a loopback host or a private IP address (127.0.0.1, [::1], localhost, 10.0.0.5, ...); use https',
      ],
      [
        'an endpoint with a fragment',
        { backchannel_client_notification_endpoint: 'https://agent.example.com/ping#x' },
        'backchannel_client_notification_endpoint must not contain a fragment',
      ],
    ])('refuses %s', async (_what, extra, description) => {
      const res = await register(t, { ...pingClient, ...extra }, INITIAL_ACCESS_TOKEN);
      expectRefusal(res, 400, 'invalid_client_metadata', description);
    });
  });

  it('delivers a ping another instance left to retry: the outbox outlives the instance', async () => {
    const { auth_req_id } = await started({ binding_message: 'ping restart' });
    receiver.failNext['/ping'] = [503];
    await answer('ping restart', 'approve');
    await poller.poll();
    expect(pingsOf(auth_req_id)).toHaveLength(1);
    // This instance stops (as at shutdown): its timer no longer polls (the last test of the file).
    await poller.beforeApplicationShutdown();
    // A second instance on the same database (a restart, or another replica), past the backoff.
    const { t: other } = await startListeningApp({ CIBA_NOTIFY_URL: `${receiver.url}/notify` });
    try {
      other.clock.advance(60);
      await other.app.get(CibaNotificationPoller).poll();
      expect(pingsOf(auth_req_id)).toHaveLength(2);
      expect(pingsOf(auth_req_id)[1].headers.authorization).toBe(`Bearer ${NOTIFICATION_TOKEN}`);
      const delivered = await rows
        .findOne({ kind: 'ping', status: 'delivered' })
        .sort({ finishedAt: -1 })
        .lean()
        .exec();
      const otherPoller: unknown = other.app.get(CibaNotificationPoller);
      const otherOwner = (otherPoller as { owner: string }).owner;
      expect(delivered!.leaseOwner).toBe(otherOwner);
    } finally {
      await other.close();
    }
  });
});

describe('CIBA announcements to one account (RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT an hour)', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let issuer: string;
  let secret: string;

  beforeAll(async () => {
    await receiver.start();
    ({ t, issuer } = await startListeningApp({
      CIBA_NOTIFY_URL: `${receiver.url}/notify`,
      RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT: '2',
    }));
    secret = (await addOperatorClient(t, {
      clientId: POLL_AGENT,
      name: 'Poll agent',
      grantTypes: [CIBA_GRANT_TYPE],
    }))!;
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('tells an account of that many new requests an hour; the others wait on its page, unannounced, and /backchannel answers alike', async () => {
    const email = 'ciba-flooded@example.com';
    const { browser, sub } = await emailAccount(issuer, email);
    const ask = async (message: string) => {
      const res = await backchannelRequest(
        t,
        { clientId: POLL_AGENT, secret },
        { scope: 'openid', login_hint: sub, binding_message: message },
      );
      expect(res.status).toBe(200);
    };
    const poller = t.app.get(CibaNotificationPoller);
    const announced = async () => {
      for (let i = 0; i < 5; i += 1) await poller.poll();
      const [mails, notifies] = await Promise.all([
        t.connection.collection('mail_deliveries').countDocuments({ purpose: 'ciba_request' }),
        t.app
          .get<Model<CibaNotificationRecord>>(getModelToken(CibaNotificationRecord.name))
          .countDocuments({ kind: 'notify' }),
      ]);
      return { mails, notifies };
    };
    for (let i = 0; i < 4; i += 1) await ask(`flood ${i}`);
    expect(await announced()).toEqual({ mails: 2, notifies: 2 });
    const listed = (await (await browser.getJson(`${issuer}/account/approvals`)).json()) as {
      approvals: unknown[];
    };
    expect(listed.approvals).toHaveLength(4);
    // The next hour's window: told again.
    t.clock.advance(3600);
    await ask('an hour later');
    expect(await announced()).toEqual({ mails: 3, notifies: 3 });
  });
});
