/**
 * A provider account linked to an existing account and removed from it, as every method: only from
 * that account's own page after its recent sign-in (with its passkey where
 * ACCOUNT_CHANGES_REQUIRE_PHR asks it), never to an account another one holds, never by email.
 */
import request from 'supertest';
import { AccountService } from '../../../src/accounts/account.service';
import { UserAccountService } from '../../../src/accounts/users/user-account.service';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { UPSTREAM_REFUSALS } from '../../../src/upstream/upstream.errors';
import { type Agent, login } from '../../support/oauth';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { type TestApp, createTestApp } from '../../support/test-app';
import { type GithubLikeProvider, startGithubLikeProvider } from '../../support/upstream-providers';

const RECENT_LOGIN_SECONDS = 600;

describe('linking and removing a provider account (POST /account/upstream/{id})', () => {
  let t: TestApp;
  let github: GithubLikeProvider;

  beforeAll(async () => {
    github = await startGithubLikeProvider({
      clientId: 'Iv1.proofgate',
      clientSecret: 'github-secret',
      users: {
        octocat: { id: 583231, login: 'octocat' },
        monalisa: { id: 1000, login: 'monalisa' },
        hubot: { id: 2000, login: 'hubot' },
        mallory: { id: 3000, login: 'mallory' },
      },
    });
    t = await createTestApp({
      ACCOUNT_RECENT_LOGIN_SECONDS: String(RECENT_LOGIN_SECONDS),
      ACCOUNT_CHANGES_REQUIRE_PHR: 'true',
      UPSTREAM_PROVIDERS: JSON.stringify([
        {
          kind: 'oauth2',
          id: 'github',
          name: 'GitHub',
          client_id: 'Iv1.proofgate',
          client_secret: 'github-secret',
          authorization_endpoint: github.authorizationEndpoint,
          token_endpoint: github.tokenEndpoint,
          userinfo_endpoint: github.userinfoEndpoint,
        },
      ]),
    });
    // Beside the demo users user0 and user1: one password account per test that needs its own.
    await Promise.all(
      ['user2', 'user3', 'user4'].map((username) =>
        t.app.get(UserAccountService).register(username, `password-of-${username}`),
      ),
    );
  });
  afterAll(async () => {
    await t.close();
    await github.stop();
  });

  const agent = (): Agent => request.agent(t.app.getHttpServer());
  const accounts = () => t.app.get(AccountService);

  /** The account page's CSRF token (its forms' hidden field). */
  async function pageToken(browser: Agent): Promise<string> {
    const page = await browser.get('/account').expect(200);
    return /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
  }

  /** "Link <provider>" on the account page, as `user` at the provider: where the browser ends. */
  async function linkAs(browser: Agent, user: string, provider = 'github'): Promise<string> {
    const started = await browser
      .post(`/account/upstream/${provider}`)
      .type('form')
      .send({ csrf_token: await pageToken(browser) });
    if (started.status === 303) return started.headers.location;
    expect(started.status).toBe(302);
    github.signedInAs = user;
    const back = await fetch(started.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    const done = await browser.get(`${callback.pathname}${callback.search}`).expect(303);
    return done.headers.location;
  }

  /** "Sign in with GitHub" on the login page as `user`: the subject of the session it got. */
  async function signInAs(user: string): Promise<string | undefined> {
    const browser = agent();
    await browser.get('/login').expect(200);
    const started = await browser.get('/login/upstream/github').expect(302);
    github.signedInAs = user;
    const back = await fetch(started.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    await browser.get(`${callback.pathname}${callback.search}`).expect(303);
    const sessions = await t.connection
      .collection(SESSION_COLLECTION)
      .find({ methodKey: `upstream:github:${String(idOf(user))}` })
      .sort({ authTime: -1 })
      .limit(1)
      .toArray();
    return sessions[0]?.sub as string | undefined;
  }

  const idOf = (user: string) =>
    ({ octocat: 583231, monalisa: 1000, hubot: 2000, mallory: 3000 })[user]!;

  /** The account page's error, shown in its role="alert". */
  async function pageError(browser: Agent, location: string): Promise<string | undefined> {
    const page = await browser.get(location).expect(200);
    return /<p id="account-error" role="alert">([^<]*)<\/p>/.exec(page.text)?.[1];
  }

  it('ends a link to a provider that is not configured on the account page, saying so', async () => {
    const browser = agent();
    await login(browser, '/', 'user0', 'password0');
    const ended = await linkAs(browser, 'octocat', 'nosuch');
    expect(ended).toBe('/account?upstream_error=unknown_provider');
    expect(await pageError(browser, ended)).toBe(UPSTREAM_REFUSALS.unknown_provider);
  });

  it('links a provider account to the signed-in account after its recent sign-in; the provider account then signs in to it', async () => {
    const browser = agent();
    await login(browser, '/', 'user0', 'password0');
    const offered = await browser.get('/account').expect(200);
    expect(offered.text).toContain(
      'action="/account/upstream/github"><input type="hidden" name="csrf_token"',
    );
    expect(offered.text).toContain('id="link-upstream-github">Link GitHub</button>');
    expect(await linkAs(browser, 'octocat')).toBe('/account');
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('<code>upstream:github:583231</code>');
    expect(page.text).not.toContain('role="alert">');
    expect((await accounts().findMethod('upstream:github:583231'))?.sub).toBe('user0');

    expect(await signInAs('octocat')).toBe('user0');
  });

  it('refuses a link without a recent sign-in: the account’s own proof comes first', async () => {
    const browser = agent();
    await login(browser, '/', 'user1', 'password1');
    t.clock.advance(RECENT_LOGIN_SECONDS + 1);
    try {
      const location = await linkAs(browser, 'monalisa');
      expect(location).toBe('/account?upstream_error=link_needs_recent_sign_in');
      expect(await pageError(browser, location)).toBe(UPSTREAM_REFUSALS.link_needs_recent_sign_in);
    } finally {
      t.clock.advance(-(RECENT_LOGIN_SECONDS + 1));
    }
    expect(await accounts().findMethod('upstream:github:1000')).toBeNull();
  });

  it('refuses to link a provider account another account holds (linked, or its own account)', async () => {
    const browser = agent();
    await login(browser, '/', 'user1', 'password1');
    const location = await linkAs(browser, 'octocat');
    expect(location).toBe('/account?upstream_error=already_linked');
    expect(await pageError(browser, location)).toBe(UPSTREAM_REFUSALS.already_linked);

    expect(await signInAs('hubot')).toBe('upstream:github:2000');
    expect(await linkAs(browser, 'hubot')).toBe('/account?upstream_error=already_linked');
    expect((await accounts().findMethod('upstream:github:2000'))?.sub).toBe('upstream:github:2000');
  });

  it('refuses a link whose browser signed in as another account before the provider answered', async () => {
    const browser = agent();
    await login(browser, '/', 'user2', 'password-of-user2');
    const started = await browser
      .post('/account/upstream/github')
      .type('form')
      .send({ csrf_token: await pageToken(browser) })
      .expect(302);
    github.signedInAs = 'mallory';
    const back = await fetch(started.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    // Meanwhile the browser is someone else's.
    await login(browser, '/', 'user3', 'password-of-user3');
    const done = await browser.get(`${callback.pathname}${callback.search}`).expect(303);
    expect(done.headers.location).toBe('/account?upstream_error=link_needs_recent_sign_in');
    expect(await accounts().findMethod('upstream:github:3000')).toBeNull();
  });

  it('asks an account with a passkey for a passkey sign-in first (ACCOUNT_CHANGES_REQUIRE_PHR)', async () => {
    const browser = agent();
    await login(browser, '/', 'user4', 'password-of-user4');
    const authenticator = await addPasskeyOnAccountPage(browser, t.config.server.issuer);
    await login(browser, '/', 'user4', 'password-of-user4');
    // A password session: the page offers no link, and a forged post is refused.
    const page = await browser.get('/account').expect(200);
    expect(page.text).not.toContain('action="/account/upstream/github"');
    const refused = await browser
      .post('/account/upstream/github')
      .type('form')
      .send({ csrf_token: await pageToken(browser) })
      .expect(303);
    expect(refused.headers.location).toBe('/account?upstream_error=link_needs_recent_sign_in');

    await passkeySignIn(browser, authenticator);
    expect(await linkAs(browser, 'monalisa')).toBe('/account');
    expect((await accounts().findMethod('upstream:github:1000'))?.sub).toBe('user4');
  });

  it('removes a linked provider account like any method: it then signs in to an account of its own', async () => {
    const browser = agent();
    await login(browser, '/', 'user0', 'password0');
    await browser
      .post('/account/methods/remove')
      .type('form')
      .send({ csrf_token: await pageToken(browser), method: 'upstream:github:583231' })
      .expect(303);
    expect(await accounts().findMethod('upstream:github:583231')).toBeNull();

    expect(await signInAs('octocat')).toBe('upstream:github:583231');
    // A new account, whose subject is the provider account's method key.
    const own = await t.app.get(AccountService).account('upstream:github:583231');
    expect(own.methods.map((method) => method.key)).toEqual(['upstream:github:583231']);
  });
});
