import request from 'supertest';
import { sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { SessionService } from '../../../src/sessions/session.service';
import { USER_COLLECTION } from '../../../src/accounts/users/persistence/user.schema';
import { UserRepository } from '../../../src/accounts/users/user.repository';
import { TestApp, createTestApp } from '../../support/test-app';
import {
  attributes,
  cookieValue,
  errorText,
  hiddenField,
  setCookie,
} from '../../support/login-form';
import { expectRefusal } from '../../support/refusal';
import { PROOF_CHALLENGE } from '../../../src/platform/http/proof-challenge';

type Agent = ReturnType<typeof request.agent>;
type LoginTestApp = TestApp & { agent: () => Agent };

/** The real app (LoginModule and the security headers included), plus a cookie-keeping agent. */
async function createLoginTestApp(env: Record<string, string> = {}): Promise<LoginTestApp> {
  const t = await createTestApp(env);
  return { ...t, agent: () => request.agent(t.app.getHttpServer()) };
}

/** The same database name with a suffix: another database on the test server. */
function siblingDatabaseUri(suffix: string): string {
  const uri = process.env.MONGODB_URI ?? '';
  const match = /^(mongodb:\/\/[^/?]+\/)([^?]+)(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`Unexpected test database URI ${uri}`);
  return `${match[1]}${match[2]}_${suffix}${match[3] ?? ''}`;
}

interface SessionDocument {
  _id: string;
  sub: string;
  authMethod: string;
  authTime: Date;
  expiresAt: Date;
}

interface UserDocument {
  _id: string;
  passwordHash: string;
  createdAt: Date;
}

const RETURN_TO = '/authorize?response_type=code&client_id=demo-client&state=xyz';

describe('password login (GET/POST /login)', () => {
  let t: LoginTestApp;

  beforeAll(async () => {
    t = await createLoginTestApp();
  });
  afterAll(() => t.close());

  const sessionCount = () => t.connection.collection(SESSION_COLLECTION).countDocuments();

  /** A browser that has loaded the form: its CSRF cookie is in the agent's jar. */
  async function browserWithForm(returnTo = RETURN_TO) {
    const agent = t.agent();
    const page = await agent.get('/login').query({ return_to: returnTo }).expect(200);
    return { agent, csrfToken: hiddenField(page.text, 'csrf_token') };
  }

  /** The form submitted with a demo user's right password (userN / passwordN): answered 303. */
  function signIn(agent: Agent, csrfToken: string, returnTo: string, username = 'user0') {
    const password = `password${username.slice(-1)}`;
    return agent
      .post('/login')
      .type('form')
      .send({ username, password, csrf_token: csrfToken, return_to: returnTo })
      .expect(303);
  }

  describe('GET /login', () => {
    it('renders the form with a signed CSRF token that equals its HttpOnly SameSite=Strict cookie (the pre-login session’s is Lax)', async () => {
      const res = await t.http().get('/login').query({ return_to: RETURN_TO }).expect(200);

      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toMatch(/^<!DOCTYPE html>/);
      expect(res.text).toContain('<form method="post" action="/login" id="login-form">');
      expect(res.text).toContain('name="username"');
      expect(res.text).toContain('name="password" type="password"');

      // HMAC-SHA256 over the pre-login session id and a random value, then that value (hex).
      const csrf = setCookie(res, 'pg_csrf');
      expect(cookieValue(csrf)).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{64}$/);
      expect(hiddenField(res.text, 'csrf_token')).toBe(cookieValue(csrf));
      const presession = setCookie(res, 'pg_presession');
      expect(cookieValue(presession)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Lax: a client's redirect to /authorize and on to this page (a cross-site top-level GET)
      // must bring the browser's one pre-login session, which a sign-in marker is bound to.
      for (const [cookie, sameSite] of [
        [csrf, 'samesite=strict'],
        [presession, 'samesite=lax'],
      ]) {
        expect(attributes(cookie)).toEqual(
          expect.arrayContaining(['path=/', 'httponly', sameSite]),
        );
        expect(attributes(cookie)).not.toContain('secure');
      }
      expect(hiddenField(res.text, 'return_to')).toBe(RETURN_TO.replace(/&/g, '&amp;'));
    });

    it('sends the anti-clickjacking and strict content-security headers', async () => {
      const res = await t.http().get('/login').expect(200);

      const csp = String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim());
      expect(csp).toEqual(
        expect.arrayContaining([
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          "connect-src 'self'",
          "form-action 'self' http: https:",
          "frame-ancestors 'none'",
        ]),
      );
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // No camera, microphone, location or payment for the page or what it could embed; passkeys
      // (publickey-credentials-get and -create) keep their default, this origin.
      const permissions = String(res.headers['permissions-policy']).split(', ');
      expect(permissions).toEqual(
        expect.arrayContaining(['camera=()', 'microphone=()', 'geolocation=()', 'payment=()']),
      );
      expect(permissions.filter((feature) => feature.startsWith('publickey'))).toEqual([]);
    });

    it('keeps the browser’s CSRF token on the next visit', async () => {
      const agent = t.agent();
      const first = await agent.get('/login').expect(200);
      const second = await agent.get('/login').expect(200);

      expect(setCookie(second, 'pg_presession')).toBeUndefined();
      expect(hiddenField(second.text, 'csrf_token')).toBe(hiddenField(first.text, 'csrf_token'));
      expect(cookieValue(setCookie(second, 'pg_csrf'))).toBe(hiddenField(first.text, 'csrf_token'));
    });

    it('replaces an unsafe return_to in the form with /', async () => {
      const res = await t.http().get('/login').query({ return_to: '//evil.example' }).expect(200);

      expect(hiddenField(res.text, 'return_to')).toBe('/');
      expect(res.text).not.toContain('evil.example');
    });
  });

  describe('POST /login', () => {
    it('starts a session on the right password and answers 303 to return_to', async () => {
      const { agent, csrfToken } = await browserWithForm();

      const res = await signIn(agent, csrfToken, RETURN_TO);

      expect(res.headers.location).toBe(RETURN_TO);
      expect(JSON.stringify(res.headers)).not.toContain('password0');
      expect(res.text).not.toContain('password0');
      const cookie = setCookie(res, 'pg_session');
      const value = cookieValue(cookie);
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(attributes(cookie)).toEqual(
        expect.arrayContaining([
          'path=/',
          'httponly',
          'samesite=lax',
          `max-age=${t.config.oauth.sessionTtlSeconds}`,
        ]),
      );
      expect(attributes(cookie)).not.toContain('secure');

      // Only the SHA-256 of the cookie value is stored, never the value.
      const sessions = t.connection.collection<SessionDocument>(SESSION_COLLECTION);
      const stored = await sessions.findOne({ _id: sha256Base64Url(value) });
      expect(stored).toMatchObject({ sub: 'user0', authMethod: 'password' });
      expect(stored!.expiresAt.getTime() - stored!.authTime.getTime()).toBe(
        t.config.oauth.sessionTtlSeconds * 1000,
      );
      expect(Math.abs(stored!.authTime.getTime() - t.clock.now().getTime())).toBeLessThan(10_000);
      expect(JSON.stringify(await sessions.find().toArray())).not.toContain(value);
    });

    it('gives SessionService.current the session until it expires, then nothing', async () => {
      const { agent, csrfToken } = await browserWithForm();
      const res = await signIn(agent, csrfToken, '/', 'user1');
      const sessions = t.app.get(SessionService);
      const req = {
        headers: { cookie: `pg_session=${cookieValue(setCookie(res, 'pg_session'))}` },
      };

      await expect(sessions.current(req)).resolves.toMatchObject({
        sub: 'user1',
        authMethod: 'password',
      });

      t.clock.advance(t.config.oauth.sessionTtlSeconds + 1);
      try {
        // Still in the collection (the TTL monitor has not run), yet no longer a session.
        await expect(sessions.current(req)).resolves.toBeNull();
      } finally {
        t.clock.advance(-(t.config.oauth.sessionTtlSeconds + 1));
      }
      await expect(
        sessions.current({ headers: { cookie: 'pg_session=forged' } }),
      ).resolves.toBeNull();
    });

    it('answers a wrong password and an unknown user with the same 401 page, and no session', async () => {
      const { agent, csrfToken } = await browserWithForm();
      const before = await sessionCount();
      const attempt = (username: string, password: string) =>
        agent
          .post('/login')
          .type('form')
          .send({ username, password, csrf_token: csrfToken, return_to: RETURN_TO })
          .expect(401);

      const wrongPassword = await attempt('user0', 'not-the-password-7f3a');
      const unknownUser = await attempt('user0x', 'not-the-password-7f3a');

      for (const res of [wrongPassword, unknownUser]) {
        expect(errorText(res.text)).toBe('Invalid username or password.');
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        // RFC 9110 §15.5.2: a 401 page challenges too, in a scheme no browser prompts for.
        expect(res.headers['www-authenticate']).toBe(PROOF_CHALLENGE);
        expect(setCookie(res, 'pg_session')).toBeUndefined();
        expect(res.text).not.toContain('not-the-password-7f3a');
        expect(JSON.stringify(res.headers)).not.toContain('not-the-password-7f3a');
        expect(hiddenField(res.text, 'csrf_token')).toBe(csrfToken);
        expect(hiddenField(res.text, 'return_to')).toBe(RETURN_TO.replace(/&/g, '&amp;'));
      }
      // Apart from the echoed username, the two pages are identical.
      expect(unknownUser.text.replace('value="user0x"', 'value="user0"')).toBe(wrongPassword.text);
      expect(await sessionCount()).toBe(before);
    });

    it('answers a client that asks for JSON with the envelope: 401 invalid_credentials, 400 invalid_request', async () => {
      const { agent, csrfToken } = await browserWithForm();
      const attempt = (fields: Record<string, string>) =>
        agent
          .post('/login')
          .type('form')
          .set('Accept', 'application/json')
          .send({ csrf_token: csrfToken, return_to: RETURN_TO, ...fields });

      for (const username of ['user0', 'user0x']) {
        const wrong = await attempt({ username, password: 'not-the-password-7f3a' });
        expectRefusal(wrong, 401, 'invalid_credentials', 'Invalid username or password.');
        expect(wrong.headers['cache-control']).toBe('no-store');
        expect(setCookie(wrong, 'pg_session')).toBeUndefined();
      }
      const missing = await attempt({ username: 'user0' });
      expectRefusal(missing, 400, 'invalid_request', 'Enter your password.');
      const forged = await attempt({
        username: 'user0',
        password: 'password0',
        csrf_token: 'A'.repeat(43),
      });
      expect(forged.status).toBe(400);
      expect(forged.body).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/security token does not match/),
      });
      expect(setCookie(forged, 'pg_session')).toBeUndefined();
    });

    it('escapes the echoed username', async () => {
      const { agent, csrfToken } = await browserWithForm();
      const res = await agent
        .post('/login')
        .type('form')
        .send({ username: '"><script>x()</script>', password: 'p', csrf_token: csrfToken })
        .expect(401);

      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"');
    });

    it.each([
      ['no CSRF cookie', false, 'abc', /security cookie/],
      ['no csrf_token field', true, undefined, /security token is missing/],
      ['a mismatched csrf_token', true, 'A'.repeat(43), /security token does not match/],
    ])(
      'refuses %s with a 400 page and starts no session',
      async (_label, withCookie, field, message) => {
        const { agent, csrfToken } = await browserWithForm();
        const before = await sessionCount();
        const client = withCookie ? agent : t.http();

        const res = await client
          .post('/login')
          .type('form')
          .send({
            username: 'user0',
            password: 'password0',
            ...(field === undefined ? {} : { csrf_token: field }),
            return_to: RETURN_TO,
          })
          .expect(400);

        expect(errorText(res.text)).toMatch(message);
        expect(setCookie(res, 'pg_session')).toBeUndefined();
        expect(res.text).not.toContain('password0');
        expect(await sessionCount()).toBe(before);
        if (withCookie) expect(hiddenField(res.text, 'csrf_token')).toBe(csrfToken);
      },
    );

    it.each([
      ['password', { username: 'user0', password: '' }, 'Enter your password.'],
      ['username', { password: 'password0' }, 'Enter your username.'],
      ['username and password', {}, 'Enter your username and password.'],
    ])('answers a missing %s with a 400 page', async (_label, fields, message) => {
      const { agent, csrfToken } = await browserWithForm();

      const res = await agent
        .post('/login')
        .type('form')
        .send({ ...fields, csrf_token: csrfToken })
        .expect(400);

      expect(errorText(res.text)).toBe(message);
      expect(res.text).not.toContain('password0');
      expect(setCookie(res, 'pg_session')).toBeUndefined();
    });

    it.each(['https://evil.example', '//evil.example', '/\\evil.example', '/health'])(
      'sends the browser to / instead of return_to=%s',
      async (returnTo) => {
        const { agent, csrfToken } = await browserWithForm(returnTo);

        const res = await signIn(agent, csrfToken, returnTo);

        expect(res.headers.location).toBe('/');
        expect(setCookie(res, 'pg_session')).toBeDefined();
      },
    );

    it('rejects a malformed body (an unknown field) with the invalid_request envelope', async () => {
      const { agent, csrfToken } = await browserWithForm();

      const res = await agent
        .post('/login')
        .type('form')
        .send({ username: 'user0', password: 'password0', csrf_token: csrfToken, admin: 'true' });

      expectRefusal(res, 400, 'invalid_request', 'Unknown parameter: admin');
      expect(setCookie(res, 'pg_session')).toBeUndefined();
    });
  });

  describe('users', () => {
    const users = () => t.connection.collection<UserDocument>(USER_COLLECTION);

    it('stores the demo users with scrypt hashes only', async () => {
      const stored = await users().find().sort({ _id: 1 }).toArray();

      expect(stored.map((user) => user._id)).toEqual(['user0', 'user1']);
      for (const user of stored) {
        expect(Object.keys(user).sort()).toEqual([
          '_id',
          'createdAt',
          'passwordHash',
          'usernameKey',
        ]);
        expect(user.passwordHash).toMatch(
          /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/,
        );
      }
      const dump = JSON.stringify(stored);
      expect(dump).not.toContain('password0');
      expect(dump).not.toContain('password1');
    });
  });
});

