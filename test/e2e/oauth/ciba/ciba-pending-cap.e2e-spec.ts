/**
 * A flood of backchannel requests cannot hide a person's real one (CIBA Core 1.0 §7; the
 * approvals page lists the newest 20 pending): one client has at most CIBA_MAX_PENDING_PER_CLIENT
 * (5 by default) pending for one person, past which /backchannel answers 429 too_many_requests
 * about that client's own requests, for a hint that names an account and one that names nobody
 * alike, and under concurrent requests too; and the page, as HTML and JSON, says how many are
 * pending when more are than it lists. Time moves on the test clock.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ChallengeStore } from '../../../../src/challenges/challenge-store';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { backchannelRequest, cibaTokenRequest } from '../../../support/ciba';
import { pendingApprovals, postApproval } from '../../../support/ciba-approvals';
import { type Agent, login } from '../../../support/oauth';
import { addOperatorClient } from '../../../support/operator-clients';
import { expectRefusal } from '../../../support/refusal';
import { type TestApp, createTestApp } from '../../../support/test-app';
import { walletBrowser } from '../../../support/wallet-login';

/** CIBA_MAX_PENDING_PER_CLIENT's default, which this app keeps. */
const CAP = 5;
const TTL = 600;
const OVER_CAP = `This client already has ${CAP} backchannel requests pending for this person, the most it may have: wait until one is answered or expires`;

