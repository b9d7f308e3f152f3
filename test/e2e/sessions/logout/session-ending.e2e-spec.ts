/**
 * A logout is at least once from the moment the session is gone (docs/OAUTH.md, "Logout"): the
 * ending is recorded before the session is deleted, and an instance that dies before it queued
 * the logout tokens leaves an ending that another poll finishes once its lease runs out. Here
 * the instance "dies" at the worst moment, the session deleted and the outbox not yet written:
 * the outbox throws once, as the database connection of a killed process would. The old order
 * (delete the session, then queue) lost that logout for good. And a code of the session redeemed
 * after it ended opens no usable grant.
 */
import { getModelToken } from '@nestjs/mongoose';
import { decodeJwt } from 'jose';
import type { Model } from 'mongoose';
import request from 'supertest';
import type {
  DeliveryLane,
  NewLogoutDelivery,
} from '../../../../src/sessions/logout/logout-delivery';
import type { HostState } from '../../../../src/sessions/logout/logout-delivery.lanes';
import {
  LogoutDeliveryRepository,
  type ClaimedDelivery,
} from '../../../../src/sessions/logout/logout-delivery.repository';
import { MongoLogoutDeliveryRepository } from '../../../../src/sessions/logout/persistence/mongo-logout-delivery.repository';
import { LogoutDeliveryRecord } from '../../../../src/sessions/logout/persistence/logout-delivery.schema';
import { LogoutDeliveryHoldRecord } from '../../../../src/sessions/logout/persistence/logout-delivery-hold.schema';
import { SESSION_ENDING_COLLECTION } from '../../../../src/sessions/logout/persistence/session-ending.schema';
import { ENDING_LEASE_MS } from '../../../../src/sessions/logout/session-logout.service';
import { passwordMethodKey } from '../../../../src/accounts/account';
import { AccountService } from '../../../../src/accounts/account.service';
import { MethodRemoval } from '../../../../src/sessions/logout/method-removal.service';
import { SessionLogout } from '../../../../src/sessions/logout/session-logout.service';
import { SessionRepository } from '../../../../src/sessions/session.repository';
import { UserAccountService } from '../../../../src/accounts/users/user-account.service';
import { LogoutReceiver } from '../../../support/logout-receiver';
import { eventually } from '../../../support/smtp-server';
import {
  basic,
  exchangeCode,
  login,
  obtainCode,
  type Agent,
  clientEntry,
} from '../../../support/oauth';
import { TestApp, createTestApp } from '../../../support/test-app';

const RP = {
  id: 'rp-ending',
  secret: 'rp-ending-secret',
  redirectUri: 'http://127.0.0.1:7302/callback',
};

/** The real outbox, but the next `enqueue` fails as a process killed right then would. */
class DyingOutbox extends LogoutDeliveryRepository {
  inner?: MongoLogoutDeliveryRepository;
  dieAtNextEnqueue = false;

  private get real(): MongoLogoutDeliveryRepository {
    if (!this.inner) throw new Error('the outbox is not wired yet');
    return this.inner;
  }

  enqueue(deliveries: readonly NewLogoutDelivery[], now: Date, giveUpAt: Date): Promise<void> {
    if (this.dieAtNextEnqueue) {
      this.dieAtNextEnqueue = false;
      return Promise.reject(new Error('the instance died here'));
    }
    return this.real.enqueue(deliveries, now, giveUpAt);
  }
  claimDue(lane: DeliveryLane, owner: string, now: Date, leaseUntil: Date) {
    return this.real.claimDue(lane, owner, now, leaseUntil);
  }
  release(claimed: ClaimedDelivery, owner: string, now: Date, host: HostState): Promise<void> {
    return this.real.release(claimed, owner, now, host);
  }
  get leases() {
    return this.real.leases;
  }
  get rows() {
    return this.real.rows;
  }
  keepNewest(clientId: string, keep: number, now: Date): Promise<number> {
    return this.real.keepNewest(clientId, keep, now);
  }
  giveUpOverdue(before: Date, now: Date) {
    return this.real.giveUpOverdue(before, now);
  }
  assignLanes(limit: number): Promise<number> {
    return this.real.assignLanes(limit);
  }
}