describe('seeding the demo users', () => {
  const env = { MONGODB_URI: siblingDatabaseUri('seeding') };
  const started: LoginTestApp[] = [];
  const start = async () => {
    const instance = await createLoginTestApp(env);
    started.push(instance);
    return instance;
  };
  const usersOf = (instance: LoginTestApp) =>
    instance.connection.collection<UserDocument>(USER_COLLECTION);

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    const last = started.pop();
    for (const instance of started) await instance.close({ dropDatabase: false });
    await last?.close();
  });

  it('leaves one user0 when two instances start together on an empty database', async () => {
    // allSettled: an instance that did boot is still closed (afterAll) when the other fails.
    const boots = await Promise.allSettled([start(), start()]);
    expect(boots.map((boot) => boot.status)).toEqual(['fulfilled', 'fulfilled']);
    const [first] = started;

    expect(await usersOf(first).countDocuments({ _id: 'user0' })).toBe(1);
    expect(await usersOf(first).countDocuments()).toBe(2);
  });

  it('does not hash the demo passwords again when the users exist', async () => {
    const before = await usersOf(started[0]).findOne({ _id: 'user0' });
    const hash = jest.spyOn(PasswordHasher.prototype, 'hash');

    const later = await start();

    const hashed = hash.mock.calls.map(([secret]) => secret);
    expect(hashed).not.toContain('password0');
    expect(hashed).not.toContain('password1');
    expect(await usersOf(later).findOne({ _id: 'user0' })).toEqual(before);
    expect(await usersOf(later).countDocuments()).toBe(2);
  });

  it('lets exactly one of two concurrent inserts of the same user through', async () => {
    const repository = started[0].app.get(UserRepository);
    const user = { username: 'race-user', passwordHash: 'scrypt$x', createdAt: new Date() };

    const results = await Promise.all([
      repository.insertIfAbsent(user),
      repository.insertIfAbsent({ ...user, passwordHash: 'scrypt$y' }),
    ]);

    expect([...results].sort()).toEqual([false, true]);
    expect(await usersOf(started[0]).countDocuments({ _id: 'race-user' })).toBe(1);
  });
});

