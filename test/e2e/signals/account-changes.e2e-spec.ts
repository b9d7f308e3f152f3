/**
 * The Shared Signals causes of issue #80 step C, each made for real over HTTP (or by the operator's
 * service, as proofgate-admin makes it) and each received exactly once on each of two poll streams
 * of a receiver: CAEP credential-change for a password (set, replaced by an operator, removed), a
 * wallet, an email address and an upstream account (linked, removed); CAEP token-claims-change and
 * RISC identifier-changed when the account's email changes; CAEP assurance-level-change for a
 * step-up to a passkey's `phr`.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AccountAdministration } from '../../../src/admin/accounts/account-administration.service';
import { cliCall } from '../../../src/admin/io/cli-call';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { UserAccountService } from '../../../src/accounts/users/user-account.service';
import { accountToken } from '../../support/accounts';
import { mailTo } from '../../support/email';
import { type Agent, login, tokensFor } from '../../support/oauth';
import {
  CAEP,
  RISC,
  type ReceivedSet,
  SignalsReceiver,
  receiverEntry,
} from '../../support/shared-signals';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { type GithubLikeProvider, startGithubLikeProvider } from '../../support/upstream-providers';
import { type TestApp, createTestApp } from '../../support/test-app';
import { signedSiweMessage, walletBrowser } from '../../support/wallet-login';

const RECEIVER = { id: 'ssf-accounts-receiver', secret: 'ssf-accounts-receiver-secret-1234' };
const CREDENTIAL_CHANGE = `${CAEP}credential-change`;
const PASSWORD = 'a-password-for-signals-1';

/** What a receiver relies on in a SET: its event, its subject and the event's members. */
function told(set: ReceivedSet) {
  const { event_timestamp: timestamp, ...members } = set.body;
  expect(timestamp).toEqual(expect.any(Number));
  return { event: set.event, subject: set.payload.sub_id, members };
}

