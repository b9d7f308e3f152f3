/**
 * Self-registered relying parties whose `backchannel_logout_uri` never answers (a tarpit: the
 * connection is accepted, nothing comes back) must not delay the logout tokens of the operator's
 * relying parties (docs/OAUTH.md#logout). 50 such clients, registered through RFC 7591 by one
 * user who then signs out, queue 50 deliveries that each hold an attempt for its whole time
 * limit; a real user signing out of an operator-registered RP right after must still have the
 * RP's logout token within 2 s. Once with every tarpit on one host, once on 50 hosts. Before the
 * outbox had lanes, that token waited behind the 50 (4 workers, 5 s each: about a minute). And a
 * user signing out of 12 sessions of one such client everywhere leaves it its newest
 * BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING logout tokens waiting, not 12 hours of retries.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { LANE_WORKERS } from '../../../../src/sessions/logout/logout-delivery.lanes';
import { LOGOUT_DELIVERY_COLLECTION } from '../../../../src/sessions/logout/persistence/logout-delivery.schema';
import { UserAccountService } from '../../../../src/accounts/users/user-account.service';
import { HangingReceiver, LogoutReceiver } from '../../../support/logout-receiver';
import {
  exchangeCode,
  login,
  obtainCode,
  pkcePair,
  type Agent,
  clientEntry,
} from '../../../support/oauth';
import { signOut } from '../../../support/login-form';
import { sample } from '../../../support/metrics';
import { register } from '../../../support/registration';
import { TestApp, createTestApp } from '../../../support/test-app';
import { consentForm } from '../../../support/fetch-browser';

const RP = {
  id: 'rp-healthy',
  secret: 'rp-healthy-secret',
  redirectUri: 'http://127.0.0.1:7303/callback',
};
const CALLBACK = 'http://127.0.0.1:53682/callback';
const METRIC = 'proofgate_backchannel_logout_deliveries_total';
const TARPITS = 50;
const MAX_PENDING = 5;
/** What the issue asks: the operator's RP hears of the logout within 2 s. */
const DEADLINE_MS = 2_000;
/**
 * A test's own limit: each signs 50 clients in through DCR, the authorization endpoint, consent
 * and the token endpoint (~250 requests) before the 2 s it measures; on a loaded 2-core machine
 * that setup alone outlasted jest's default 30 s.
 */
const SETUP_HEAVY_MS = 120_000;

