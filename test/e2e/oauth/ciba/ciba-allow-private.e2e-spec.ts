/**
 * CIBA_NOTIFICATION_ALLOW_PRIVATE in production (docs/AGENTS.md#reaching-the-person): without it,
 * neither the operator's CIBA_NOTIFY_URL nor a ping reaches a loopback or private address; with
 * it (a push gateway or agents on the operator's internal network), the notification and an
 * operator-registered client's ping do. A client that registered itself never gets there in
 * production, whatever the setting.
 *
 * The receiver is an https server on 127.0.0.1 whose certificate the service does not trust: what
 * is asserted is whether the service connected at all (the SSRF guard refuses before connecting).
 */
import { EventEmitter2 } from '@nestjs/event-emitter';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { StoredChallenge } from '../../../../src/challenges/challenge';
import type { CibaRequestPayload } from '../../../../src/oauth/ciba/ciba-request';
import { CibaNotifications } from '../../../../src/oauth/ciba/notifications/ciba-notifications';
import { CibaNotificationAttempted } from '../../../../src/oauth/ciba/notifications/ciba-notifications.events';
import { selfSignedCertificate } from '../../../support/self-signed-certificate';
import { TestApp, createTestApp } from '../../../support/test-app';

const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};

/** An https receiver on loopback that counts the connections made to it. */
async function startReceiver(): Promise<{
  server: Server;
  url: string;
  connections: () => number;
}> {
  let connections = 0;
  const server = createServer(selfSignedCertificate(['127.0.0.1']), (_req, res) => res.end());
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `https://127.0.0.1:${port}/ciba`, connections: () => connections };
}

describe.each([
  [false, {}],
  [true, { CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true' }],
])('CIBA_NOTIFICATION_ALLOW_PRIVATE=%s in production', (allowed, settings) => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({ ...PRODUCTION, ...settings, CIBA_NOTIFY_URL: receiver.url });
  });
  afterAll(async () => {
    await t.close();
    receiver.server.close();
  });

  /** Runs `queue` and waits for the poller's first attempt of the row of `kind` it queues. */
  async function firstAttempt(kind: string, queue: () => Promise<void>): Promise<string> {
    const attempted = new Promise<string>((resolve) => {
      const listener = (event: CibaNotificationAttempted) => {
        if (event.kind !== kind) return;
        t.app.get(EventEmitter2).off(CibaNotificationAttempted.type, listener);
        resolve(event.outcome);
      };
      t.app.get(EventEmitter2).on(CibaNotificationAttempted.type, listener);
    });
    await queue();
    return attempted;
  }

  /** An answered request of `clientId` whose ping goes to the receiver. */
  function answered(clientId: string): StoredChallenge<CibaRequestPayload> {
    const seal = t.app.get(CibaNotifications).seal;
    const ping = seal.sealPing(
      {
        endpoint: receiver.url,
        clientNotificationToken: 'n'.repeat(40),
        authReqId: 'a'.repeat(43),
      },
      clientId,
    );
    return {
      binding: { client_id: clientId },
      payload: { ping },
      expiresAt: new Date(Date.now() + 300_000),
    } as unknown as StoredChallenge<CibaRequestPayload>;
  }

  it(`${allowed ? 'connects to' : 'never connects to'} the operator's CIBA_NOTIFY_URL on loopback`, async () => {
    const before = receiver.connections();
    const outcome = await firstAttempt('notify', () =>
      t.app.get(CibaNotifications).notify(`n-${Date.now()}`, {
        sub: 'acct-internal',
        clientId: 'internal-agent',
        clientName: 'Internal agent',
        expiresAt: Math.floor(Date.now() / 1000) + 300,
      }),
    );
    // The certificate is not trusted either way: the attempt is retried, but only with the
    // setting did it leave for the address.
    expect(outcome).toBe('retrying');
    expect(receiver.connections() > before).toBe(allowed);
  });

  it(`${allowed ? 'connects to' : 'never connects to'} an operator-registered client's ping endpoint on loopback`, async () => {
    const before = receiver.connections();
    const outcome = await firstAttempt('ping', () =>
      t.app.get(CibaNotifications).answered(answered('internal-agent')),
    );
    expect(outcome).toBe('retrying');
    expect(receiver.connections() > before).toBe(allowed);
  });

  it('never connects to a self-registered client’s ping endpoint on loopback', async () => {
    const before = receiver.connections();
    const outcome = await firstAttempt('ping', () =>
      t.app.get(CibaNotifications).answered(answered('dcr_0123456789abcdef0123456789abcdef')),
    );
    expect(outcome).toBe('retrying');
    expect(receiver.connections()).toBe(before);
  });
});
