/**
 * A back-channel logout URI on `localhost` (issue #47, item 4): the OpenID Foundation's suite,
 * run beside the server, names its own logout endpoint by a host name its machine knows from the
 * hosts file (`localhost`, or a docker-compose `extra_hosts` name), which no DNS server knows.
 * Outbound resolution answers such names as the operating system does (hosts file, then
 * `localhost` as loopback, then DNS), and the SSRF guard still checks the address they give:
 * loopback is delivered to only where private addresses are allowed.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { LogoutDeliverySender } from '../../../../src/sessions/logout/logout-delivery.sender';
import { UserAccountService } from '../../../../src/accounts/users/user-account.service';
import { LogoutReceiver, logoutDelivery } from '../../../support/logout-receiver';
import { exchangeCode, login, obtainCode, clientEntry } from '../../../support/oauth';
import { TestApp, createTestApp } from '../../../support/test-app';

const RP = {
  id: 'rp-on-localhost',
  secret: 'rp-on-localhost-secret',
  redirectUri: 'http://127.0.0.1:7301/callback',
  signedOut: 'http://127.0.0.1:7301/signed-out',
};

/** The receiver's URL with the host name `localhost` instead of its IP literal. */
const onLocalhost = (receiver: LogoutReceiver, scheme = 'http') =>
  receiver.url.replace(/^http:\/\/127\.0\.0\.1:/, `${scheme}://localhost:`);

describe('oidcc-backchannel-rp-initiated-logout: a logout URI on localhost is delivered (private addresses allowed)', () => {
  let t: TestApp;
  let receiver: LogoutReceiver;

  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
    // Outside production BACKCHANNEL_LOGOUT_ALLOW_PRIVATE is on by default: an operator's RP on
    // this machine, as the suite's is.
    t = await createTestApp({
      ISSUER: 'http://localhost:25000',
      BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '100',
      BACKCHANNEL_LOGOUT_FIRST_RETRY_MS: '100',
      OAUTH_CLIENTS: JSON.stringify([
        clientEntry(RP, {
          first_party: true,
          post_logout_redirect_uris: [RP.signedOut],
          backchannel_logout_uri: onLocalhost(receiver),
        }),
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('RP-initiated logout: the logout token reaches http://localhost:<port>', async () => {
    await t.app.get(UserAccountService).register('localhost-rp-user', 'a-logout-password-1');
    const agent = request.agent(t.app.getHttpServer());
    await login(agent, '/', 'localhost-rp-user', 'a-logout-password-1');
    const { code, verifier } = await obtainCode(agent, {
      client_id: RP.id,
      redirect_uri: RP.redirectUri,
      scope: 'openid',
      nonce: 'n-localhost',
    });
    const tokens = (await exchangeCode(t.app.getHttpServer(), code, verifier, RP).expect(200))
      .body as { id_token: string };

    await agent
      .get('/end_session')
      .query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: RP.signedOut })
      .expect(302);

    // Before the fix: `localhost` went to DNS (c-ares) only, and every attempt failed ENOTFOUND.
    const [received] = await receiver.waitFor(1);
    expect(received.status).toBe(200);
    expect(decodeJwt(received.logoutToken!)).toMatchObject({
      aud: RP.id,
      sub: 'localhost-rp-user',
      sid: decodeJwt(tokens.id_token).sid,
    });
  });
});

describe('a logout URI on localhost in production: loopback only with BACKCHANNEL_LOGOUT_ALLOW_PRIVATE', () => {
  const PRODUCTION = {
    NODE_ENV: 'production',
    KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
    ISSUER: 'https://auth.example.test',
  };
  let receiver: LogoutReceiver;

  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
  });
  afterAll(() => receiver.close());

  it('delivers to an operator client on localhost when private addresses are allowed', async () => {
    const t = await createTestApp({ ...PRODUCTION, BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true' });
    try {
      const result = await t.app
        .get(LogoutDeliverySender)
        .send(logoutDelivery(onLocalhost(receiver), 'internal-rp'));
      expect(result).toEqual({ ok: true });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('refuses https://localhost by its loopback address when they are not (the SSRF guard still decides)', async () => {
    const t = await createTestApp(PRODUCTION);
    try {
      const before = receiver.received.length;
      const result = await t.app
        .get(LogoutDeliverySender)
        .send(logoutDelivery(onLocalhost(receiver, 'https'), 'internal-rp'));
      // Refused for the address the name resolves to, before any connection (before the fix:
      // "the host name does not resolve (ENOTFOUND)", the name never resolved at all).
      expect(result).toEqual({
        ok: false,
        error: 'the host resolves to a non-public address (loopback)',
        timedOut: false,
      });
      expect(receiver.received).toHaveLength(before);
    } finally {
      await t.close();
    }
  });
});
