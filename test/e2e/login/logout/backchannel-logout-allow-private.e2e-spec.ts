/**
 * BACKCHANNEL_LOGOUT_ALLOW_PRIVATE in production (docs/OAUTH.md#logout): without it, a client
 * cannot register an http `backchannel_logout_uri` on loopback or a private address and a logout
 * token is not sent there; with it (relying parties on the operator's internal network), both
 * are accepted, while a plain-http host name is still refused.
 */
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { LogoutDeliverySender } from '../../../../src/login/logout/logout-delivery.sender';
import { LogoutReceiver } from '../../../support/logout-receiver';
import { register } from '../../../support/registration';
import { TestApp, createTestApp } from '../../../support/test-app';

const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};

function delivery(uri: string) {
  const now = new Date();
  return {
    deliveryId: randomUUID(),
    clientId: 'internal-rp',
    uri,
    sub: 'user-1',
    sid: 'sid-1',
    createdAt: now,
    giveUpAt: new Date(now.getTime() + 60_000),
    attempts: 1,
  };
}

describe.each([
  [false, {}],
  [true, { BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true' }],
])('BACKCHANNEL_LOGOUT_ALLOW_PRIVATE=%s in production', (allowed, settings) => {
  let t: TestApp;
  let receiver: LogoutReceiver;

  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
    t = await createTestApp({ ...PRODUCTION, ...settings });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const metadata = (uri: string) => ({
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://rp.example/cb'],
    backchannel_logout_uri: uri,
  });

  it(`${allowed ? 'registers' : 'refuses'} an http logout URI on loopback and on a private address`, async () => {
    for (const uri of [receiver.url, 'http://10.20.30.40:8080/bcl']) {
      const res = await register(t, metadata(uri)).expect(allowed ? 201 : 400);
      expect(res.body).toEqual(
        allowed
          ? expect.objectContaining({ backchannel_logout_uri: uri })
          : {
              error: 'invalid_client_metadata',
              error_description: 'backchannel_logout_uri must use https',
            },
      );
    }
  });

  it('refuses a plain-http host name either way (https stays required off loopback and private IPs)', async () => {
    const res = await register(t, metadata('http://rp.internal/bcl')).expect(400);
    expect(res.body.error).toBe('invalid_client_metadata');
  });

  it(`${allowed ? 'delivers' : 'does not deliver'} a logout token to a loopback RP`, async () => {
    const result = await t.app.get(LogoutDeliverySender).send(delivery(receiver.url));
    if (allowed) {
      expect(result).toEqual({ ok: true });
      expect(receiver.received).toHaveLength(1);
      expect(decodeJwt(receiver.received[0].logoutToken!)).toMatchObject({
        aud: 'internal-rp',
        sid: 'sid-1',
      });
    } else {
      // The SSRF guard refuses it before any connection: nothing reaches the RP.
      expect(result).toEqual({ ok: false, error: 'scheme http: is not fetched' });
      expect(receiver.received).toHaveLength(0);
    }
  });
});
