/**
 * Two instances of the service on one database, both polling the back-channel logout outbox
 * (OpenID Connect Back-Channel Logout 1.0): each logout token is delivered exactly once, whichever
 * instance recorded the logout, and even when the relying party is slow to answer (the lease
 * keeps the other instance off a delivery under way).
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { LOGOUT_DELIVERY_COLLECTION } from '../../../../src/sessions/logout/persistence/logout-delivery.schema';
import { LogoutReceiver } from '../../../support/logout-receiver';
import { exchangeCode, login, obtainCode, type Agent, clientEntry } from '../../../support/oauth';
import { signOut } from '../../../support/login-form';
import type { TestApp } from '../../../support/test-app';
import { useTwoInstances } from '../../../support/two-instances';

const RP = {
  id: 'rp-fleet',
  secret: 'rp-fleet-secret',
  redirectUri: 'http://127.0.0.1:7301/callback',
};
const SESSIONS = 6;

describe('Back-Channel Logout from two instances on one database', () => {
  let receiver: LogoutReceiver;
  const env: Record<string, string> = {
    ISSUER: 'http://localhost:25000',
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    // Both instances poll often, so that they compete for every delivery.
    BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '50',
  };
  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
    env.OAUTH_CLIENTS = JSON.stringify([
      clientEntry(RP, { first_party: true, backchannel_logout_uri: receiver.url }),
    ]);
  });
  const apps = useTwoInstances(env);
  afterAll(() => receiver.close());

  async function sessionWithTokens(t: TestApp): Promise<{ agent: Agent; sid: string }> {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent, '/', 'user0', 'password0');
    const { code, verifier } = await obtainCode(agent, {
      client_id: RP.id,
      redirect_uri: RP.redirectUri,
      scope: 'openid',
    });
    const tokens = (await exchangeCode(t.app.getHttpServer(), code, verifier, RP).expect(200))
      .body as { id_token: string };
    return { agent, sid: decodeJwt(tokens.id_token).sid as string };
  }

  it('delivers each logout token exactly once, from whichever instance', async () => {
    receiver.delayMs = 300;
    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => sessionWithTokens(i % 2 ? apps.b : apps.a)),
    );
    // Sessions opened on both instances; each instance queues its own logouts.
    await Promise.all(sessions.map(({ agent }) => signOut(agent)));

    await receiver.waitFor(SESSIONS);
    // Time for a double delivery to show: several poll intervals past the slow answers.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const sids = receiver.received.map((one) => decodeJwt(one.logoutToken!).sid as string);
    expect(sids.sort()).toEqual(sessions.map(({ sid }) => sid).sort());
    const rows = await apps.a.connection
      .collection(LOGOUT_DELIVERY_COLLECTION)
      .find({ clientId: RP.id })
      .toArray();
    expect(rows).toHaveLength(SESSIONS);
    for (const row of rows) expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
