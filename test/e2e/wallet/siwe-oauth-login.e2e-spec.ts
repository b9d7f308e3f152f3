/**
 * POST /login/siwe: "Sign in with Ethereum" on the login page. A real wallet signer (viem local
 * accounts) signs the EIP-4361 message; the login session it starts completes a pending
 * /authorize request for the public client demo-spa, and the code exchanged with the PKCE
 * verifier gives tokens for the wallet's CAIP-10 account.
 */
import request from 'supertest';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { DEMO_SPA, authorizePath, exchangeCode, pkcePair, getMe } from '../../support/oauth';
import { signedSiweMessage } from '../../support/wallet-login';
import { hiddenField, setCookies } from '../../support/login-form';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { scriptTag } from '../../../src/platform/http/html';

const ENV = {
  RATE_LIMIT_LOGIN_PER_IP: '100000',
  RATE_LIMIT_WALLET_PER_IP: '100000',
  RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
};

type Agent = ReturnType<typeof request.agent>;

interface SignedMessage {
  message: string;
  signature: string;
}

describe('POST /login/siwe (Sign in with Ethereum on the login page)', () => {
  let account: PrivateKeyAccount;

  const t = useTestApp(ENV);
  beforeEach(() => {
    account = privateKeyToAccount(generatePrivateKey());
  });

  const agent = (): Agent => request.agent(t.app.getHttpServer());

  /**
   * A nonce of this browser's login page for `account` and its message, signed by `signer` (the
   * account itself by default).
   */
  const signedMessage = (
    browser: Agent,
    signer: PrivateKeyAccount = account,
  ): Promise<SignedMessage> => signedSiweMessage(t, account, signer, { browser });

  /** Starts an authorization request for demo-spa and lands on the login page, as a browser would. */
  async function startAuthorization(browser: Agent) {
    const { verifier, challenge } = pkcePair();
    const authorize = authorizePath({
      response_type: 'code',
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
      state: 'st-1',
      scope: 'profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const toLogin = await browser.get(authorize).expect(302);
    const loginUrl = new URL(toLogin.headers.location, t.config.server.issuer);
    expect(loginUrl.pathname).toBe('/login');
    const page = await browser.get(`${loginUrl.pathname}${loginUrl.search}`).expect(200);
    return {
      verifier,
      csrfToken: hiddenField(page.text, 'csrf_token'),
      returnTo: loginUrl.searchParams.get('return_to') ?? '',
      page: page.text,
    };
  }

  async function sessionCount(): Promise<number> {
    return t.connection.collection(SESSION_COLLECTION).countDocuments();
  }

  it('starts a siwe login session that completes the authorization request with the CAIP-10 sub', async () => {
    const browser = agent();
    const { verifier, csrfToken, returnTo, page } = await startAuthorization(browser);
    expect(page).toContain('Sign in with Ethereum');
    expect(page).toContain(scriptTag('/static/siwe-wallet.js'));
    expect(page).toContain(scriptTag('/static/wallet-login.js'));
    expect(returnTo).toMatch(/^\/authorize\?/);

    const signed = await signedMessage(browser);
    const res = await browser
      .post('/login/siwe')
      .send({ ...signed, csrf_token: csrfToken, return_to: returnTo })
      .expect(200);
    expect(res.body).toEqual({ redirect: returnTo });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(setCookies(res).some((line) => /^pg_session=[A-Za-z0-9_-]{43};/.test(line))).toBe(true);
    expect(JSON.stringify(res.headers)).not.toContain(signed.signature);

    const sub = `eip155:1:${account.address}`;
    const stored = await t.connection.collection(SESSION_COLLECTION).findOne({ sub });
    expect(stored).toMatchObject({ sub, authMethod: 'siwe' });

    const back = await browser.get(res.body.redirect as string).expect(302);
    const callback = new URL(back.headers.location);
    expect(`${callback.origin}${callback.pathname}`).toBe(DEMO_SPA.redirectUri);
    expect(callback.searchParams.get('state')).toBe('st-1');
    const code = callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));

    const tokens = await exchangeCode(t.app.getHttpServer(), code!, verifier, DEMO_SPA).expect(200);
    const me = await getMe(t, tokens.body.access_token).expect(200);
    expect(me.body).toMatchObject({ sub, auth_method: 'siwe', client_id: DEMO_SPA.id });

    // The same account signing in directly at /wallet/verify is the same subject.
    const direct = await t
      .http()
      .post('/wallet/verify')
      .send(await signedSiweMessage(t, account))
      .expect(200);
    const directMe = await getMe(t, direct.body.access_token).expect(200);
    expect(directMe.body).toMatchObject({ sub: me.body.sub, auth_method: 'siwe' });
  });

  it('refuses a bad or missing CSRF token with 400 and no session, without burning the nonce', async () => {
    const browser = agent();
    const { csrfToken, returnTo } = await startAuthorization(browser);
    const signed = await signedMessage(browser);
    const before = await sessionCount();

    const mismatch = await browser
      .post('/login/siwe')
      .send({ ...signed, csrf_token: 'A'.repeat(43), return_to: returnTo });
    expectRefusal(
      mismatch,
      400,
      'invalid_request',
      'The login form’s security token does not match. Sign in again from this page.',
    );
    expect(setCookies(mismatch).some((line) => line.startsWith('pg_session='))).toBe(false);

    const missing = await browser
      .post('/login/siwe')
      .send({ ...signed, return_to: returnTo })
      .expect(400);
    expect(missing.body.error_description).toBe(
      'The login form’s security token is missing. Sign in again from this page.',
    );

    // A cross-site request carries no SameSite=Strict cookie at all.
    const noCookie = await t
      .http()
      .post('/login/siwe')
      .send({ ...signed, csrf_token: csrfToken, return_to: returnTo })
      .expect(400);
    expect(noCookie.body.error).toBe('invalid_request');
    expect(setCookies(noCookie).some((line) => line.startsWith('pg_session='))).toBe(false);
    expect(await sessionCount()).toBe(before);

    // The CSRF check ran before verification: the rightful request still succeeds.
    await browser
      .post('/login/siwe')
      .send({ ...signed, csrf_token: csrfToken, return_to: returnTo })
      .expect(200);
    expect(await sessionCount()).toBe(before + 1);
  });

  it('answers a replayed signed message with 401 nonce_already_used', async () => {
    const browser = agent();
    const { csrfToken, returnTo } = await startAuthorization(browser);
    const signed = await signedMessage(browser);
    const body = { ...signed, csrf_token: csrfToken, return_to: returnTo };

    await browser.post('/login/siwe').send(body).expect(200);
    const replay = await browser.post('/login/siwe').send(body);
    expectRefusal(
      replay,
      401,
      'nonce_already_used',
      'The nonce has already been used; request a new one',
    );
    expect(setCookies(replay).some((line) => line.startsWith('pg_session='))).toBe(false);
  });

  it('answers a signature by another key with 401 invalid_signature, and records the rejection', async () => {
    const browser = agent();
    const { csrfToken, returnTo } = await startAuthorization(browser);
    const signed = await signedMessage(browser, privateKeyToAccount(generatePrivateKey()));
    const before = await sessionCount();

    const res = await browser
      .post('/login/siwe')
      .send({ ...signed, csrf_token: csrfToken, return_to: returnTo })
      .expect(401);
    expect(res.body.error).toBe('invalid_signature');
    expect(res.body.error_description).not.toContain(signed.signature);
    expect(await sessionCount()).toBe(before);

    // The same figures and metrics as POST /wallet/verify.
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /proofgate_wallet_verifications_total\{outcome="invalid_signature"\} [1-9]/,
    );
    const models = await t.http().get('/challenge-models').expect(200);
    const siwe = (
      models.body as {
        models: Array<{
          id: string;
          figures: { since_start: { rejected: { by_reason: Record<string, number> } } };
        }>;
      }
    ).models.find((model) => model.id === 'siwe');
    expect(siwe?.figures.since_start.rejected.by_reason.invalid_signature).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('replaces an unsafe return_to with /', async () => {
    const browser = agent();
    const { csrfToken } = await startAuthorization(browser);
    for (const returnTo of ['https://evil.example/authorize?x=1', '//evil.example/authorize?x']) {
      const res = await browser
        .post('/login/siwe')
        .send({ ...(await signedMessage(browser)), csrf_token: csrfToken, return_to: returnTo })
        .expect(200);
      expect(res.body).toEqual({ redirect: '/' });
    }
  });

  it('rejects unknown fields and a missing signature as invalid_request', async () => {
    const browser = agent();
    const { csrfToken } = await startAuthorization(browser);
    const signed = await signedMessage(browser);

    const extra = await browser
      .post('/login/siwe')
      .send({ ...signed, csrf_token: csrfToken, client_id: 'demo-spa' })
      .expect(400);
    expect(extra.body.error).toBe('invalid_request');
    const missing = await browser
      .post('/login/siwe')
      .send({ message: signed.message, csrf_token: csrfToken })
      .expect(400);
    expect(missing.body.error).toBe('invalid_request');
  });
});
