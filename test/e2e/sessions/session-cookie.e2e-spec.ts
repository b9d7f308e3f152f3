/**
 * The login session cookie cannot be planted (issue #19, finding 6). Over https it is
 * `__Host-pg_session` (RFC 6265bis §4.1.3.2: Secure, Path=/, no Domain, so no sibling subdomain or
 * http man-in-the-middle can set it); over http it stays `pg_session`. A request carrying more
 * than one session cookie (a planted `pg_session` with `Path=/authorize` is listed first by the
 * browser) signs nobody in, so an attacker's session never stands in for the victim's: /authorize
 * sends the user to /login, the consent form is refused with 400, and logout still signs out.
 * Cookies are sent by hand, as the browser would list them.
 */
import { sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { AMBIGUOUS_SESSION } from '../../../src/sessions/session.service';
import {
  DEMO_CLIENT,
  authorizePath,
  PARTNER,
  clientEntry,
  demoAuthorizePath,
  codeRequestOf,
} from '../../support/oauth';
import { TestApp } from '../../support/test-app';
import { attributes, setCookie, setCookies, type HttpResponse } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

const CLIENTS = JSON.stringify([clientEntry({ ...PARTNER, name: 'Partner' })]);

/** `name=value` pairs of every cookie the response sets (for the next request's Cookie header). */
function cookiePairs(res: HttpResponse): string[] {
  return setCookies(res).map((line) => line.split(';')[0]);
}

function valueOf(line: string | undefined): string {
  const value = /^[^=]+=([^;]*)/.exec(line ?? '')?.[1];
  if (!value) throw new Error(`No cookie value in ${line}`);
  return value;
}

const demoAuthorizeRequest = () => demoAuthorizePath('st-session');

function partnerAuthorizeRequest(): string {
  return authorizePath(codeRequestOf(PARTNER, { state: 'st-partner', scope: 'profile' }));
}

/** Logs `username` in with a fresh browser and answers the session cookie's value. */
async function sessionOf(
  t: TestApp,
  cookieName: string,
  username: string,
  password: string,
  extraCookie?: string,
): Promise<{ value: string; response: HttpResponse }> {
  const page = await t.http().get('/login').expect(200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const cookie = [...cookiePairs(page), ...(extraCookie ? [extraCookie] : [])].join('; ');
  const response = await t
    .http()
    .post('/login')
    .set('Cookie', cookie)
    .type('form')
    .send({ username, password, csrf_token: csrf, return_to: '/' })
    .expect(303);
  return { value: valueOf(setCookie(response, cookieName)), response };
}

/** Where /authorize for the demo client sends a browser carrying `cookie`. */
async function authorizeWith(t: TestApp, cookie: string): Promise<string> {
  const res = await t.http().get(demoAuthorizeRequest()).set('Cookie', cookie).expect(302);
  return res.headers.location;
}

const toClient = (location: string) => location.startsWith(DEMO_CLIENT.redirectUri);
const toLogin = (location: string) => location.startsWith('/login?return_to=');

describe('the session cookie over http (pg_session)', () => {
  let victim: string;
  let attacker: string;

  const t = useTestApp({ OAUTH_CLIENTS: CLIENTS, RATE_LIMIT_LOGIN_PER_IP: '1000' });
  beforeAll(async () => {
    victim = (await sessionOf(t, 'pg_session', 'user0', 'password0')).value;
    attacker = (await sessionOf(t, 'pg_session', 'user1', 'password1')).value;
  });

  it('signs nobody in when pg_session comes twice (a planted one first): /authorize asks for a login', async () => {
    expect(toClient(await authorizeWith(t, `pg_session=${victim}`))).toBe(true);

    for (const cookie of [
      `pg_session=${attacker}; pg_session=${victim}`,
      `pg_session=${victim}; pg_session=${attacker}`,
      `pg_session=${victim}; pg_session=${victim}`,
      `__Host-pg_session=${attacker}; pg_session=${victim}`,
    ]) {
      expect({ cookie, toLogin: toLogin(await authorizeWith(t, cookie)) }).toEqual({
        cookie,
        toLogin: true,
      });
    }
    const page = await t
      .http()
      .get('/login')
      .set('Cookie', `pg_session=${attacker}; pg_session=${victim}`)
      .expect(200);
    expect(page.text).not.toContain('Signed in as');
  });

  it('refuses the consent form of a request with two session cookies: 400 in the error envelope', async () => {
    const screen = await t
      .http()
      .get(partnerAuthorizeRequest())
      .set('Cookie', `pg_session=${victim}`)
      .expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(screen.text)?.[1] ?? '';
    const returnTo = /name="return_to" value="([^"]+)"/.exec(screen.text)?.[1] ?? '';
    const pageCookies = cookiePairs(screen);

    const res = await t
      .http()
      .post('/consent')
      .set('Cookie', [...pageCookies, `pg_session=${attacker}`, `pg_session=${victim}`].join('; '))
      .type('form')
      .send({ decision: 'allow', csrf_token: csrf, return_to: returnTo.replace(/&amp;/g, '&') })
      .expect(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: AMBIGUOUS_SESSION });
    expect(JSON.stringify(res.body)).not.toContain(attacker);
  });

  it('still signs out on logout with two session cookies, ending both sessions', async () => {
    const mine = (await sessionOf(t, 'pg_session', 'user0', 'password0')).value;
    const planted = (await sessionOf(t, 'pg_session', 'user1', 'password1')).value;
    const page = await t.http().get('/login').set('Cookie', `pg_session=${mine}`).expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';

    const res = await t
      .http()
      .post('/logout')
      .set(
        'Cookie',
        [...cookiePairs(page), `pg_session=${planted}`, `pg_session=${mine}`].join('; '),
      )
      .type('form')
      .send({ csrf_token: csrf })
      .expect(303);

    expect(setCookie(res, 'pg_session')).toMatch(/^pg_session=;/);
    const sessions = t.connection.collection<{ _id: string }>(SESSION_COLLECTION);
    for (const value of [mine, planted]) {
      expect(await sessions.countDocuments({ _id: sha256Base64Url(value) })).toBe(0);
    }
    expect(toLogin(await authorizeWith(t, `pg_session=${mine}`))).toBe(true);
  });
});