describe('password login behind an https issuer', () => {
  let t: LoginTestApp;

  beforeAll(async () => {
    t = await createLoginTestApp({
      ISSUER: 'https://auth.example.test',
      MONGODB_URI: siblingDatabaseUri('https'),
    });
  });
  afterAll(() => t.close());

  it('marks the CSRF and session cookies Secure, with the __Host- prefix', async () => {
    const page = await t.http().get('/login').expect(200);
    const csrf = setCookie(page, '__Host-pg_csrf');
    const presession = setCookie(page, '__Host-pg_presession');
    for (const cookie of [csrf, presession]) {
      // __Host-: Secure, Path=/ and no Domain, so no other host can set or shadow it.
      expect(attributes(cookie)).toEqual(expect.arrayContaining(['secure', 'path=/']));
      expect(attributes(cookie).some((a) => a.startsWith('domain='))).toBe(false);
    }
    expect(setCookie(page, 'pg_csrf')).toBeUndefined();

    // supertest speaks plain http, so its cookie jar would withhold a Secure cookie: send it by hand.
    const res = await t
      .http()
      .post('/login')
      .set(
        'Cookie',
        `__Host-pg_presession=${cookieValue(presession)}; __Host-pg_csrf=${cookieValue(csrf)}`,
      )
      .type('form')
      .send({
        username: 'user0',
        password: 'password0',
        csrf_token: hiddenField(page.text, 'csrf_token'),
      })
      .expect(303);

    expect(res.headers.location).toBe('/');
    // The session cookie is __Host- too (see test/e2e/sessions/session-cookie.e2e-spec.ts).
    expect(attributes(setCookie(res, '__Host-pg_session'))).toEqual(
      expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']),
    );
    expect(setCookie(res, 'pg_session')).toBeUndefined();
  });
});

describe('demo users with seeding off (the production default)', () => {
  it('are not created', async () => {
    const t = await createLoginTestApp({
      SEED_DEMO_DATA: 'false',
      MONGODB_URI: siblingDatabaseUri('unseeded'),
    });
    try {
      expect(await t.connection.collection(USER_COLLECTION).countDocuments()).toBe(0);
      const agent = t.agent();
      const page = await agent.get('/login').expect(200);
      const res = await agent
        .post('/login')
        .type('form')
        .send({
          username: 'user0',
          password: 'password0',
          csrf_token: hiddenField(page.text, 'csrf_token'),
        })
        .expect(401);
      expect(errorText(res.text)).toBe('Invalid username or password.');
    } finally {
      await t.close();
    }
  });
});
