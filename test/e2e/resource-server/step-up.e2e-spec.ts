/**
 * RFC 9470 §3 at /api/me: a token whose `acr` is weaker than the resource demands
 * (ACR_REQUIRED_BY_RESOURCE for ACCESS_TOKEN_AUDIENCE, ACR_REQUIRED_BY_SCOPE for its scope) is
 * answered `401 insufficient_user_authentication` with `acr_values="phr"` in the challenge; the
 * client steps up (acr_values=phr at /authorize, a passkey sign-in) and the new token is accepted.
 * The weak token is one a wallet sign-in (POST /wallet/verify) issues: no /authorize, no acr.
 */
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { login, tokensFor, getMe } from '../../support/oauth';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { walletLogin } from '../../support/wallet-login';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const API = `${ISSUER}/api`;

describe('/api/me: insufficient_user_authentication when the token’s acr is too weak (RFC 9470)', () => {
  const t = useTestApp({
    ISSUER,
    ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [API]: 'phr' }),
    RATE_LIMIT_LOGIN_PER_IP: '1000',
  });

  it('refuses a wallet sign-in’s token with the exact RFC 9470 challenge', async () => {
    const { access_token } = await walletLogin(t, privateKeyToAccount(generatePrivateKey()));
    const res = await getMe(t, access_token).expect(401);
    const description =
      'This resource needs a login of acr phr (a passkey sign-in); authorize again with acr_values=phr';
    expect(res.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: description,
    });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="proofgate", error="insufficient_user_authentication", error_description="${description}", acr_values="phr", resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/api"`,
    );
  });

  it('after the step-up (a passkey sign-in at /authorize), the token is accepted', async () => {
    const browser = request.agent(t.app.getHttpServer());
    await login(browser, '/', 'user1', 'password1');
    const passkey = await addPasskeyOnAccountPage(browser, ISSUER);
    // The password session cannot get a token for the API at all: /authorize asks for the passkey.
    const toLogin = await browser
      .get(
        `/authorize?response_type=code&client_id=demo-client&redirect_uri=${encodeURIComponent('http://localhost:25001/callback')}&state=s&code_challenge=${'E'.repeat(43)}&code_challenge_method=S256&acr_values=phr`,
      )
      .expect(302);
    expect(new URL(toLogin.headers.location, ISSUER).searchParams.get('acr_values')).toBe('phr');

    await passkeySignIn(browser, passkey);
    const { access_token } = await tokensFor(t.app.getHttpServer(), browser, {
      scope: 'profile',
    });
    const me = await getMe(t, access_token).expect(200);
    expect(me.body).toMatchObject({ sub: 'user1', auth_method: 'passkey' });
  });
});
