/**
 * POST /logout ends the browser's login session on the server, not only its cookie: the old
 * session cookie, replayed, no longer authorizes at /authorize, which asks for a login again.
 */
import request from 'supertest';
import { sha256Base64Url } from '../../../../src/platform/crypto/hashing';
import { SESSION_COLLECTION } from '../../../../src/sessions/persistence/session.schema';
import { DEMO_CLIENT, login, demoAuthorizePath } from '../../../support/oauth';
import { cookieValue, setCookie } from '../../../support/login-form';
import { expectRefusal } from '../../../support/refusal';
import { useTestApp } from '../../../support/use-test-app';

type Agent = ReturnType<typeof request.agent>;

const authorizeRequest = () => demoAuthorizePath('st-logout');

describe('POST /logout', () => {
  const t = useTestApp({ RATE_LIMIT_LOGIN_PER_IP: '1000' });

  /** A logged-in browser, its session cookie value, and the token its login page carries. */
  async function signedInBrowser(): Promise<{ agent: Agent; session: string; csrf: string }> {
    const agent = request.agent(t.app.getHttpServer());
    const loggedIn = await login(agent);
    const session = cookieValue(setCookie(loggedIn, 'pg_session'));
    const page = await agent.get('/login').expect(200);
    const csrf =
      /<form method="post" action="\/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(
        page.text,
      )?.[1];
    if (!csrf) throw new Error('no sign-out form on the login page of a signed-in browser');
    return { agent, session, csrf };
  }

  const authorizeWith = (session: string) =>
    t.http().get(authorizeRequest()).set('Cookie', `pg_session=${session}`).expect(302);

  it('ends the session: the old cookie no longer authorizes, /authorize asks for login again', async () => {
    const { agent, session, csrf } = await signedInBrowser();
    const before = new URL((await authorizeWith(session)).headers.location, t.config.server.issuer);
    expect(`${before.origin}${before.pathname}`).toBe(DEMO_CLIENT.redirectUri);

    const res = await agent.post('/logout').type('form').send({ csrf_token: csrf }).expect(303);

    expect(res.headers.location).toBe('/login');
    const cleared = setCookie(res, 'pg_session');
    expect(cleared).toMatch(/^pg_session=;/);
    expect(cleared?.toLowerCase()).toMatch(/expires=thu, 01 jan 1970/);
    expect(
      await t.connection
        .collection<{ _id: string }>(SESSION_COLLECTION)
        .countDocuments({ _id: sha256Base64Url(session) }),
    ).toBe(0);

    const after = await authorizeWith(session);
    expect(after.headers.location).toMatch(/^\/login\?return_to=%2Fauthorize%3F/);
  });

  it('shows the signed-in user and a Sign out control on the login page, and not after logout', async () => {
    const { agent, csrf } = await signedInBrowser();
    const signedIn = await agent.get('/login').expect(200);
    expect(signedIn.text).toContain('Signed in as <strong>user0</strong>');
    expect(signedIn.text).toContain('<button type="submit" class="secondary">Sign out</button>');

    await agent.post('/logout').type('form').send({ csrf_token: csrf }).expect(303);

    const signedOut = await agent.get('/login').expect(200);
    expect(signedOut.text).not.toContain('Signed in as');
    expect(signedOut.text).not.toContain('action="/logout"');
  });

  it('goes back to a return_to that passes the return_to rules, else to /login', async () => {
    const first = await signedInBrowser();
    const returnTo = authorizeRequest();
    const safe = await first.agent
      .post('/logout')
      .type('form')
      .send({ csrf_token: first.csrf, return_to: returnTo })
      .expect(303);
    expect(safe.headers.location).toBe(returnTo);

    const second = await signedInBrowser();
    const unsafe = await second.agent
      .post('/logout')
      .type('form')
      .send({ csrf_token: second.csrf, return_to: 'https://evil.example/' })
      .expect(303);
    expect(unsafe.headers.location).toBe('/login');
  });

  it('refuses a logout without the page’s CSRF token and keeps the session', async () => {
    const { agent, session } = await signedInBrowser();

    const res = await agent.post('/logout').type('form').send({});

    expectRefusal(
      res,
      400,
      'invalid_request',
      'The page’s security token is missing; reload the page and try again',
    );
    expect(setCookie(res, 'pg_session')).toBeUndefined();
    const still = new URL((await authorizeWith(session)).headers.location, t.config.server.issuer);
    expect(`${still.origin}${still.pathname}`).toBe(DEMO_CLIENT.redirectUri);
  });

  it('names the signed-in user in the header of / and the lab, with a Sign out that ends the session and comes back', async () => {
    const { agent } = await signedInBrowser();
    for (const [path, returnTo] of [
      ['/', '/'],
      ['/lab', '/lab'],
    ]) {
      const page = await agent.get(path).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain(
        '<span id="nav-session">Signed in as <strong>user0</strong></span>',
      );
      expect(page.text).toContain(`<input type="hidden" name="return_to" value="${returnTo}">`);
    }
    const home = await agent.get('/').expect(200);
    const csrf =
      /class="nav-sign-out">\s*<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(
        home.text,
      )?.[1];
    expect(csrf).toBeDefined();
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ csrf_token: csrf, return_to: '/' })
      .expect(303);
    expect(out.headers.location).toBe('/');
    const after = await agent.get('/').expect(200);
    expect(after.text).not.toContain('nav-session');
    expect(after.text).toContain('<a href="/login" id="nav-sign-in">Sign in</a>');
  });
});