describe('pending backchannel requests per client and person (CIBA_MAX_PENDING_PER_CLIENT)', () => {
  let t: TestApp;
  let user1: Agent;
  /** Each client's secret, once it is registered (on first use). */
  const secrets = new Map<string, Promise<string>>();

  beforeAll(async () => {
    t = await createTestApp({
      CIBA_REQUEST_TTL_SECONDS: String(TTL),
      RATE_LIMIT_LOGIN_PER_IP: '1000',
    });
    user1 = request.agent(t.app.getHttpServer());
    await login(user1, '/', 'user1', 'password1');
  });
  afterAll(() => t.close());
  // Retry-After is checked to the second: the clock moves only when a test advances it, so a
  // slow machine's second between a request and the refusal after it cannot shift the answer.
  beforeEach(() => t.clock.freeze());
  afterEach(() => t.clock.thaw());

  /** `clientId`, a client registered for CIBA only (on first use), and its secret. */
  async function agent(clientId: string): Promise<{ clientId: string; secret: string }> {
    if (!secrets.has(clientId)) {
      const registered = addOperatorClient(t, {
        clientId,
        name: `Agent ${clientId}`,
        grantTypes: [CIBA_GRANT_TYPE],
      });
      secrets.set(
        clientId,
        registered.then((secret) => secret!),
      );
    }
    return { clientId, secret: await secrets.get(clientId)! };
  }

  /** POST /backchannel as `clientId` for `loginHint`: the raw answer. */
  async function ask(clientId: string, loginHint: string, extra: Record<string, string> = {}) {
    return backchannelRequest(t, await agent(clientId), {
      scope: 'openid',
      login_hint: loginHint,
      ...extra,
    });
  }

  /** `n` requests one after the other, each accepted: their auth_req_ids. */
  async function askAccepted(clientId: string, loginHint: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const res = await ask(clientId, loginHint, { binding_message: `${clientId} ${i}` });
      expect(res.status).toBe(200);
      ids.push((res.body as { auth_req_id: string }).auth_req_id);
    }
    return ids;
  }

  /** How many requests of `clientId` the store holds live and pending. */
  function livePending(clientId: string): Promise<number> {
    return t.app.get(ChallengeStore).countLive('ciba_request', {
      binding: { client_id: clientId },
      payload: { status: 'pending' },
    });
  }

  it('refuses a client’s request past the cap for one person (429), telling only of its own; the request is never kept', async () => {
    // The first expires sooner: Retry-After is when the soonest of them does.
    const first = await ask('flood-agent', 'user1', {
      binding_message: 'first',
      requested_expiry: '120',
    });
    expect(first.status).toBe(200);
    await askAccepted('flood-agent', 'user1', CAP - 1);

    const refused = await ask('flood-agent', 'user1', { binding_message: 'one too many' });
    expectRefusal(refused, 429, 'too_many_requests', OVER_CAP);
    expect(refused.headers['retry-after']).toBe('120');
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(await livePending('flood-agent')).toBe(CAP);
    const { approvals } = await pendingApprovals(user1);
    expect(approvals.filter((approval) => approval.client_id === 'flood-agent')).toHaveLength(CAP);
    expect(approvals.map((approval) => approval.binding_message)).not.toContain('one too many');

    // Once the first expires, there is room for one more, and only one.
    t.clock.advance(121);
    expect(
      await pollError('flood-agent', (first.body as { auth_req_id: string }).auth_req_id),
    ).toBe('expired_token');
    expect((await ask('flood-agent', 'user1')).status).toBe(200);
    expect((await ask('flood-agent', 'user1')).status).toBe(429);
  });

  it('counts per client and per person: another client, another person and an answered request leave room', async () => {
    await askAccepted('busy-agent', 'user1', CAP);
    expect((await ask('busy-agent', 'user1')).status).toBe(429);
    // Another client asking the same person, and this client asking another, are not refused.
    expect((await ask('quiet-agent', 'user1')).status).toBe(200);
    expect((await ask('busy-agent', 'user0')).status).toBe(200);
    // An answered request is no longer pending (the approval not yet redeemed included).
    const { approvals } = await pendingApprovals(user1);
    const busy = approvals.filter((approval) => approval.client_id === 'busy-agent');
    expect((await postApproval(user1, `/account/approvals/${busy[0].id}/deny`)).status).toBe(200);
    expect((await postApproval(user1, `/account/approvals/${busy[1].id}/approve`)).status).toBe(
      200,
    );
    expect((await ask('busy-agent', 'user1')).status).toBe(200);
    expect((await ask('busy-agent', 'user1')).status).toBe(200);
    expect((await ask('busy-agent', 'user1')).status).toBe(429);
  });

  it('answers a hint that names nobody exactly as one that names an account (no enumeration by the cap)', async () => {
    const answers = new Map<string, { status: number; body: unknown; retryAfter: string }>();
    for (const hint of ['user0', 'nobody-is-called-this']) {
      await askAccepted('enum-agent', hint, CAP);
      const res = await ask('enum-agent', hint);
      answers.set(hint, {
        status: res.status,
        body: res.body,
        retryAfter: res.headers['retry-after'],
      });
    }
    expect(answers.get('user0')).toEqual({
      status: 429,
      body: { error: 'too_many_requests', error_description: OVER_CAP },
      retryAfter: String(TTL),
    });
    expect(answers.get('nobody-is-called-this')).toEqual(answers.get('user0'));
  });

  it('holds the cap under concurrent requests: no more than the cap stay pending, and the cap is reached after', async () => {
    const raced = await Promise.all(
      Array.from({ length: 3 * CAP }, (_, i) =>
        ask('race-agent', 'user1', { binding_message: `race ${i}` }),
      ),
    );
    const accepted = raced.filter((res) => res.status === 200);
    for (const res of raced.filter((answer) => answer.status !== 200)) {
      expectRefusal(res, 429, 'too_many_requests', OVER_CAP);
    }
    // Racing requests may all be refused at the cap; never more than the cap accepted.
    expect(accepted.length).toBeLessThanOrEqual(CAP);
    expect(await livePending('race-agent')).toBe(accepted.length);
    for (const res of accepted) {
      expect(await pollError('race-agent', (res.body as { auth_req_id: string }).auth_req_id)).toBe(
        'authorization_pending',
      );
    }
    // One at a time, the rest of the cap is there to take, and no more.
    await askAccepted('race-agent', 'user1', CAP - accepted.length);
    expect((await ask('race-agent', 'user1')).status).toBe(429);
    expect(await livePending('race-agent')).toBe(CAP);
  });

  it('tells the person, on the page and in its JSON, how many are pending past the 20 it lists', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const person = await walletBrowser(t, wallet);
    const hint = `eip155:1:${wallet.address}`;
    const page = async () => (await person.get('/account/approvals').expect(200)).text;
    /** Five clients at their cap, a second apart (the list is the newest): 25 pending. */
    for (let i = 0; i < 5 * CAP; i += 1) {
      const client = `page-agent-${Math.floor(i / CAP)}`;
      expect((await ask(client, hint, { binding_message: `${client} ${i % CAP}` })).status).toBe(
        200,
      );
      t.clock.advance(1);
      if (i === 0) {
        const one = await pendingApprovals(person);
        expect({ listed: one.approvals.length, total: one.total }).toEqual({ listed: 1, total: 1 });
        expect(await page()).not.toContain('approvals-unlisted');
      }
    }

    const flooded = await pendingApprovals(person);
    expect({ listed: flooded.approvals.length, total: flooded.total }).toEqual({
      listed: 20,
      total: 25,
    });
    const html = await page();
    expect(html).toContain(
      '<div class="card" id="approvals-unlisted" data-pending-total="25" role="status"><p><strong>Showing 20 of 25 pending requests</strong>: answer these to see the rest.</p></div>',
    );
    // The oldest are the ones not listed.
    expect(html).not.toContain('page-agent-0 4');
    expect(html).toContain('page-agent-1 0');

    // Answered, the listed ones make way for the rest, and the word goes once all are listed.
    for (const { id } of flooded.approvals.slice(0, CAP)) {
      expect((await postApproval(person, `/account/approvals/${id}/deny`)).status).toBe(200);
    }
    const rest = await pendingApprovals(person);
    expect({ listed: rest.approvals.length, total: rest.total }).toEqual({ listed: 20, total: 20 });
    const after = await page();
    expect(after).not.toContain('approvals-unlisted');
    expect(after).toContain('page-agent-0 0');
  });

  /** One poll of /token as `clientId`: its error. */
  async function pollError(clientId: string, authReqId: string): Promise<string> {
    const res = await cibaTokenRequest(t, await agent(clientId), authReqId);
    expect(res.status).toBe(400);
    return (res.body as { error: string }).error;
  }
});
