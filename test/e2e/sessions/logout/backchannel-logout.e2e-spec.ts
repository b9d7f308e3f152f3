/**
 * OpenID Connect Back-Channel Logout 1.0: a relying party's logout endpoint, a server on loopback
 * in this process, receives a logout token for each way a login session ends (RP-initiated
 * logout, POST /logout, signing out everywhere, an operator's `users disable`). Each token is
 * checked here with jose against the published JWKS, claim by claim (§2.4); the session's grants
 * are revoked (refresh refused, introspection inactive); a failed delivery is retried, and one
 * that keeps failing is given up and counted.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import request from 'supertest';
import { LOGOUT_DELIVERY_COLLECTION } from '../../../../src/sessions/logout/persistence/logout-delivery.schema';
import { UserAccountService } from '../../../../src/accounts/users/user-account.service';
import { adminCli } from '../../../support/admin-cli';
import { LogoutReceiver, type ReceivedLogout } from '../../../support/logout-receiver';
import { sample } from '../../../support/metrics';
import {
  DEMO_CLIENT,
  basic,
  exchangeCode,
  login,
  obtainCode,
  type Agent,
  introspect,
  clientEntry,
} from '../../../support/oauth';
import { signOut } from '../../../support/login-form';
import { waitFor } from '../../../support/processes';
import { TestApp, createTestApp } from '../../../support/test-app';

const ISSUER = 'http://localhost:25000';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const RP = {
  id: 'rp-logout',
  secret: 'rp-logout-secret',
  redirectUri: 'http://127.0.0.1:7300/callback',
  signedOut: 'http://127.0.0.1:7300/signed-out',
  /** TOKEN_SIGNING_ALG's: the client names no id_token_signed_response_alg. */
  alg: 'ES256',
};
/** A relying party that registered RS256 for its ID tokens (Registration §2). */
const RP_RS256 = {
  id: 'rp-logout-rs256',
  secret: 'rp-logout-rs256-secret',
  redirectUri: 'http://127.0.0.1:7301/callback',
  alg: 'RS256',
};
type Rp = typeof RP_RS256;

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