describe('Shared Signals of account changes (issue #80 step C)', () => {
  let github: GithubLikeProvider;
  let t: TestApp;
  beforeAll(async () => {
    github = await startGithubLikeProvider({
      clientId: 'Iv1.signals',
      clientSecret: 'github-secret',
      users: { octocat: { id: 583231, login: 'octocat' } },
    });
    t = await createTestApp({
      SSF_STREAM_CHECK_CACHE_MS: '0',
      MAIL_POLL_INTERVAL_MS: '50',
      RATE_LIMIT_EMAIL_CODES_PER_IP: '1000',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
      UPSTREAM_PROVIDERS: JSON.stringify([
        {
          kind: 'oauth2',
          id: 'github',
          name: 'GitHub',
          client_id: 'Iv1.signals',
          client_secret: 'github-secret',
          authorization_endpoint: github.authorizationEndpoint,
          token_endpoint: github.tokenEndpoint,
          userinfo_endpoint: github.userinfoEndpoint,
        },
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    await github.stop();
  });

  const issSub = (sub: string) => ({ format: 'iss_sub', iss: t.config.server.issuer, sub });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /**
   * Two poll streams of the receiver asking for `events`: what `cause` tells each of them (both
   * must be told the same), the streams deleted after.
   */
  async function toldBy(events: string[], cause: () => Promise<unknown>) {
    const signals = await SignalsReceiver.of(t, RECEIVER);
    const streams = [
      await signals.createStream({ events_requested: events }),
      await signals.createStream({ events_requested: events }),
    ];
    await cause();
    const [first, second] = await Promise.all(
      streams.map(async (id) => (await signals.take(id)).map(told)),
    );
    expect(second).toEqual(first);
    for (const id of streams) await signals.deleteStream(id);
    return first;
  }

  it('tells a password set, replaced by an operator and removed, each once (credential_type password)', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const sub = `eip155:1:${wallet.address}`;
    const { access_token: token } = await tokensFor(
      t.app.getHttpServer(),
      await walletBrowser(t, wallet),
      { scope: 'openid account' },
    );
    const username = `signals-${wallet.address.slice(2, 10).toLowerCase()}`;
    const change = (changeType: string, more: object = {}) => ({
      event: CREDENTIAL_CHANGE,
      subject: issSub(sub),
      members: { credential_type: 'password', change_type: changeType, ...more },
    });

    expect(
      await toldBy([CREDENTIAL_CHANGE], () =>
        t
          .http()
          .post('/account/methods/password')
          .set(bearer(token))
          .send({ username, password: PASSWORD })
          .expect(201),
      ),
    ).toEqual([change('create')]);
    expect(
      await toldBy([CREDENTIAL_CHANGE], () =>
        t.app
          .get(UserAdministration, { strict: false })
          .setPassword(username, 'an-operators-new-password', cliCall()),
      ),
    ).toEqual([change('update', { initiating_entity: 'admin' })]);
    expect(
      await toldBy([CREDENTIAL_CHANGE], () =>
        t
          .http()
          .delete(`/account/methods/${encodeURIComponent(`password:${username}`)}`)
          .set(bearer(token))
          .expect(200),
      ),
    ).toEqual([change('delete')]);
  });

  it('tells a wallet linked and removed, each once (credential_type wallet)', async () => {
    const token = await accountToken(t, 'user1');
    const wallet = privateKeyToAccount(generatePrivateKey());
    const change = (changeType: string) => ({
      event: CREDENTIAL_CHANGE,
      subject: issSub('user1'),
      members: { credential_type: 'wallet', change_type: changeType },
    });
    expect(
      await toldBy([CREDENTIAL_CHANGE], async () =>
        t
          .http()
          .post('/account/methods/wallet')
          .set(bearer(token))
          .send(await signedSiweMessage(t, wallet, wallet, { linkTo: token }))
          .expect(201),
      ),
    ).toEqual([change('create')]);
    expect(
      await toldBy([CREDENTIAL_CHANGE], () =>
        t
          .http()
          .delete(`/account/methods/${encodeURIComponent(`eip155:1:${wallet.address}`)}`)
          .set(bearer(token))
          .expect(200),
      ),
    ).toEqual([change('delete')]);
  });

  it('tells email addresses added and removed, the email claim that changed, and the identifier that replaced another', async () => {
    const token = await accountToken(t, 'user0');
    const first = `first-${Date.now()}@example.test`;
    const second = `second-${Date.now()}@example.test`;
    const events = [CREDENTIAL_CHANGE, `${CAEP}token-claims-change`, `${RISC}identifier-changed`];
    const add = async (email: string, nth: number) => {
      await t
        .http()
        .post('/account/methods/email/code')
        .set(bearer(token))
        .send({ email })
        .expect(202);
      const { code } = await mailTo(t, email, nth);
      await t.http().post('/account/methods/email').set(bearer(token)).send({ code }).expect(201);
    };
    const change = (changeType: string) => ({
      event: CREDENTIAL_CHANGE,
      subject: issSub('user0'),
      members: { credential_type: 'email', change_type: changeType },
    });
    const claims = (email: string) => ({
      event: `${CAEP}token-claims-change`,
      subject: issSub('user0'),
      members: { claims: { email, email_verified: true } },
    });

    // The first address is the email claim; a second one changes no claim.
    expect(await toldBy(events, () => add(first, 1))).toEqual([change('create'), claims(first)]);
    expect(await toldBy(events, () => add(second, 1))).toEqual([change('create')]);
    // The first removed: the second is the claim now, and the identifier that took its place.
    expect(
      await toldBy(events, () =>
        t
          .http()
          .delete(`/account/methods/${encodeURIComponent(`email:${first}`)}`)
          .set(bearer(token))
          .expect(200),
      ),
    ).toEqual([
      change('delete'),
      claims(second),
      {
        event: `${RISC}identifier-changed`,
        subject: { format: 'email', email: first },
        members: { 'new-value': second },
      },
    ]);
  });

  /** A browser signed in by password as `username`, and its account page's CSRF token. */
  async function passwordBrowser(username: string, password: string) {
    const browser: Agent = request.agent(t.app.getHttpServer());
    await login(browser, '/', username, password);
    return browser;
  }
  const pageToken = async (browser: Agent) =>
    /name="csrf_token" value="([^"]+)"/.exec((await browser.get('/account').expect(200)).text)![1];

  it('tells an upstream account linked and removed, each once (credential_type federated)', async () => {
    await t.app.get(UserAccountService).register('signals-upstream', PASSWORD);
    const browser = await passwordBrowser('signals-upstream', PASSWORD);
    const change = (changeType: string) => ({
      event: CREDENTIAL_CHANGE,
      subject: issSub('signals-upstream'),
      members: { credential_type: 'federated', change_type: changeType },
    });
    expect(
      await toldBy([CREDENTIAL_CHANGE], async () => {
        const started = await browser
          .post('/account/upstream/github')
          .type('form')
          .send({ csrf_token: await pageToken(browser) })
          .expect(302);
        github.signedInAs = 'octocat';
        const back = await fetch(started.headers.location, { redirect: 'manual' });
        const callback = new URL(back.headers.get('location')!);
        await browser.get(`${callback.pathname}${callback.search}`).expect(303);
      }),
    ).toEqual([change('create')]);
    expect(
      await toldBy([CREDENTIAL_CHANGE], async () =>
        browser
          .post('/account/methods/remove')
          .type('form')
          .send({ csrf_token: await pageToken(browser), method: 'upstream:github:583231' })
          .expect(303),
      ),
    ).toEqual([change('delete')]);
  });

  it("tells an operator's link and removal as the admin's: credential-change and session-revoked with initiating_entity admin", async () => {
    const username = 'signals-operator';
    await t.app.get(UserAccountService).register(username, PASSWORD);
    // As proofgate-admin accounts link/unlink and the admin API's /admin/v1/accounts make them.
    const accounts = t.app.get(AccountAdministration, { strict: false });
    const wallet = privateKeyToAccount(generatePrivateKey());
    const change = (type: string, changeType: string) => ({
      event: CREDENTIAL_CHANGE,
      subject: issSub(username),
      members: { credential_type: type, change_type: changeType, initiating_entity: 'admin' },
    });
    expect(
      await toldBy([CREDENTIAL_CHANGE], async () => {
        await accounts.linkEmail(username, `operator-${Date.now()}@example.test`, cliCall());
        await accounts.linkWallet(username, `eip155:1:${wallet.address}`, cliCall());
      }),
    ).toEqual([change('email', 'create'), change('wallet', 'create')]);

    const browser = await passwordBrowser(username, PASSWORD);
    const SESSION_REVOKED = `${CAEP}session-revoked`;
    const told = await toldBy([CREDENTIAL_CHANGE, SESSION_REVOKED], () =>
      accounts.unlink(username, `password:${username}`, cliCall()),
    );
    expect([...told].sort((a, b) => a.event.localeCompare(b.event))).toEqual([
      change('password', 'delete'),
      {
        event: SESSION_REVOKED,
        subject: issSub(username),
        members: {
          initiating_entity: 'admin',
          reason_admin: { en: 'method_removed_by_admin' },
        },
      },
    ]);
    expect((await browser.get('/account')).status).not.toBe(200);
  });

  it("tells a step-up to a passkey's phr as assurance-level-change, once; a sign-in that raises nothing tells none", async () => {
    await t.app.get(UserAccountService).register('signals-step-up', PASSWORD);
    const browser = await passwordBrowser('signals-step-up', PASSWORD);
    const authenticator = await addPasskeyOnAccountPage(browser, t.config.server.issuer);
    const events = [`${CAEP}assurance-level-change`];
    expect(await toldBy(events, () => passkeySignIn(browser, authenticator))).toEqual([
      {
        event: `${CAEP}assurance-level-change`,
        subject: issSub('signals-step-up'),
        members: {
          namespace: 'OIDC-acr',
          previous_level: 'urn:proofgate:acr:1fa',
          current_level: 'phr',
          change_direction: 'increase',
        },
      },
    ]);
    // The same passkey again: phr met by phr, nothing raised.
    expect(await toldBy(events, () => passkeySignIn(browser, authenticator))).toEqual([]);
  });
});