describe('the session cookie over https (__Host-pg_session)', () => {
  const t = useTestApp({
    ISSUER: 'https://auth.example.test',
    RATE_LIMIT_LOGIN_PER_IP: '1000',
  });

  it('is set as __Host-pg_session: Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain; never pg_session', async () => {
    const { value, response } = await sessionOf(t, '__Host-pg_session', 'user0', 'password0');
    const line = setCookie(response, '__Host-pg_session');
    expect(attributes(line)).toEqual(
      expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']),
    );
    expect(attributes(line).some((a) => a.startsWith('domain='))).toBe(false);
    expect(setCookie(response, 'pg_session')).toBeUndefined();
    expect(toClient(await authorizeWith(t, `__Host-pg_session=${value}`))).toBe(true);
  });

  it('reads no plain pg_session (an old or planted one), and no two session cookies', async () => {
    const { value: victim } = await sessionOf(t, '__Host-pg_session', 'user0', 'password0');
    const { value: attacker } = await sessionOf(t, '__Host-pg_session', 'user1', 'password1');

    expect(toLogin(await authorizeWith(t, `pg_session=${attacker}`))).toBe(true);
    expect(
      toLogin(await authorizeWith(t, `pg_session=${attacker}; __Host-pg_session=${victim}`)),
    ).toBe(true);
    expect(
      toLogin(await authorizeWith(t, `__Host-pg_session=${attacker}; __Host-pg_session=${victim}`)),
    ).toBe(true);
  });

  it('signs a browser that kept an old pg_session in once more, and clears that cookie', async () => {
    const old = 'o'.repeat(43);
    const { response } = await sessionOf(
      t,
      '__Host-pg_session',
      'user0',
      'password0',
      `pg_session=${old}`,
    );
    const cleared = setCookie(response, 'pg_session');
    expect(cleared).toMatch(/^pg_session=;/);
    expect(attributes(cleared)).toEqual(expect.arrayContaining(['path=/', 'secure']));
    expect(attributes(cleared).some((a) => a.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
  });
});