describe('Back-Channel Logout: self-registered tarpits never delay the operator’s relying parties', () => {
  let t: TestApp;
  let healthy: LogoutReceiver;
  const tarpits: HangingReceiver[] = [];
  let users = 0;

  beforeAll(async () => {
    healthy = await LogoutReceiver.start();
    // Every setting at its default but the rate limits (one address registers 100 clients) and
    // the cap of the last test.
    t = await createTestApp({
      ISSUER: 'http://localhost:25000',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      RATE_LIMIT_REGISTER_PER_IP: '1000',
      RATE_LIMIT_AUTHORIZE_PER_IP: '1000',
      BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING: String(MAX_PENDING),
      OAUTH_CLIENTS: JSON.stringify([
        clientEntry(RP, { first_party: true, backchannel_logout_uri: healthy.url }),
      ]),
    });
  });
  afterAll(async () => {
    // The tarpits let go first: the attempts under way end, and the app's shutdown waits for none.
    await Promise.all(tarpits.map((tarpit) => tarpit.close()));
    await t.close();
    await healthy.close();
  });

  const server = () => t.app.getHttpServer();

  /** A browser signed in as `username` (a fresh user by default). */
  async function signedIn(username?: string): Promise<Agent> {
    const name = username ?? `tarpit-user-${++users}`;
    if (username === undefined) {
      await t.app.get(UserAccountService).register(name, 'a-tarpit-password-1');
    }
    const agent = request.agent(server());
    await login(agent, '/', name, 'a-tarpit-password-1');
    return agent;
  }

  /** A client registered by anyone (RFC 7591) whose logout tokens go to `logoutUri`. */
  async function selfRegistered(logoutUri: string): Promise<string> {
    const registered = await register(t, {
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      backchannel_logout_uri: logoutUri,
    }).expect(201);
    return (registered.body as { client_id: string }).client_id;
  }

  /**
   * Tokens of `clientId` in `agent`'s login session (through the consent screen the first time):
   * the session's end queues a logout token for the client.
   */
  async function tokensOf(agent: Agent, clientId: string): Promise<void> {
    const { verifier, challenge } = pkcePair();
    const authorize = `/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()}`;
    let answer = await agent.get(authorize);
    if (answer.status === 200) {
      const allowed = await agent
        .post('/consent')
        .type('form')
        .send({ ...consentForm(answer.text), decision: 'allow' })
        .expect(303);
      answer = await agent.get(allowed.headers.location);
    }
    expect(answer.status).toBe(302);
    const code = new URL(answer.headers.location).searchParams.get('code')!;
    await exchangeCode(server(), code, verifier, { id: clientId, redirectUri: CALLBACK }).expect(
      200,
    );
  }

  /** A user with tokens of the operator's RP; the `sid` its logout token must carry. */
  async function operatorRpUser(): Promise<{ agent: Agent; sid: string }> {
    const agent = await signedIn();
    const { code, verifier } = await obtainCode(agent, {
      client_id: RP.id,
      redirect_uri: RP.redirectUri,
      scope: 'openid',
    });
    const tokens = (await exchangeCode(server(), code, verifier, RP).expect(200)).body as {
      id_token: string;
    };
    return { agent, sid: decodeJwt(tokens.id_token).sid as string };
  }

  /**
   * Someone signs out of a session with tokens of 50 clients whose logout URIs are `uris`; once
   * the tarpits hold the attempts (`busy` resolves), a user signs out of the operator's RP: its
   * logout token is there within DEADLINE_MS.
   */
  async function expectHealthyRpUnaffected(uris: string[], busy: () => Promise<void>) {
    const attacker = await signedIn();
    for (const uri of uris) await tokensOf(attacker, await selfRegistered(uri));
    const victim = await operatorRpUser();
    healthy.reset();

    await signOut(attacker);
    await busy();

    const loggedOutAt = Date.now();
    await signOut(victim.agent);
    const [received] = await healthy.waitFor(1, DEADLINE_MS - (Date.now() - loggedOutAt));
    expect(Date.now() - loggedOutAt).toBeLessThanOrEqual(DEADLINE_MS);
    expect(received.status).toBe(200);
    expect(decodeJwt(received.logoutToken!)).toMatchObject({ aud: RP.id, sid: victim.sid });
  }

  it(
    '50 hanging self-registered RPs on one host: the operator’s RP has its logout token within 2 s',
    async () => {
      const tarpit = await HangingReceiver.start('127.0.0.1');
      tarpits.push(tarpit);
      const uris = Array.from({ length: TARPITS }, (_, i) => `${tarpit.url}/${i}`);

      await expectHealthyRpUnaffected(uris, () => tarpit.waitForConnection());
      // One attempt at a time per host: the tarpit held one worker of the self-registered lane,
      // not all of them (and after its time limit, the host is backed off).
      expect(tarpit.maxOpen).toBe(1);
    },
    SETUP_HEAVY_MS,
  );

  it(
    '50 hanging self-registered RPs on 50 hosts: the operator’s RP has its logout token within 2 s',
    async () => {
      // Loopback is all of 127/8: 127.0.0.2 to 127.0.0.51 are 50 hosts.
      const hosts = await Promise.all(
        Array.from({ length: TARPITS }, (_, i) => HangingReceiver.start(`127.0.0.${i + 2}`)),
      );
      tarpits.push(...hosts);
      // Every tarpit of the file: those of the first test may still hold attempts too.
      const open = () => tarpits.reduce((sum, tarpit) => sum + tarpit.open, 0);

      await expectHealthyRpUnaffected(
        hosts.map((host) => host.url),
        async () => {
          // As many attempts held as the self-registered lane has workers.
          const until = Date.now() + 10_000;
          while (open() < LANE_WORKERS.self_registered && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          expect(open()).toBeGreaterThanOrEqual(LANE_WORKERS.self_registered);
        },
      );
      // One attempt at a time per host here too.
      expect(Math.max(...hosts.map((host) => host.maxOpen))).toBe(1);
    },
    SETUP_HEAVY_MS,
  );

  it('one self-registered client, 12 sessions signed out everywhere: its 5 newest logout tokens wait, the 7 oldest are dropped and counted', async () => {
    const tarpit = await HangingReceiver.start('127.0.0.60');
    tarpits.push(tarpit);
    const clientId = await selfRegistered(tarpit.url);
    const username = `tarpit-user-${++users}`;
    await t.app.get(UserAccountService).register(username, 'a-tarpit-password-1');
    const sessions: Agent[] = [];
    for (let i = 0; i < 12; i++) sessions.push(await signedIn(username));
    for (const agent of sessions) await tokensOf(agent, clientId);
    const { code, verifier } = await obtainCode(sessions[0], { scope: 'openid account' });
    const account = (await exchangeCode(server(), code, verifier).expect(200)).body as {
      access_token: string;
    };
    const dropped = async () =>
      sample((await t.http().get('/metrics').expect(200)).text, METRIC, {
        outcome: 'dropped',
        lane: 'self_registered',
      });
    const before = await dropped();

    await t
      .http()
      .delete('/account/sessions')
      .set('Authorization', `Bearer ${account.access_token}`)
      .expect(200);

    const rows = await t.connection
      .collection(LOGOUT_DELIVERY_COLLECTION)
      .find({ clientId })
      .toArray();
    expect(rows).toHaveLength(12);
    const byStatus = (status: string) => rows.filter((row) => row.status === status).length;
    expect({ pending: byStatus('pending'), dropped: byStatus('dropped') }).toEqual({
      pending: MAX_PENDING,
      dropped: 12 - MAX_PENDING,
    });
    expect((await dropped()) - before).toBe(12 - MAX_PENDING);
  });
});
