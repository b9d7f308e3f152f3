/**
 * "Sign in with GitHub": an OAuth 2.0 provider without OpenID Connect (`kind: "oauth2"`), here a
 * small real HTTP server on loopback that behaves like GitHub (authorize, token with
 * client_secret_post and PKCE, a user API with a numeric `id` that wants a User-Agent).
 */
import request from 'supertest';
import { AccountService } from '../../../src/accounts/account.service';
import { AppConfig } from '../../../src/config/app-config';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { UPSTREAM_REFUSALS } from '../../../src/upstream/upstream.errors';
import { errorText } from '../../support/login-form';
import type { Agent } from '../../support/oauth';
import { type TestApp, createTestApp } from '../../support/test-app';
import { type GithubLikeProvider, startGithubLikeProvider } from '../../support/upstream-providers';

const ISSUER = AppConfig.fromEnv({ ...process.env }).server.issuer;
const SECRET = 'github-client-secret-not-for-logs';
/** Accounts one address may create in an hour: this file's first two sign-ins create two. */
const CREATIONS_PER_HOUR = 3;

describe('sign-in at an OAuth 2.0 provider (kind oauth2, GitHub-like)', () => {
  let t: TestApp;
  let github: GithubLikeProvider;

  beforeAll(async () => {
    github = await startGithubLikeProvider({
      clientId: 'Iv1.proofgate',
      clientSecret: SECRET,
      users: {
        octocat: { id: 583231, login: 'octocat', email: 'octocat@github.com' },
        hubot: { id: { not: 'a subject' }, login: 'hubot' },
        // JSON.parse would read 583231: octocat, to whoever reads the last of two members.
        twice: '{"id":4242,"login":"twice","id":583231}',
        renamed: { id: 583231, login: 'octocat-renamed' },
        claimed: { id: 9000, login: 'claimed', email: 'claimed@example.com', email_verified: true },
        ...Object.fromEntries(
          [1, 2, 3].map((n) => [`newcomer${n}`, { id: 7000 + n, login: `newcomer${n}` }]),
        ),
      },
    });
    github.signedInAs = 'octocat';
    t = await createTestApp({
      ACCOUNT_CREATIONS_PER_IP_PER_HOUR: String(CREATIONS_PER_HOUR),
      UPSTREAM_PROVIDERS: JSON.stringify([
        {
          kind: 'oauth2',
          id: 'github',
          name: 'GitHub',
          client_id: 'Iv1.proofgate',
          client_secret: SECRET,
          authorization_endpoint: github.authorizationEndpoint,
          token_endpoint: github.tokenEndpoint,
          userinfo_endpoint: github.userinfoEndpoint,
          subject_field: 'id',
          scopes: ['read:user'],
        },
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    await github.stop();
  });

  const agent = (): Agent => request.agent(t.app.getHttpServer());

  /** The browser's round trip: the login page, the provider (which approves at once), back. */
  async function roundTrip(browser: Agent, returnTo?: string): Promise<request.Response> {
    const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
    await browser.get(`/login${query}`).expect(200);
    const start = await browser.get(`/login/upstream/github${query}`).expect(302);
    const authorization = new URL(start.headers.location);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(github.authorizationEndpoint);
    expect(Object.fromEntries(authorization.searchParams)).toEqual({
      client_id: 'Iv1.proofgate',
      response_type: 'code',
      redirect_uri: `${ISSUER}/login/upstream/github/callback`,
      scope: 'read:user',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    const back = await fetch(authorization, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    return browser.get(`${callback.pathname}${callback.search}`).expect(303);
  }

  it('signs in as upstream:github:<id> from the user API, PKCE and client_secret_post at its token endpoint, amr fed', async () => {
    const browser = agent();
    const returnTo = '/authorize?response_type=code&client_id=demo-client&state=s';
    const done = await roundTrip(browser, returnTo);
    expect(done.headers.location).toBe(returnTo);

    const session = await t.connection
      .collection(SESSION_COLLECTION)
      .findOne({ sub: 'upstream:github:583231' });
    expect(session).toMatchObject({
      authMethod: 'upstream',
      amr: ['fed'],
      acr: 'urn:proofgate:acr:1fa',
      methodKey: 'upstream:github:583231',
    });
    // Its user API was asked with a User-Agent, as GitHub requires.
    expect(github.userAgents.at(-1)).toMatch(/^Proofgate/);
  });

  it('keeps the same account when the user renames their login: the subject field is the numeric id', async () => {
    github.signedInAs = 'renamed';
    try {
      await roundTrip(agent());
    } finally {
      github.signedInAs = 'octocat';
    }
    const account = await t.app.get(AccountService).account('upstream:github:583231');
    expect(account.methods.map((method) => method.key)).toEqual(['upstream:github:583231']);
  });

  it('keeps no email a provider does not say it verified (GitHub’s user API never does)', async () => {
    await roundTrip(agent());
    const method = await t.app.get(AccountService).findMethod('upstream:github:583231');
    expect(method?.upstream?.email).toBeUndefined();
    github.signedInAs = 'claimed';
    try {
      await roundTrip(agent());
    } finally {
      github.signedInAs = 'octocat';
    }
    expect((await t.app.get(AccountService).findMethod('upstream:github:9000'))?.upstream).toEqual({
      email: 'claimed@example.com',
    });
  });

  it('ends the user’s refusal at the provider on the login page', async () => {
    github.denyNext = true;
    const browser = agent();
    const done = await roundTrip(browser);
    expect(done.headers.location).toBe('/login?upstream_error=cancelled');
    expect(errorText((await browser.get(done.headers.location).expect(200)).text)).toBe(
      UPSTREAM_REFUSALS.cancelled,
    );
  });

  it('refuses a user API answer without a usable subject', async () => {
    github.signedInAs = 'hubot';
    try {
      const done = await roundTrip(agent());
      expect(done.headers.location).toBe('/login?upstream_error=provider_answer_invalid');
    } finally {
      github.signedInAs = 'octocat';
    }
  });

  it('refuses a user API answer that names a member twice: another reader may take the first', async () => {
    github.signedInAs = 'twice';
    try {
      const done = await roundTrip(agent());
      expect(done.headers.location).toBe('/login?upstream_error=provider_answer_invalid');
    } finally {
      github.signedInAs = 'octocat';
    }
    expect(await t.app.get(AccountService).findMethod('upstream:github:4242')).toBeNull();
  });

  it('refuses a code the provider does not take (replayed at its token endpoint), as GitHub answers it: 200 with an error', async () => {
    const browser = agent();
    await browser.get('/login').expect(200);
    const start = await browser.get('/login/upstream/github').expect(302);
    const back = await fetch(start.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    // Another tab spends the code at the provider first; this state is still unspent here.
    const spent = await fetch(github.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: 'Iv1.proofgate',
        client_secret: SECRET,
        code: callback.searchParams.get('code')!,
      }).toString(),
    });
    expect(spent.status).toBe(200);
    const done = await browser.get(`${callback.pathname}${callback.search}`).expect(303);
    expect(done.headers.location).toBe('/login?upstream_error=refused');
  });

  it('counts each new account against ACCOUNT_CREATIONS_PER_IP_PER_HOUR: past it, the login page says so and nothing is created', async () => {
    const ends: string[] = [];
    for (const user of ['newcomer1', 'newcomer2', 'newcomer3']) {
      github.signedInAs = user;
      ends.push((await roundTrip(agent())).headers.location);
    }
    github.signedInAs = 'octocat';
    // Two accounts were created before (octocat's and claimed's): one more, then refused.
    expect(ends).toEqual([
      '/',
      '/login?upstream_error=too_many_accounts',
      '/login?upstream_error=too_many_accounts',
    ]);
    expect(await t.app.get(AccountService).findMethod('upstream:github:7002')).toBeNull();
    // An account that exists signs in still.
    expect((await roundTrip(agent())).headers.location).toBe('/');
  });
});
