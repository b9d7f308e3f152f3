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
import { CibaNotifications } from '../../../../src/oauth/ciba/notifications/ciba-notifications';
import {
  type CountingReceiver,
  PRODUCTION,
  answeredRequest,
  firstAttempt,
  startReceiver,
} from '../../../support/ciba-outbox';
import { TestApp, createTestApp } from '../../../support/test-app';

describe.each([
  [false, {}],
  [true, { CIBA_NOTIFICATION_ALLOW_PRIVATE: 'true' }],
])('CIBA_NOTIFICATION_ALLOW_PRIVATE=%s in production', (allowed, settings) => {
  let t: TestApp;
  let receiver: CountingReceiver;
  let url: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    url = `${receiver.origin}/ciba`;
    t = await createTestApp({ ...PRODUCTION, ...settings, CIBA_NOTIFY_URL: url });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const answered = (clientId: string) => answeredRequest(t.app, clientId, url);

  it(`${allowed ? 'connects to' : 'never connects to'} the operator's CIBA_NOTIFY_URL on loopback`, async () => {
    const before = receiver.connections();
    const outcome = await firstAttempt(t.app, 'notify', () =>
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
    const outcome = await firstAttempt(t.app, 'ping', () =>
      t.app.get(CibaNotifications).answered(answered('internal-agent')),
    );
    expect(outcome).toBe('retrying');
    expect(receiver.connections() > before).toBe(allowed);
  });

  it('never connects to a self-registered client’s ping endpoint on loopback', async () => {
    const before = receiver.connections();
    const outcome = await firstAttempt(t.app, 'ping', () =>
      t.app.get(CibaNotifications).answered(answered('dcr_0123456789abcdef0123456789abcdef')),
    );
    expect(outcome).toBe('retrying');
    expect(receiver.connections()).toBe(before);
  });
});
