/**
 * RFC 8628 §5.4: confirming a user code can be phished. The attacker starts a device flow and
 * sends the victim the code; the victim signs in (with a passkey) and confirms. Whatever that
 * sign-in achieved, the attacker's tokens must not say `phr` and must not reach the account:
 * a device grant never carries `phr`, the `account` scope is refused at /device_authorization
 * for every client, and so is a scope or resource with an `acr` minimum.
 */
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import type { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { hiddenField } from '../../support/login-form';
import { type Agent, login } from '../../support/oauth';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { addOperatorClient } from '../../support/operator-clients';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { type TestApp, startListeningApp } from '../../support/test-app';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const PAYMENTS = 'https://payments.example.com/';

describe('device grants and phishing (RFC 8628 §5.4)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let passkey: SoftwareAuthenticator;
  // A first-party public client, as the operator's own CLI is: the account scope is not
  // refused to it for being third-party, only for being a device grant.
  const cli: oauth.Client = { client_id: 'first-party-cli', id_token_signed_response_alg: 'ES256' };
  const none = oauth.None();

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp(
      {
        ACR_REQUIRED_BY_SCOPE: JSON.stringify({ profile: 'phr' }),
        ACR_REQUIRED_BY_RESOURCE: JSON.stringify({ [PAYMENTS]: 'phr' }),
        RATE_LIMIT_LOGIN_PER_IP: '1000',
      },
      'localhost',
    ));
    as = await discover(issuer);
    await addOperatorClient(t, {
      clientId: cli.client_id,
      public: true,
      firstParty: true,
      redirectUris: ['http://127.0.0.1:7300/cb'],
      resources: [PAYMENTS],
      grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    });
    passkey = await addPasskeyOnAccountPage(await passwordBrowser(), issuer);
  });
  afterAll(() => t.close());
  // Each test in a fresh window of the user code throttle.
  beforeEach(() => t.clock.advance(600));

  async function passwordBrowser(): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer());
    await login(browser, '/', 'user1', 'password1');
    return browser;
  }

  async function passkeyBrowser(): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer());
    await passkeySignIn(browser, passkey, '/login');
    return browser;
  }

  async function deviceAuthorization(parameters: Record<string, string>): Promise<Response> {
    return oauth.deviceAuthorizationRequest(as, cli, none, parameters, INSECURE);
  }

  async function start(scope: string): Promise<oauth.DeviceAuthorizationResponse> {
    const response = await deviceAuthorization({ scope });
    return oauth.processDeviceAuthorizationResponse(as, cli, response);
  }

  /** The verification page's form, posted as the browser has it. */
  async function submit(browser: Agent, userCode: string, action: 'lookup' | 'approve') {
    const form = await browser.get('/device').expect(200);
    return browser
      .post('/device')
      .type('form')
      .send({ user_code: userCode, action, csrf_token: hiddenField(form.text, 'csrf_token') })
      .expect(200);
  }

  async function tokens(deviceCode: string): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.deviceCodeGrantRequest(as, cli, none, deviceCode, INSECURE);
    return oauth.processDeviceCodeResponse(as, cli, response);
  }

  it('refuses the account scope at /device_authorization, even to a first-party client', async () => {
    const refused = await deviceAuthorization({ scope: 'openid account' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'invalid_scope',
      error_description:
        'The account scope is never granted through the device flow: a user code can be phished (RFC 8628 §5.4)',
    });
  });

  it('refuses a scope or a resource with an acr minimum: a device grant never meets one', async () => {
    const scope = await deviceAuthorization({ scope: 'openid profile' });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toEqual({
      error: 'invalid_scope',
      error_description:
        'The scope profile requires acr phr (a phishing-resistant user sign-in), and the token would carry no acr that meets it',
    });
    const resource = await deviceAuthorization({ scope: 'api', resource: PAYMENTS });
    expect(resource.status).toBe(400);
    expect(await resource.json()).toEqual({
      error: 'invalid_target',
      error_description:
        'The resource requires acr phr (a phishing-resistant user sign-in), and the token would carry no acr that meets it',
    });
  });

  it('a passkey session confirming the code gives the device no acr: not in the access, ID or refreshed token', async () => {
    const { device_code, user_code } = await start('openid api');
    const victim = await passkeyBrowser();
    await submit(victim, user_code, 'lookup');
    await submit(victim, user_code, 'approve');

    t.clock.advance(10);
    const issued = await tokens(device_code);
    const access = decodeJwt(issued.access_token);
    expect(access).toMatchObject({ auth_method: 'passkey', scope: 'openid api' });
    expect(access.acr).toBeUndefined();
    expect(decodeJwt(issued.id_token!).acr).toBeUndefined();

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      cli,
      await oauth.refreshTokenGrantRequest(as, cli, none, issued.refresh_token!, INSECURE),
    );
    expect(decodeJwt(refreshed.access_token).acr).toBeUndefined();

    // The account API refuses the device's token for being one (it never has the scope either).
    const methods = await fetch(`${issuer}/account/methods`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(methods.status).toBe(403);
    expect(await methods.json()).toEqual({
      error: 'insufficient_scope',
      error_description:
        'Tokens of a device grant cannot read or change the account (RFC 8628 §5.4: a user code can be phished)',
    });
  });
});
