/**
 * BACKCHANNEL_LOGOUT_ALLOW_PRIVATE in production (docs/OAUTH.md#logout): without it, no logout
 * token goes to a loopback or private address; with it (relying parties on the operator's
 * internal network), an operator-registered client's token does. A client that registers itself
 * (RFC 7591) never gets there in production, whatever the setting: with open registration anyone
 * could otherwise have the server POST to internal hosts. A plain-http host name is refused.
 */
import { decodeJwt } from 'jose';
import { LogoutDeliverySender } from '../../../../src/sessions/logout/logout-delivery.sender';
import { LogoutReceiver, logoutDelivery } from '../../../support/logout-receiver';
import { register } from '../../../support/registration';
import { TestApp, createTestApp } from '../../../support/test-app';
import { expectRefusal } from '../../../support/refusal';

const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};

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

  it('refuses a self-registered client an http logout URI on loopback and on a private address, either way', async () => {
    for (const uri of [receiver.url, 'http://10.20.30.40:8080/bcl']) {
      const res = await register(t, metadata(uri));
      expectRefusal(res, 400, 'invalid_client_metadata', 'backchannel_logout_uri must use https');
    }
  });

  it('refuses a plain-http host name either way (https stays required off loopback and private IPs)', async () => {
    const res = await register(t, metadata('http://rp.internal/bcl')).expect(400);
    expect(res.body.error).toBe('invalid_client_metadata');
  });

  it(`${allowed ? 'delivers' : 'does not deliver'} a logout token to a loopback RP`, async () => {
    const result = await t.app
      .get(LogoutDeliverySender)
      .send(logoutDelivery(receiver.url, 'internal-rp'));
    if (allowed) {
      expect(result).toEqual({ ok: true });
      expect(receiver.received).toHaveLength(1);
      expect(decodeJwt(receiver.received[0].logoutToken!)).toMatchObject({
        aud: 'internal-rp',
        sid: 'sid-1',
      });
    } else {
      // The SSRF guard refuses it before any connection: nothing reaches the RP.
      expect(result).toEqual({ ok: false, error: 'scheme http: is not fetched', timedOut: false });
      expect(receiver.received).toHaveLength(0);
    }
  });

  it('never delivers a self-registered client’s logout token to a loopback RP', async () => {
    const before = receiver.received.length;
    const result = await t.app
      .get(LogoutDeliverySender)
      .send(logoutDelivery(receiver.url, 'dcr_0123456789abcdef0123456789abcdef'));
    expect(result).toEqual({ ok: false, error: 'scheme http: is not fetched', timedOut: false });
    expect(receiver.received).toHaveLength(before);
  });
});