interface Tokens {
  refresh_token: string;
  id_token: string;
}

describe('Ending a login session: durable before the session is gone', () => {
  let t: TestApp;
  let receiver: LogoutReceiver;
  const outbox = new DyingOutbox();
  let users = 0;

  beforeAll(async () => {
    receiver = await LogoutReceiver.start();
    t = await createTestApp(
      {
        ISSUER: 'http://localhost:25000',
        RATE_LIMIT_LOGIN_PER_IP: '1000',
        BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '50',
        OAUTH_CLIENTS: JSON.stringify([
          clientEntry(RP, { first_party: true, backchannel_logout_uri: receiver.url }),
        ]),
      },
      [[LogoutDeliveryRepository, outbox]],
    );
    outbox.inner = new MongoLogoutDeliveryRepository(
      t.app.get<Model<LogoutDeliveryRecord>>(getModelToken(LogoutDeliveryRecord.name)),
      t.app.get<Model<LogoutDeliveryHoldRecord>>(getModelToken(LogoutDeliveryHoldRecord.name)),
    );
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  const server = () => t.app.getHttpServer();

  async function signedIn(): Promise<Agent> {
    return (await signedInAs()).agent;
  }

  async function signedInAs(): Promise<{ agent: Agent; username: string }> {
    const username = `ending-user-${++users}`;
    await t.app.get(UserAccountService).register(username, 'an-ending-password-1');
    const agent = request.agent(server());
    await login(agent, '/', username, 'an-ending-password-1');
    return { agent, username };
  }

  async function isSignedIn(agent: Agent): Promise<boolean> {
    return (await agent.get('/login').expect(200)).text.includes('Signed in as');
  }

  async function code(agent: Agent): Promise<{ code: string; verifier: string }> {
    return obtainCode(agent, { client_id: RP.id, redirect_uri: RP.redirectUri, scope: 'openid' });
  }

  async function logout(agent: Agent) {
    const page = await agent.get('/login').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    return agent.post('/logout').type('form').send({ csrf_token: csrf });
  }

  function refresh(refreshToken: string) {
    return t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(RP.id, RP.secret))
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  it('an instance dying between the session deletion and the outbox: another poll delivers the logout and revokes the grant', async () => {
    const agent = await signedIn();
    const { code: c, verifier } = await code(agent);
    const tokens = (await exchangeCode(server(), c, verifier, RP).expect(200)).body as Tokens;
    const sid = decodeJwt(tokens.id_token).sid as string;

    outbox.dieAtNextEnqueue = true;
    const died = await logout(agent);
    expect(died.status).toBe(500);
    // The sign-out failed: the cookie is not cleared, so the browser could try again.
    expect(String(died.headers['set-cookie'] ?? '')).not.toMatch(/pg_session=;/);
    // The session is gone all the same, and its ending is on record, unfinished.
    const page = await agent.get('/login').expect(200);
    expect(page.text).not.toContain('Signed in as');
    const ending = await t.connection
      .collection<{ _id: string }>(SESSION_ENDING_COLLECTION)
      .findOne({ _id: sid });
    expect(ending).toMatchObject({ reason: 'logged_out' });
    expect(ending).not.toHaveProperty('finishedAt');
    expect(receiver.received).toEqual([]);

    // The lease of the dead instance runs out: the next poll (of any instance) finishes it.
    t.clock.advance(ENDING_LEASE_MS / 1000 + 1);
    const [received] = await receiver.waitFor(1);
    expect(decodeJwt(received.logoutToken!)).toMatchObject({ sid, aud: RP.id });
    const refused = await refresh(tokens.refresh_token).expect(400);
    expect(refused.body.error).toBe('invalid_grant');
    // Marked finished last, after the logout is queued and the grants revoked: the outbox's
    // poller may deliver the logout before that write lands.
    const finished = await eventually(async () => {
      const ending = await t.connection
        .collection<{ _id: string; finishedAt?: Date }>(SESSION_ENDING_COLLECTION)
        .findOne({ _id: sid });
      return ending?.finishedAt === undefined ? undefined : ending;
    }, 'the ending marked finished');
    expect(finished).not.toHaveProperty('idHash');
  });

  it('a code issued in the session and redeemed after its end opens no usable grant', async () => {
    const agent = await signedIn();
    // Tokens in the session first, so the client is told of its end.
    const first = await code(agent);
    await exchangeCode(server(), first.code, first.verifier, RP).expect(200);
    const late = await code(agent);
    expect((await logout(agent)).status).toBe(303);

    const refused = await exchangeCode(server(), late.code, late.verifier, RP).expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    expect(refused.body.error_description).toMatch(/login session .* has ended/);
    await receiver.waitFor(1);
  });

  it('two requests ending the same session at once: one ending, one logout token', async () => {
    const agent = await signedIn();
    const { code: c, verifier } = await code(agent);
    const tokens = (await exchangeCode(server(), c, verifier, RP).expect(200)).body as Tokens;
    const page = await agent.get('/login').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const answers = await Promise.all(
      [1, 2].map(() => agent.post('/logout').type('form').send({ csrf_token: csrf })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    await receiver.waitFor(1);
    // Several poll intervals: time for a second token to show, were there one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(1);
    expect((await refresh(tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
  });

  it('signing out everywhere ends the sessions it listed, and deletes no session whose end it did not record', async () => {
    const { agent, username } = await signedInAs();
    const { code: c, verifier } = await code(agent);
    const tokens = (await exchangeCode(server(), c, verifier, RP).expect(200)).body as Tokens;
    const sid = decodeJwt(tokens.id_token).sid as string;
    // Another browser signs in just after the sessions were listed, before they are deleted.
    const other = request.agent(server());
    const sessions = t.app.get(SessionRepository);
    const listLive = sessions.listLive.bind(sessions);
    const spy = jest.spyOn(sessions, 'listLive').mockImplementationOnce(async (...args) => {
      const listed = await listLive(...args);
      await login(other, '/', username, 'an-ending-password-1');
      return listed;
    });
    try {
      const result = await t.app.get(SessionLogout).endAllOf(username, 'signed_out_everywhere');
      expect(result).toEqual({ sessionsEnded: 1, grantsRevoked: 1 });
    } finally {
      spy.mockRestore();
    }
    expect(await isSignedIn(agent)).toBe(false);
    const [received] = await receiver.waitFor(1);
    expect(decodeJwt(received.logoutToken!)).toMatchObject({ sid, aud: RP.id });
    // The late sign-in was not listed: it has no ending, so it is not deleted (had it been, its
    // grants would never be revoked nor its clients told). It began after the sign-out did.
    expect(await isSignedIn(other)).toBe(true);
    const endings = await t.connection
      .collection(SESSION_ENDING_COLLECTION)
      .countDocuments({ sub: username });
    expect(endings).toBe(1);
  });

  it('a password sign-in racing the removal of that password leaves no live session', async () => {
    const { username } = await signedInAs();
    // A second method, so that the password may be removed.
    await t.app
      .get(AccountService)
      .link(username, 'eip155:1:0x00000000000000000000000000000000000000e1', 'operator');
    const key = passwordMethodKey(username);
    // The password is checked, then removed (its sessions ended), then the session is written.
    const sessions = t.app.get(SessionRepository);
    const create = sessions.create.bind(sessions);
    const spy = jest.spyOn(sessions, 'create').mockImplementationOnce(async (session) => {
      await t.app.get(MethodRemoval).remove(username, key);
      return create(session);
    });
    const racing = request.agent(server());
    try {
      const page = await racing.get('/login').expect(200);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
      const refused = await racing
        .post('/login')
        .type('form')
        .set('Accept', 'application/json')
        .send({ username, password: 'an-ending-password-1', csrf_token: csrf, return_to: '/' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'access_denied' });
      expect(refused.body.error_description).toMatch(/sign-in method was removed/);
    } finally {
      spy.mockRestore();
    }
    expect(await isSignedIn(racing)).toBe(false);
    const live = await sessions.listLive(username, t.clock.now(), 10);
    expect(live.filter((session) => session.methodKey === key)).toEqual([]);
  });
});
