/**
 * A device authorization meets the acr minimums /authorize meets (ACR_REQUIRED_BY_SCOPE and
 * ACR_REQUIRED_BY_RESOURCE, RFC 9470): a scope that asks for `phr` is confirmed only after a
 * passkey sign-in, and the device's tokens carry that `acr`. Otherwise the device grant would be
 * a way around a minimum that the browser flow enforces.
 */
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import type { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { hiddenField } from '../../support/login-form';
import { type Agent, login } from '../../support/oauth';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { register } from '../../support/registration';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { type TestApp, startListeningApp } from '../../support/test-app';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('device authorization with an acr minimum (ACR_REQUIRED_BY_SCOPE)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let device: oauth.Client;
  let passkey: SoftwareAuthenticator;
  const none = oauth.None();

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp(
      {
        ACR_REQUIRED_BY_SCOPE: JSON.stringify({ profile: 'phr' }),
        RATE_LIMIT_LOGIN_PER_IP: '1000',
      },
      'localhost',
    ));
    as = await discover(issuer);
    const registered = await register(t, {
      client_name: 'Device CLI',
      redirect_uris: ['http://127.0.0.1:7300/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    }).expect(201);
    device = { client_id: (registered.body as { client_id: string }).client_id };
    passkey = await addPasskeyOnAccountPage(await passwordBrowser(), issuer);
  });
  afterAll(() => t.close());

  async function passwordBrowser(): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer());
    await login(browser, '/', 'user1', 'password1');
    return browser;
  }

  async function start(scope: string): Promise<oauth.DeviceAuthorizationResponse> {
    const response = await oauth.deviceAuthorizationRequest(as, device, none, { scope }, INSECURE);
    return oauth.processDeviceAuthorizationResponse(as, device, response);
  }

  /** The verification page's form, posted as the browser has it. */
  async function submit(
    browser: Agent,
    userCode: string,
    action: 'lookup' | 'approve',
    status: number,
  ): Promise<request.Response> {
    const form = await browser.get('/device').expect(200);
    return browser
      .post('/device')
      .type('form')
      .send({ user_code: userCode, action, csrf_token: hiddenField(form.text, 'csrf_token') })
      .expect(status);
  }

  async function tokens(deviceCode: string): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.deviceCodeGrantRequest(as, device, none, deviceCode, INSECURE);
    return oauth.processDeviceCodeResponse(as, device, response);
  }

  it('sends a password session to sign in with a passkey first, then confirms; the tokens carry acr phr', async () => {
    const { device_code, user_code } = await start('profile');
    const browser = await passwordBrowser();

    // Neither shown nor answerable with the password sign-in.
    for (const action of ['lookup', 'approve'] as const) {
      const refused = await submit(browser, user_code, action, 303);
      const to = new URL(refused.headers.location, issuer);
      expect(to.pathname).toBe('/login');
      expect(to.searchParams.get('acr_values')).toBe('phr');
      expect(to.searchParams.get('return_to')).toBe(
        `/device?user_code=${encodeURIComponent(user_code)}`,
      );
    }
    const pending = await oauth.deviceCodeGrantRequest(as, device, none, device_code, INSECURE);
    await expect(oauth.processDeviceCodeResponse(as, device, pending)).rejects.toMatchObject({
      error: 'authorization_pending',
    });

    const back = await passkeySignIn(
      browser,
      passkey,
      `/login?acr_values=phr&return_to=${encodeURIComponent(`/device?user_code=${user_code}`)}`,
    );
    expect(back).toBe(`/device?user_code=${user_code}`);
    await submit(browser, user_code, 'lookup', 200);
    await submit(browser, user_code, 'approve', 200);

    t.clock.advance(10);
    const issued = await tokens(device_code);
    expect(decodeJwt(issued.access_token)).toMatchObject({ acr: 'phr', scope: 'profile' });
  });

  it('asks nothing more of a scope without a minimum: the password session confirms', async () => {
    const { device_code, user_code } = await start('api');
    const browser = await passwordBrowser();
    await submit(browser, user_code, 'lookup', 200);
    await submit(browser, user_code, 'approve', 200);

    t.clock.advance(10);
    const issued = await tokens(device_code);
    expect(decodeJwt(issued.access_token).acr).toBeUndefined();
  });
});
