/**
 * Related Origin Requests (WebAuthn Level 3 §5.11): the RP ID's `/.well-known/webauthn` lists
 * the origins of other domains that may use its passkeys, and a ceremony from one of them
 * verifies under the one RP ID; an origin not listed is refused as before. Absent (404) when none
 * are configured.
 */
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { accountToken } from '../../support/accounts';
import { getMe } from '../../support/oauth';
import { registerPasskey } from '../../support/passkeys';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const SHOP = 'https://shop.example.org';
const BRAND = 'https://brand.example.co.uk';

describe('passkeys: related origins', () => {
  describe('with WEBAUTHN_RELATED_ORIGINS', () => {
    const t = useTestApp({
      ISSUER,
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      WEBAUTHN_RELATED_ORIGINS: `${SHOP}, ${BRAND}`,
    });

    const signIn = async (authenticator: SoftwareAuthenticator, origin: string) => {
      const options = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
      return t
        .http()
        .post('/passkeys/authentication/verify')
        .send({ response: authenticator.assert(options.body, { origin }) });
    };

    it('publishes them at /.well-known/webauthn: JSON, cacheable', async () => {
      const res = await t.http().get('/.well-known/webauthn').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.body).toEqual({ origins: [SHOP, BRAND] });
    });

    it('registers a passkey from one related origin and signs in with it from another', async () => {
      const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: SHOP });
      await registerPasskey(t, await accountToken(t, 'user0', 'openid account'), authenticator);

      const res = await signIn(authenticator, BRAND);
      expect(res.status).toBe(200);
      const me = await getMe(t, res.body.access_token).expect(200);
      expect(me.body).toMatchObject({ sub: 'user0', auth_method: 'passkey' });
      // The service's own origin still works beside them.
      expect((await signIn(authenticator, ISSUER)).status).toBe(200);
    });

    it('refuses an origin it does not list: 401 origin_mismatch', async () => {
      const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
      await registerPasskey(t, await accountToken(t, 'user1', 'openid account'), authenticator);
      // A look-alike of a listed origin: another scheme, another port, a sub-domain.
      for (const origin of [
        'http://shop.example.org',
        'https://shop.example.org:8443',
        'https://evil.shop.example.org',
      ]) {
        expectRefusal(
          await signIn(authenticator, origin),
          401,
          'origin_mismatch',
          'The response comes from an origin this service does not accept',
        );
      }
    });
  });

  describe('without', () => {
    const t = useTestApp({ ISSUER });

    it('answers 404 in the error envelope', async () => {
      const res = await t.http().get('/.well-known/webauthn').expect(404);
      expect(res.body).toEqual({
        error: 'not_found',
        error_description: 'This service lists no related origins for its passkeys',
      });
    });
  });
});