describe('Back-Channel Logout: logout tokens for every way a session ends', () => {
  let t: TestApp;
  let receiver: LogoutReceiver;
  let users = 0;

  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
    t = await createTestApp({
      ISSUER,
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '100',
      BACKCHANNEL_LOGOUT_FIRST_RETRY_MS: '100',
      BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS: '60',
      OAUTH_CLIENTS: JSON.stringify([
        clientEntry(RP, {
          first_party: true,
          post_logout_redirect_uris: [RP.signedOut],
          backchannel_logout_uri: receiver.url,
          backchannel_logout_session_required: true,
        }),
        clientEntry(RP_RS256, {
          first_party: true,
          backchannel_logout_uri: receiver.url,
          id_token_signed_response_alg: 'RS256',
        }),
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  const server = () => t.app.getHttpServer();

  /**
   * A browser signed in as a fresh user (so that disabling it touches no other test): a new one,
   * or `agent` signing in again.
   */
  async function signedIn(agent: Agent = request.agent(server())) {
    const username = `bcl-user-${++users}`;
    await t.app.get(UserAccountService).register(username, 'a-logout-password-1');
    await login(agent, '/', username, 'a-logout-password-1');
    return { agent, username };
  }

  async function rpTokens(agent: Agent, rp: Rp = RP): Promise<Tokens> {
    const { code, verifier } = await obtainCode(agent, {
      client_id: rp.id,
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      nonce: 'n-rp',
    });
    return (await exchangeCode(server(), code, verifier, rp).expect(200)).body as Tokens;
  }

  async function jwks(): Promise<JSONWebKeySet> {
    return (await t.http().get('/jwks.json').expect(200)).body as JSONWebKeySet;
  }

  /** Back-Channel Logout 1.0 §2.4 and §2.6, every claim, the signature against our JWKS. */
  async function expectValidLogoutToken(
    received: ReceivedLogout,
    expected: { sub: string; sid: string },
    rp: Rp = RP,
  ): Promise<string> {
    expect(received.contentType).toBe('application/x-www-form-urlencoded');
    expect(received.fields).toEqual(['logout_token']);
    const token = received.logoutToken!;
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: ISSUER,
      audience: rp.id,
      typ: 'logout+jwt',
      requiredClaims: ['iat', 'exp', 'jti'],
      // §2.4: the key and alg of the client's ID tokens.
      algorithms: [rp.alg],
      currentDate: t.clock.now(),
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload.aud).toBe(rp.id);
    expect(payload.sub).toBe(expected.sub);
    expect(payload.sid).toBe(expected.sid);
    expect(payload.events).toEqual({ [EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.exp! - payload.iat!).toBeGreaterThan(0);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
    expect(Math.abs(payload.iat! - Math.floor(t.clock.now().getTime() / 1000))).toBeLessThan(30);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    return payload.jti!;
  }

  /** The grant is revoked: its refresh token is refused, its access token inactive. */
  async function expectRevoked(tokens: Tokens): Promise<void> {
    const refreshed = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(RP.id, RP.secret))
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
      .expect(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    const introspected = await introspect(t, tokens.access_token, RP).expect(200);
    expect(introspected.body).toEqual({ active: false });
  }

  it('RP-initiated logout: the RP gets a valid logout token with the sid of its ID token', async () => {
    const { agent, username } = await signedIn();
    const tokens = await rpTokens(agent);
    const sid = decodeJwt(tokens.id_token).sid as string;
    expect(sid).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const res = await agent
      .get('/end_session')
      .query({
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: RP.signedOut,
        state: 's1',
      })
      .expect(302);
    expect(res.headers.location).toBe(`${RP.signedOut}?state=s1`);

    const [received] = await receiver.waitFor(1);
    expect(received.status).toBe(200);
    await expectValidLogoutToken(received, { sub: username, sid });
    await expectRevoked(tokens);
  });

  it('signs each logout token with the alg of its client’s ID tokens (§2.4)', async () => {
    const { agent, username } = await signedIn();
    const es = await rpTokens(agent);
    const rs = await rpTokens(agent, RP_RS256);
    expect(decodeProtectedHeader(es.id_token).alg).toBe('ES256');
    expect(decodeProtectedHeader(rs.id_token).alg).toBe('RS256');
    const sid = decodeJwt(rs.id_token).sid as string;

    await signOut(agent);

    const received = await receiver.waitFor(2);
    const forRs = received.find((r) => decodeJwt(r.logoutToken!).aud === RP_RS256.id)!;
    const forEs = received.find((r) => decodeJwt(r.logoutToken!).aud === RP.id)!;
    await expectValidLogoutToken(forRs, { sub: username, sid }, RP_RS256);
    await expectValidLogoutToken(forEs, { sub: username, sid });
  });

  it('POST /logout: the RP gets a logout token, the session’s grants are revoked', async () => {
    const { agent, username } = await signedIn();
    const tokens = await rpTokens(agent);
    const sid = decodeJwt(tokens.id_token).sid as string;

    await signOut(agent);

    const [received] = await receiver.waitFor(1);
    await expectValidLogoutToken(received, { sub: username, sid });
    await expectRevoked(tokens);
  });

  it('POST /logout also ends the sessions the browser held before signing in again, and their RPs hear of it', async () => {
    const { agent, username } = await signedIn();
    const first = await rpTokens(agent);
    // The same account in another browser, which signing out here leaves signed in.
    const elsewhere = request.agent(server());
    await login(elsewhere, '/', username, 'a-logout-password-1');
    // Signed in again in the same browser, as another account: a new session, its own cookie.
    const { username: other } = await signedIn(agent);
    const second = await rpTokens(agent, RP_RS256);
    const [sid1, sid2] = [first, second].map((tokens) => decodeJwt(tokens.id_token).sid);
    expect(sid1).not.toBe(sid2);
    expect(decodeJwt(second.id_token).sub).toBe(other);

    await signOut(agent);

    const received = await receiver.waitFor(2);
    const byAudience = new Map(received.map((one) => [decodeJwt(one.logoutToken!).aud, one]));
    await expectValidLogoutToken(byAudience.get(RP.id)!, { sub: username, sid: sid1 as string });
    await expectValidLogoutToken(
      byAudience.get(RP_RS256.id)!,
      { sub: other, sid: sid2 as string },
      RP_RS256,
    );
    await expectRevoked(first);
    expect((await elsewhere.get('/account')).status).toBe(200);
  });

  it('RP-initiated logout without asking ends the sessions the browser held of its user, not of another account', async () => {
    const { agent, username } = await signedIn();
    const first = await rpTokens(agent);
    const { username: other } = await signedIn(agent);
    const second = await rpTokens(agent);
    expect(decodeJwt(first.id_token).sub).toBe(username);

    // The hint names the browser's session (the other account's): it ends without asking.
    await agent
      .get('/end_session')
      .query({ id_token_hint: second.id_token, post_logout_redirect_uri: RP.signedOut })
      .expect(302);

    const [received] = await receiver.waitFor(1);
    const sid = decodeJwt(second.id_token).sid as string;
    await expectValidLogoutToken(received, { sub: other, sid });
    await expectRevoked(second);
    // The first account's session, which the browser held before, was not the client's to end.
    expect((await introspect(t, first.access_token, RP).expect(200)).body).toMatchObject({
      active: true,
      sub: username,
    });
  });

  it('signing out everywhere (DELETE /account/sessions): one logout token per session', async () => {
    const first = await signedIn();
    const second = request.agent(server());
    await login(second, '/', first.username, 'a-logout-password-1');
    const firstTokens = await rpTokens(first.agent);
    const secondTokens = await rpTokens(second);
    // The account-scoped token comes from another client, with no back-channel logout URI.
    const { code, verifier } = await obtainCode(first.agent, { scope: 'openid account' });
    const account = (await exchangeCode(server(), code, verifier, DEMO_CLIENT).expect(200))
      .body as Tokens;

    await t
      .http()
      .delete('/account/sessions')
      .set('Authorization', `Bearer ${account.access_token}`)
      .expect(200);

    const received = await receiver.waitFor(2);
    const sids = [firstTokens, secondTokens].map((tokens) => decodeJwt(tokens.id_token).sid);
    expect(sids[0]).not.toBe(sids[1]);
    const got = await Promise.all(
      received.map(async (one) => {
        const sid = decodeJwt(one.logoutToken!).sid as string;
        await expectValidLogoutToken(one, { sub: first.username, sid });
        return sid;
      }),
    );
    expect(got.sort()).toEqual([...sids].sort());
    await expectRevoked(firstTokens);
    await expectRevoked(secondTokens);
  });

  it("an operator's `users disable`: queued by the CLI, delivered by the running service", async () => {
    const { agent, username } = await signedIn();
    const tokens = await rpTokens(agent);

    const run = await adminCli(t, ['users', 'disable', username, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sessions_ended: 1, grants_revoked: 1 });

    const [received] = await receiver.waitFor(1);
    await expectValidLogoutToken(received, {
      sub: username,
      sid: decodeJwt(tokens.id_token).sid as string,
    });
    await expectRevoked(tokens);
  });

  it('retries a delivery the RP refused once; a fresh token each attempt', async () => {
    const scrape = async () => (await t.http().get('/metrics').expect(200)).text;
    const before = await scrape();
    const { agent, username } = await signedIn();
    const tokens = await rpTokens(agent);
    const sid = decodeJwt(tokens.id_token).sid as string;
    receiver.failNext = 1;

    await signOut(agent);

    const [failed, delivered] = await receiver.waitFor(2);
    expect([failed.status, delivered.status]).toEqual([500, 200]);
    const firstJti = await expectValidLogoutToken(failed, { sub: username, sid });
    const secondJti = await expectValidLogoutToken(delivered, { sub: username, sid });
    expect(secondJti).not.toBe(firstJti);
    const row = await t.connection
      .collection(LOGOUT_DELIVERY_COLLECTION)
      .findOne({ sid, clientId: RP.id });
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(row).not.toHaveProperty('lastError');
    const after = await scrape();
    const name = 'proofgate_backchannel_logout_deliveries_total';
    for (const outcome of ['retrying', 'delivered']) {
      expect(sample(after, name, { outcome }) - sample(before, name, { outcome })).toBe(1);
    }
  });

  it('gives a delivery up after BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS, counted as failed in the operator lane', async () => {
    const scrape = async () => (await t.http().get('/metrics').expect(200)).text;
    // The operator lane: the one ProofgateBackchannelLogoutFailed watches.
    const failed = { outcome: 'failed', lane: 'operator' };
    const before = sample(await scrape(), 'proofgate_backchannel_logout_deliveries_total', failed);
    const { agent } = await signedIn();
    const tokens = await rpTokens(agent);
    const sid = decodeJwt(tokens.id_token).sid as string;
    receiver.failNext = 1_000;

    await signOut(agent);
    await receiver.waitFor(1);
    type Row = { status: string; leaseUntil: Date; nextAttemptAt: Date; lastError?: string };
    const rowWhen = (settled: (row: Row | null) => boolean) =>
      waitFor(
        () => t.connection.collection<Row>(LOGOUT_DELIVERY_COLLECTION).findOne({ sid }),
        settled,
        10_000,
      );
    // Moved while an attempt is in flight, the clock would run that attempt's lease out and the
    // poller would claim the row again beside it (a POST after the row says failed). So it moves
    // between two attempts, the next one at least a second away: the retries back off from 100 ms
    // (the fifth comes 1.6 s after the fourth).
    const between = await rowWhen(
      (row) =>
        row?.status === 'pending' &&
        row.leaseUntil?.getTime() === row.nextAttemptAt?.getTime() &&
        row.nextAttemptAt.getTime() - t.clock.now().getTime() > 1000,
    );
    expect(between).toMatchObject({ status: 'pending', lastError: 'HTTP status 500' });
    expect(between!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBeGreaterThan(500);
    // The retry time (60 s here) passes: the next attempt is the last.
    t.clock.advance(61);

    const row = await rowWhen((row) => row?.status === 'failed');
    expect(row).toMatchObject({ status: 'failed', lastError: 'HTTP status 500' });
    const attempts = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received.length).toBe(attempts);
    expect(
      sample(await scrape(), 'proofgate_backchannel_logout_deliveries_total', failed) - before,
    ).toBe(1);
  });

  it('sends nothing for a session whose clients registered no back-channel logout URI', async () => {
    const { agent } = await signedIn();
    await obtainCode(agent, { scope: 'openid' }).then(({ code, verifier }) =>
      exchangeCode(server(), code, verifier).expect(200),
    );
    await signOut(agent);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toEqual([]);
  });
});
