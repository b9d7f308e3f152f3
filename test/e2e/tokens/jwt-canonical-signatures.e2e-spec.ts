/**
 * Issue #19, item 10: an ES256 signature (r, s) has a twin (r, n − s) that verifies too
 * (SEC 1 §4.1.4). Proofgate signs its tokens with the low-s half only and refuses the other
 * encoding wherever it verifies its own tokens: /api/me, /userinfo and /introspect.
 */
import request from 'supertest';
import { hasLowS } from '../../../src/tokens/ecdsa-low-s';
import { withFlippedS } from '../../support/jws';
import {
  DEMO_CLIENT,
  basic,
  exchangeCode,
  obtainCode,
  getMe,
  useLoggedInApp,
} from '../../support/oauth';

const REFUSED = { error: 'invalid_token', error_description: 'The access token is invalid' };

describe('ES256 tokens have one encoding: low-s signatures only', () => {
  const t = useLoggedInApp();

  async function issueTokens(): Promise<{ accessToken: string; idToken: string }> {
    const { code, verifier } = await obtainCode(t.agent, { scope: 'openid profile' });
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    return { accessToken: res.body.access_token as string, idToken: res.body.id_token as string };
  }

  const introspect = (token: string) =>
    request(t.app.getHttpServer())
      .post('/introspect')
      .type('form')
      .set('Authorization', basic(DEMO_CLIENT.id, DEMO_CLIENT.secret))
      .send({ token });

  it('signs access and ID tokens with low-s signatures (WebCrypto alone gives high s half the time)', async () => {
    for (let i = 0; i < 8; i += 1) {
      const { accessToken, idToken } = await issueTokens();
      expect([hasLowS(accessToken), hasLowS(idToken)]).toEqual([true, true]);
    }
  });

  it('refuses the high-s twin of a valid access token at /api/me, /userinfo and /introspect', async () => {
    const { accessToken } = await issueTokens();
    const twin = withFlippedS(accessToken);

    // The token itself works everywhere ...
    await getMe(t, accessToken).expect(200);
    await t.http().get('/userinfo').set('Authorization', `Bearer ${accessToken}`).expect(200);
    expect((await introspect(accessToken).expect(200)).body.active).toBe(true);

    // ... its twin nowhere.
    const me = await getMe(t, twin).expect(401);
    expect(me.body).toEqual(REFUSED);
    expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
    const userinfo = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `Bearer ${twin}`)
      .expect(401);
    expect(userinfo.body).toEqual(REFUSED);
    expect((await introspect(twin).expect(200)).body).toEqual({ active: false });
  });
});
