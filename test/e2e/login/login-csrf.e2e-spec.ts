/**
 * Login CSRF: the token must be one this server issued (HMAC under a key derived from
 * KEY_ENCRYPTION_SECRET) for this browser's pre-login session. A pair an attacker chose or minted
 * elsewhere and planted as cookies, with the same value in the form, does not log anyone in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { signedSiweMessage } from '../../support/wallet-login';
import { errorText, hiddenField, setCookies, type HttpResponse } from '../../support/login-form';
import { useTestApp } from '../../support/use-test-app';

function cookieFrom(res: HttpResponse, name: string): string {
  const line = setCookies(res).find((l) => l.startsWith(`${name}=`));
  const value = line ? /^[^=]+=([^;]*)/.exec(line)?.[1] : undefined;
  if (!value) throw new Error(`No ${name} cookie set`);
  return decodeURIComponent(value);
}

/** A token in the library's own format (HMAC.random), keyed with a secret the attacker picked. */
function forgedToken(sessionId: string): string {
  const random = randomBytes(32).toString('hex');
  const message = [sessionId.length, sessionId, random.length, random].join('!');
  return `${createHmac('sha256', 'attacker-chosen-secret').update(message).digest('hex')}.${random}`;
}

const ATTACKER_SESSION = randomBytes(32).toString('base64url');

/** Attacker-chosen cookie/token pairs: the same value as cookie and as form field. */
const ATTACKER_PAIRS: ReadonlyArray<readonly [string, string]> = [
  [
    'a random value, as the old plain double-submit accepted',
    randomBytes(32).toString('base64url'),
  ],
  ['a well-formed token signed with another key', forgedToken(ATTACKER_SESSION)],
];

describe('login CSRF tokens are signed and bound to the pre-login session', () => {
  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    RATE_LIMIT_WALLET_PER_IP: '1000',
    RATE_LIMIT_WALLET_PER_ADDRESS: '1000',
  });

  const sessionCount = () => t.connection.collection(SESSION_COLLECTION).countDocuments();

  /** What the login page gives a browser: its cookies and the form's token. */
  async function loginPage(): Promise<{ cookies: string; token: string }> {
    const page = await t.http().get('/login').expect(200);
    const cookies = ['pg_presession', 'pg_csrf']
      .map((name) => `${name}=${encodeURIComponent(cookieFrom(page, name))}`)
      .join('; ');
    return { cookies, token: hiddenField(page.text, 'csrf_token') };
  }

  /** A wallet's signed message of the login page whose browser holds `cookies` (none: a script's). */
  const signedMessage = (cookies?: string) => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    return signedSiweMessage(t, wallet, wallet, cookies === undefined ? {} : { cookies });
  };

  it.each(ATTACKER_PAIRS)(
    'POST /login refuses an attacker-chosen matching pair (%s) with the 400 form',
    async (_label, value) => {
      const before = await sessionCount();

      const res = await t
        .http()
        .post('/login')
        .set('Cookie', `pg_presession=${ATTACKER_SESSION}; pg_csrf=${encodeURIComponent(value)}`)
        .type('form')
        .send({ username: 'user0', password: 'password0', csrf_token: value, return_to: '/' })
        .expect(400);

      expect(errorText(res.text)).toBe(
        'The login form’s security token is not valid for this browser. Sign in again from this page.',
      );
      expect(setCookies(res).some((line) => line.startsWith('pg_session='))).toBe(false);
      // The form comes back with a fresh, server-issued token in place of the planted one.
      expect(hiddenField(res.text, 'csrf_token')).not.toBe(value);
      expect(await sessionCount()).toBe(before);
    },
  );

  it.each(ATTACKER_PAIRS)(
    'POST /login/siwe refuses an attacker-chosen matching pair (%s) with 400 invalid_request',
    async (_label, value) => {
      const signed = await signedMessage();
      const before = await sessionCount();

      const res = await t
        .http()
        .post('/login/siwe')
        .set('Cookie', `pg_presession=${ATTACKER_SESSION}; pg_csrf=${encodeURIComponent(value)}`)
        .send({ ...signed, csrf_token: value, return_to: '/' })
        .expect(400);

      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description:
          'The login form’s security token is not valid for this browser. Sign in again from this page.',
      });
      expect(await sessionCount()).toBe(before);
    },
  );

  it('refuses a real token and its cookie when presented with another browser’s pre-login session', async () => {
    const victim = await loginPage();
    const attacker = await loginPage();
    const victimSession = /pg_presession=([^;]+)/.exec(victim.cookies)![1];
    const attackerCsrfCookie = /pg_csrf=([^;]+)/.exec(attacker.cookies)![1];

    const res = await t
      .http()
      .post('/login')
      .set('Cookie', `pg_presession=${victimSession}; pg_csrf=${attackerCsrfCookie}`)
      .type('form')
      .send({ username: 'user0', password: 'password0', csrf_token: attacker.token })
      .expect(400);

    expect(errorText(res.text)).toMatch(/not valid for this browser/);
  });

  it('accepts the token the login page issued, for the password form and for the wallet', async () => {
    const { cookies, token } = await loginPage();
    const before = await sessionCount();

    await t
      .http()
      .post('/login')
      .set('Cookie', cookies)
      .type('form')
      .send({ username: 'user0', password: 'password0', csrf_token: token, return_to: '/' })
      .expect(303);
    const siwe = await t
      .http()
      .post('/login/siwe')
      .set('Cookie', cookies)
      .send({ ...(await signedMessage(cookies)), csrf_token: token, return_to: '/' })
      .expect(200);

    expect(siwe.body).toEqual({ redirect: '/' });
    expect(await sessionCount()).toBe(before + 2);
  });
});
