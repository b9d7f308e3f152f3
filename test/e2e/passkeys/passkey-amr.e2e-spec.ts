/**
 * What an ID token says of a passkey sign-in (RFC 8176 `amr`): `pop`, and `user` when the
 * authenticator verified the user; never `hwk` or `swk` for a passkey registered with attestation
 * `none` (the default), since nothing then tells a hardware-held key from a software one: the
 * backup-eligible flag is the authenticator's own word, and a software authenticator (this one)
 * clears or sets it at will. Attested passkeys: hardware-bound-passkeys.e2e-spec.ts.
 * Driven as a browser would: the login page's CSRF token, POST /login/passkey, then the code of an
 * OpenID Connect request of demo-client.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { accountToken } from '../../support/accounts';
import {
  type Agent,
  DEMO_CLIENT,
  exchangeCode,
  login,
  obtainCode,
  introspect,
} from '../../support/oauth';
import { FLAGS, SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { registerPasskey } from '../../support/passkeys';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';

describe('passkey sign-in: the amr an ID token carries', () => {
  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  /** A passkey of user0 from a software authenticator, device-bound or synced. */
  async function passkeyOfUser0(synced: boolean): Promise<SoftwareAuthenticator> {
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER, synced });
    const token = await accountToken(t);
    return registerPasskey(t, token, authenticator);
  }

  /** Signs `browser` in on the login page with the passkey (flags as given). */
  async function passkeySignIn(
    browser: Agent,
    authenticator: SoftwareAuthenticator,
    flags?: number,
  ): Promise<void> {
    const page = await browser.get('/login').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const challenge = await browser.post('/passkeys/authentication/options').send({}).expect(200);
    const response = authenticator.assert(
      challenge.body as { challenge: string },
      flags === undefined ? {} : { flags },
    );
    await browser
      .post('/login/passkey')
      .send({ response, csrf_token: csrf, return_to: '/' })
      .expect(200);
  }

  /** The tokens of an OpenID Connect request of demo-client in `browser`, as the client reads them. */
  async function tokensOf(browser: Agent) {
    const { code, verifier } = await obtainCode(browser, { scope: 'openid', nonce: 'n-amr' });
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken).toMatchObject({ sub: 'user0', nonce: 'n-amr' });
    const accessToken = tokens.body.access_token as string;
    const introspection = await introspect(t, accessToken, DEMO_CLIENT).expect(200);
    return { idToken, accessToken: decodeJwt(accessToken), introspection: introspection.body };
  }

  /** Signs in on the login page with the passkey (flags as given), then the ID token's `amr`. */
  async function amrOfSignIn(authenticator: SoftwareAuthenticator, flags?: number) {
    const browser: Agent = request.agent(t.app.getHttpServer());
    await passkeySignIn(browser, authenticator, flags);
    return (await tokensOf(browser)).idToken.amr;
  }

  it('a device-bound passkey (backup-eligible flag clear) that verified the user: pop and user, not hwk', async () => {
    const authenticator = await passkeyOfUser0(false);
    await expect(amrOfSignIn(authenticator)).resolves.toEqual(['pop', 'user']);
  });

  it('a synced passkey (backup eligible and backed up): pop and user, not swk', async () => {
    const authenticator = await passkeyOfUser0(true);
    await expect(amrOfSignIn(authenticator)).resolves.toEqual(['pop', 'user']);
  });

  it('user presence only (no user verification): pop alone', async () => {
    const authenticator = await passkeyOfUser0(false);
    await expect(amrOfSignIn(authenticator, FLAGS.UP)).resolves.toEqual(['pop']);
  });

  /** ACCOUNT_RECENT_LOGIN_SECONDS, at its default. */
  const RECENT_LOGIN_SECONDS = 600;

  it.each([
    [
      'within ACCOUNT_RECENT_LOGIN_SECONDS: both methods, and mfa',
      RECENT_LOGIN_SECONDS - 10,
      ['pop', 'user', 'pwd', 'mfa'],
    ],
    [
      'past it: the password alone, whose sign-in auth_time dates',
      RECENT_LOGIN_SECONDS + 10,
      ['pwd'],
    ],
  ])('a password sign-in after a passkey one in the same browser, %s', async (_, gap, amr) => {
    const authenticator = await passkeyOfUser0(false);
    const browser: Agent = request.agent(t.app.getHttpServer());
    await passkeySignIn(browser, authenticator);
    t.clock.advance(gap);
    try {
      await login(browser);
      const signedInAt = Math.floor(t.clock.now().getTime() / 1000);
      const { idToken, accessToken, introspection } = await tokensOf(browser);
      expect(idToken.amr).toEqual(amr);
      // One sign-in throughout: the password's time and acr (the passkey's phr is not its).
      expect(idToken.auth_time).toBeGreaterThanOrEqual(signedInAt - 1);
      expect(idToken.auth_time).toBeLessThanOrEqual(signedInAt);
      expect(accessToken.auth_time).toBe(idToken.auth_time);
      expect(introspection).toMatchObject({ active: true, auth_time: idToken.auth_time });
      for (const claims of [idToken, accessToken, introspection])
        expect(claims.acr).toBe('urn:proofgate:acr:1fa');
    } finally {
      t.clock.advance(-gap);
    }
  });
});
