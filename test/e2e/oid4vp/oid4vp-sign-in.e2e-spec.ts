/**
 * Sign-in with an identity wallet (OpenID4VP 1.0), end to end against the real database: an
 * independent holder (@openid4vc/openid4vp + @sd-jwt/sd-jwt-vc) answers the login page's request
 * through /authorize in both response modes and with both client identifier prefixes, and the
 * ID token carries only what was disclosed and allowed.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { csrfOf } from '../../support/login-form';
import { DEMO_CLIENT, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import { answer, issueCredential, newHolder } from '../../support/identity-wallet';

type Agent = ReturnType<typeof request.agent>;

const FAST = { RATE_LIMIT_OID4VP_PER_IP: '10000', ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000' };

describe('identity wallet sign-in through /authorize', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  /** The browser at /authorize, sent to the login page: its CSRF token and return_to. */
  async function loginPage(agent: Agent, scope: string) {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      client_id: DEMO_CLIENT.id,
      redirect_uri: DEMO_CLIENT.redirectUri,
      response_type: 'code',
      scope,
      state: 'st',
      nonce: 'n-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const toLogin = await agent.get(path).expect(302);
    const loginUrl = new URL(toLogin.headers.location, listening.issuer);
    const page = await agent.get(loginUrl.pathname + loginUrl.search).expect(200);
    return {
      verifier,
      csrf_token: csrfOf(page.text),
      return_to: loginUrl.searchParams.get('return_to') ?? '/',
    };
  }

  for (const [mode, prefix] of [
    ['direct_post', 'redirect_uri'],
    ['direct_post', 'x509_hash'],
    ['direct_post.jwt', 'redirect_uri'],
    ['direct_post.jwt', 'x509_hash'],
  ] as const) {
    it(`signs in with ${mode} and the ${prefix}: prefix, same device, scope identity`, async () => {
      const agent = request.agent(listening.t.app.getHttpServer());
      const { verifier, csrf_token, return_to } = await loginPage(agent, 'openid identity');
      const created = await agent
        .post('/oid4vp/requests')
        .send({ csrf_token, return_to, response_mode: mode, client_id_prefix: prefix })
        .expect(201);
      expect(created.body.authorization_request).toMatch(/^openid4vp:\/\/\?client_id=/);
      const holder = await newHolder();
      const credential = await issueCredential({ holder });
      const answered = await answer(created.body.authorization_request, holder, credential);
      expect(answered.request.payload.client_id.startsWith(`${prefix}:`)).toBe(true);
      expect(answered.status).toBe(200);
      const redirectUri = new URL(answered.body.redirect_uri as string);
      const back = await agent.get(redirectUri.pathname + redirectUri.search).expect(303);
      const authorized = await agent.get(back.headers.location).expect(302);
      const code = new URL(authorized.headers.location).searchParams.get('code')!;
      const tokens = await exchangeCode(listening.t.app.getHttpServer(), code, verifier).expect(
        200,
      );
      const idToken = decodeJwt(tokens.body.id_token as string);
      expect(idToken.amr).toEqual(['pop']);
      expect(idToken.given_name).toBe('Alice');
      expect(idToken.family_name).toBe('Example');
      expect(idToken.birthdate).toBe('1990-04-01');
      expect(idToken.age_over_18).toBeUndefined();
    });
  }
});
