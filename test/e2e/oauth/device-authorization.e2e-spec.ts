/**
 * RFC 8628 device authorization grant, the client side driven by oauth4webapi over real HTTP
 * (deviceAuthorizationRequest, deviceCodeGrantRequest) and the user's side by a cookie browser
 * through the login page and the /device verification page. Time moves on the test clock.
 */
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { CookieBrowser } from '../../support/cookie-browser';
import { cutBetweenWrites } from '../../support/database-cut';
import { signedInAtDevicePage, submitUserCode } from '../../support/device-browser';
import { hiddenField } from '../../support/login-form';
import { signedSiweMessage } from '../../support/wallet-login';
import { unsupportedScope } from '../../support/oauth';
import { INSECURE, discover, getProtected } from '../../support/oauth-discovery';
import { register } from '../../support/registration';
import { TestApp, startListeningApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';
import { ttlPass } from '../../support/ttl-pass';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

describe('device authorization grant (RFC 8628)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let device: oauth.Client;
  let other: oauth.Client;
  const none = oauth.None();

  async function registerDeviceClient(name: string): Promise<oauth.Client> {
    const res = await register(t, {
      client_name: name,
      redirect_uris: ['http://127.0.0.1:7300/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    }).expect(201);
    // Its ID tokens are RS256, OpenID Connect Registration §2's default (and oauth4webapi's).
    return { client_id: (res.body as { client_id: string }).client_id };
  }

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp());
    as = await discover(issuer);
    device = await registerDeviceClient('Device CLI');
    other = await registerDeviceClient('Other CLI');
  });
  afterAll(() => t.close());
  // Each test in a fresh 10-minute window of the user code throttle (one account, one address).
  beforeEach(() => t.clock.advance(600));

  async function start(
    client = device,
    parameters: Record<string, string> = { scope: 'openid profile api' },
  ): Promise<oauth.DeviceAuthorizationResponse> {
    const response = await oauth.deviceAuthorizationRequest(as, client, none, parameters, INSECURE);
    return oauth.processDeviceAuthorizationResponse(as, client, response);
  }

  /** One poll, as the library sends it: the tokens, or the error code the server answered. */
  async function poll(
    deviceCode: string,
    client = device,
    options: oauth.TokenEndpointRequestOptions = {},
  ): Promise<oauth.TokenEndpointResponse | string> {
    const response = await oauth.deviceCodeGrantRequest(as, client, none, deviceCode, {
      ...options,
      ...INSECURE,
    });
    try {
      return await oauth.processDeviceCodeResponse(as, client, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return error.error;
      throw error;
    }
  }

  const signedInBrowser = (userCode: string) => signedInAtDevicePage(issuer, userCode);
  const submit = (
    browser: CookieBrowser,
    userCode: string,
    action: 'lookup' | 'approve' | 'deny',
  ) => submitUserCode(browser, issuer, userCode, action);

  it('publishes the endpoint in both metadata documents, and the grant type', async () => {
    for (const path of ['oauth-authorization-server', 'openid-configuration']) {
      const res = await t.http().get(`/.well-known/${path}`).expect(200);
      expect(res.body).toMatchObject({
        device_authorization_endpoint: `${issuer}/device_authorization`,
      });
      expect(res.body.grant_types_supported).toContain(DEVICE_GRANT);
    }
  });

  it('signs a device in: pending, the user confirms on the page, tokens once, then /api/me', async () => {
    const authorization = await start();
    expect(authorization.user_code).toMatch(USER_CODE);
    expect(authorization.verification_uri).toBe(`${issuer}/device`);
    expect(authorization.verification_uri_complete).toBe(
      `${issuer}/device?user_code=${authorization.user_code}`,
    );
    expect(authorization.expires_in).toBe(600);
    expect(authorization.interval).toBe(5);
    expect(await poll(authorization.device_code)).toBe('authorization_pending');

    const browser = await signedInBrowser(authorization.user_code);
    // The page prefills the code from verification_uri_complete.
    const prefilled = await (await browser.get(authorization.verification_uri_complete!)).text();
    expect(prefilled).toContain(`name="user_code" value="${authorization.user_code}"`);
    // Case-insensitive, with or without the dash.
    const typed = authorization.user_code.replace('-', '').toLowerCase();
    const confirm = await submit(browser, typed, 'lookup');
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Device CLI');
    expect(confirm.html).toContain('data-scope="api"');
    expect(confirm.html).toContain(`<code id="device-user-code">${authorization.user_code}</code>`);
    expect(confirm.html).toMatch(
      /<button[^>]*value="approve"[^>]*>Confirm and sign in the device</,
    );
    expect(confirm.html).toMatch(/<button[^>]*value="deny"[^>]*>Deny</);
    // Not approved until the explicit confirm.
    t.clock.advance(5);
    expect(await poll(authorization.device_code)).toBe('authorization_pending');

    const done = await submit(browser, hiddenField(confirm.html, 'user_code'), 'approve');
    expect(done.status).toBe(200);
    expect(done.html).toContain('data-decision="approve"');

    t.clock.advance(5);
    const tokens = await poll(authorization.device_code);
    if (typeof tokens === 'string') throw new Error(`no tokens: ${tokens}`);
    expect(tokens.scope).toBe('openid profile api');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
    const me = await getProtected(tokens.access_token, `${issuer}/api/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ auth_method: 'password' });

    // Redeemed exactly once; the answered user code cannot be answered again.
    t.clock.advance(5);
    expect(await poll(authorization.device_code)).toBe('invalid_grant');
    const replayed = await submit(browser, authorization.user_code, 'approve');
    expect(replayed.status).toBe(400);
    expect(replayed.html).toContain('That code has already been answered.');
  });

  it('a device approved in a session that signs out before the device polls gets no tokens', async () => {
    const authorization = await start(device, { scope: 'openid api' });
    const browser = await signedInBrowser(authorization.user_code);
    const confirm = await submit(browser, authorization.user_code, 'lookup');
    expect((await submit(browser, hiddenField(confirm.html, 'user_code'), 'approve')).status).toBe(
      200,
    );
    // The user signs out on the login page before the device's next poll.
    const page = await (await browser.get(`${issuer}/login`)).text();
    const out = await browser.postForm(`${issuer}/logout`, {
      csrf_token: hiddenField(page, 'csrf_token'),
    });
    expect(out.status).toBe(303);

    t.clock.advance(5);
    // The grant the approval opens belongs to the ended session: refused, and not usable after.
    expect(await poll(authorization.device_code)).toBe('invalid_grant');
    t.clock.advance(5);
    expect(await poll(authorization.device_code)).toBe('invalid_grant');
  });

  it('lets the user confirm after a wallet sign-in on the login page (Sign in with Ethereum)', async () => {
    const authorization = await start(device, { scope: 'openid api' });
    const wallet = privateKeyToAccount(generatePrivateKey());
    const agent = request.agent(t.app.getHttpServer());
    const back = `/device?user_code=${encodeURIComponent(authorization.user_code)}`;
    const sent = await agent.get(back).expect(302);
    const loginPage = await agent.get(sent.headers.location).expect(200);
    const signed = await signedSiweMessage(t, wallet, wallet, { browser: agent });
    const login = await agent
      .post('/login/siwe')
      .send({ ...signed, csrf_token: hiddenField(loginPage.text, 'csrf_token'), return_to: back })
      .expect(200);
    expect(login.body).toEqual({ redirect: back });
    const form = await agent.get(back).expect(200);
    expect(form.text).toContain(`value="${authorization.user_code}"`);
    await agent
      .post('/device')
      .type('form')
      .send({
        user_code: authorization.user_code,
        action: 'approve',
        csrf_token: hiddenField(form.text, 'csrf_token'),
      })
      .expect(200);
    const tokens = await poll(authorization.device_code);
    if (typeof tokens === 'string') throw new Error(`no tokens: ${tokens}`);
    const me = await getProtected(tokens.access_token, `${issuer}/api/me`);
    expect(await me.json()).toMatchObject({
      sub: `eip155:1:${wallet.address}`,
      auth_method: 'siwe',
    });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ amr: ['siwe'] });
  });

  it('answers slow_down to an early poll and lengthens the interval by 5 s each time', async () => {
    const { device_code } = await start();
    expect(await poll(device_code)).toBe('authorization_pending');
    expect(await poll(device_code)).toBe('slow_down'); // interval now 10 s
    t.clock.advance(5);
    expect(await poll(device_code)).toBe('slow_down'); // 5 s < 10 s: now 15 s
    t.clock.advance(14);
    expect(await poll(device_code)).toBe('slow_down'); // 14 s < 15 s: now 20 s
    t.clock.advance(20);
    expect(await poll(device_code)).toBe('authorization_pending');
    t.clock.advance(19);
    expect(await poll(device_code)).toBe('slow_down');
  });

  it('lets only one of concurrent polls through: the others get slow_down', async () => {
    const { device_code } = await start();
    const answers = await Promise.all(Array.from({ length: 6 }, () => poll(device_code)));
    expect(answers.filter((a) => a === 'authorization_pending')).toHaveLength(1);
    expect(answers.filter((a) => a === 'slow_down')).toHaveLength(5);
  });

  it('takes one answer per user code, even when two arrive together', async () => {
    const authorization = await start();
    const browser = await signedInBrowser(authorization.user_code);
    const answers = await Promise.all([
      submit(browser, authorization.user_code, 'approve'),
      submit(browser, authorization.user_code, 'deny'),
    ]);
    const done = answers.filter((a) => a.status === 200);
    expect(done).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(1);
    const decision = /data-decision="(approve|deny)"/.exec(done[0].html)?.[1];
    const polled = await poll(authorization.device_code);
    expect(typeof polled === 'string' ? polled : 'tokens').toBe(
      decision === 'approve' ? 'tokens' : 'access_denied',
    );
  });

  it.each(['reply-lost', 'second-refused'] as const)(
    'an answer the database cut between its writes (%s) still reaches the device',
    async (fault) => {
      // The page answers 503; the user tries again and is told the code was answered: the device
      // must then get its tokens, not poll `authorization_pending` until the code expires.
      const authorization = await start();
      const browser = await signedInBrowser(authorization.user_code);
      expect((await submit(browser, authorization.user_code, 'lookup')).status).toBe(200);
      const restore = cutBetweenWrites(t.app, ['device_code', 'device_user_code'], fault);
      try {
        expect((await submit(browser, authorization.user_code, 'approve')).status).toBe(503);
      } finally {
        restore();
      }
      const retried = await submit(browser, authorization.user_code, 'approve');
      expect(retried.status).toBe(400);
      expect(retried.html).toContain('That code has already been answered.');
      t.clock.advance(5);
      const tokens = await poll(authorization.device_code);
      expect(typeof tokens === 'string' ? tokens : 'tokens').toBe('tokens');
    },
  );

  it('answers access_denied once the user denies', async () => {
    const authorization = await start();
    const browser = await signedInBrowser(authorization.user_code);
    const done = await submit(browser, authorization.user_code, 'deny');
    expect(done.html).toContain('data-decision="deny"');
    expect(await poll(authorization.device_code)).toBe('access_denied');
  });

  it('answers expired_token after expires_in, and the page no longer takes the code', async () => {
    const authorization = await start();
    const browser = await signedInBrowser(authorization.user_code);
    t.clock.advance(601);
    expect(await poll(authorization.device_code)).toBe('expired_token');
    const late = await submit(browser, authorization.user_code, 'approve');
    expect(late.status).toBe(400);
    expect(late.html).toContain('That code is not valid, or it has expired.');
    // A minute on, the TTL monitor has run: still expired_token (RFC 8628 §3.5: the client
    // starts over), not invalid_grant.
    t.clock.advance(60);
    await ttlPass(t.connection, t.clock.now());
    expect(await poll(authorization.device_code)).toBe('expired_token');
  });

  it('redeems an approved device code only for the client it was issued to', async () => {
    const authorization = await start();
    const browser = await signedInBrowser(authorization.user_code);
    await submit(browser, authorization.user_code, 'approve');
    const res = await t.http().post('/token').type('form').send({
      grant_type: DEVICE_GRANT,
      device_code: authorization.device_code,
      client_id: other.client_id,
    });
    expectRefusal(res, 400, 'invalid_grant', 'Device code was issued to another client');
    // Left for its own client.
    const tokens = await poll(authorization.device_code);
    expect(typeof tokens === 'string' ? tokens : 'tokens').toBe('tokens');
  });

  it('binds the tokens to the DPoP key of the redeeming poll (RFC 9449)', async () => {
    const authorization = await start(device, { scope: 'api' });
    const browser = await signedInBrowser(authorization.user_code);
    await submit(browser, authorization.user_code, 'approve');
    // The proof's iat on the server's clock, which the tests moved forward.
    const skew = Math.round((t.clock.now().getTime() - Date.now()) / 1000);
    const skewed: oauth.Client = { ...device, [oauth.clockSkew]: skew };
    const DPoP = oauth.DPoP(skewed, await oauth.generateKeyPair('ES256'));
    const tokens = await poll(authorization.device_code, skewed, { DPoP });
    if (typeof tokens === 'string') throw new Error(`no tokens: ${tokens}`);
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await DPoP.calculateThumbprint() });
  });

  it('refuses a client not registered for the device grant: unauthorized_client', async () => {
    const res = await t
      .http()
      .post('/device_authorization')
      .type('form')
      .send({ client_id: 'demo-spa', scope: 'profile' });
    expectRefusal(
      res,
      400,
      'unauthorized_client',
      `The client is not registered for the ${DEVICE_GRANT} grant type`,
    );
  });

  it('checks scope and resource as /authorize does', async () => {
    const res = await t
      .http()
      .post('/device_authorization')
      .type('form')
      .send({ client_id: device.client_id, scope: 'profile nope' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_scope',
      error_description: unsupportedScope('nope'),
    });
  });

  it('throttles wrong user codes: 429 after 20 tries of one account in 10 minutes', async () => {
    const authorization = await start();
    const browser = await signedInBrowser(authorization.user_code);
    for (let i = 0; i < 20; i++) {
      const wrong = await submit(browser, `BCDF-${'JKLMNPQRSTVWXZBCDFGH'[i]}GHZ`, 'lookup');
      expect(wrong.status).toBe(400);
      expect(wrong.html).toContain('That code is not valid, or it has expired.');
    }
    // The 21st is refused before it is looked up, even the right code.
    const refused = await submit(browser, authorization.user_code, 'lookup');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.html)).toMatchObject({ error: 'too_many_requests' });
  });
});
