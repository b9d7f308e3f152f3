/**
 * OpenID CIBA Core 1.0, poll mode, driven by a second independent client library: oauth4webapi
 * (backchannelAuthenticationRequest, backchannelAuthenticationGrantRequest and their processing,
 * which check the answers' shapes and the ID token's claims). The agent authenticates with
 * private_key_jwt, as an agent holding no shared secret does, after registering itself (RFC 7591)
 * with its public key. The person answers on /account/approvals in a signed-in browser; time moves
 * on the test clock.
 */
import * as oauth from 'oauth4webapi';
import { exportJWK, generateKeyPair } from 'jose';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { CookieBrowser, signedInBrowser } from '../../../support/cookie-browser';
import { register } from '../../../support/registration';
import { TestApp, startListeningApp } from '../../../support/test-app';

const TTL = 300;
const INTERVAL = 2;
const INITIAL_ACCESS_TOKEN = 'ciba-oauth4webapi-initial-access-token';

describe('CIBA poll mode through oauth4webapi, a private_key_jwt agent', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let agent: oauth.Client;
  let auth: oauth.ClientAuth;
  let person: CookieBrowser;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({
      CIBA_INTERVAL_SECONDS: String(INTERVAL),
      CIBA_REQUEST_TTL_SECONDS: String(TTL),
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    }));
    as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), {
        algorithm: 'oidc',
        [oauth.allowInsecureRequests]: true,
      }),
    );
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const registered = await register(
      t,
      {
        client_name: 'Invoice agent',
        grant_types: [CIBA_GRANT_TYPE],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
        id_token_signed_response_alg: 'ES256',
      },
      INITIAL_ACCESS_TOKEN,
    );
    expect(registered.status).toBe(201);
    agent = { client_id: (registered.body as { client_id: string }).client_id };
    auth = oauth.PrivateKeyJwt(privateKey);
    person = await signedInBrowser(issuer);
  });
  afterAll(() => t.close());

  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  /**
   * Moves the service's clock and the agent's along: its client assertions (and its checks of the
   * ID token's times) follow the service's time, as a client's clock does in real life.
   */
  function advance(seconds: number): void {
    t.clock.advance(seconds);
    agent[oauth.clockSkew] = (agent[oauth.clockSkew] ?? 0) + seconds;
  }

  async function ask(bindingMessage: string): Promise<oauth.BackchannelAuthenticationResponse> {
    return oauth.processBackchannelAuthenticationResponse(
      as,
      agent,
      await oauth.backchannelAuthenticationRequest(
        as,
        agent,
        auth,
        { scope: 'openid api', login_hint: 'user1', binding_message: bindingMessage },
        insecure,
      ),
    );
  }

  async function poll(request: oauth.BackchannelAuthenticationResponse) {
    return oauth.processBackchannelAuthenticationGrantResponse(
      as,
      agent,
      await oauth.backchannelAuthenticationGrantRequest(
        as,
        agent,
        auth,
        request.auth_req_id,
        insecure,
      ),
    );
  }

  /** The OAuth error oauth4webapi throws for a poll's refusal. */
  async function refusalOf(request: oauth.BackchannelAuthenticationResponse): Promise<string> {
    const error = await poll(request).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    return (error as oauth.ResponseBodyError).error;
  }

  /** The person's answer on the page to the request whose binding message is `message`. */
  async function answer(message: string, decision: 'approve' | 'deny'): Promise<void> {
    const list = async () =>
      (await (await person.getJson(`${issuer}/account/approvals`)).json()) as {
        approvals: Array<{ id: string; binding_message?: string }>;
        csrf_token: string;
      };
    const { approvals, csrf_token } = await list();
    const approval = approvals.find((one) => one.binding_message === message);
    if (!approval) throw new Error(`no approval with binding message ${message}`);
    const res = await person.postForm(`${issuer}/account/approvals/${approval.id}/${decision}`, {
      csrf_token,
    });
    expect(res.status).toBe(303);
  }

  it('finds the endpoint and the poll mode in the discovery document', () => {
    expect(as.backchannel_authentication_endpoint).toBe(`${issuer}/backchannel`);
    expect(as.backchannel_token_delivery_modes_supported).toContain('poll');
    expect(as.grant_types_supported).toContain(CIBA_GRANT_TYPE);
  });

  it('asks, is told to wait, and once the person approves gets tokens with a valid ID token', async () => {
    const request = await ask('Pay invoice 4712');
    expect(request).toMatchObject({ expires_in: TTL, interval: INTERVAL });
    expect(await refusalOf(request)).toBe('authorization_pending');

    await answer('Pay invoice 4712', 'approve');
    advance(INTERVAL);
    const tokens = await poll(request);

    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid api');
    // Checked by oauth4webapi: iss, aud, exp, iat; the claims are the person's.
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({
      iss: issuer,
      sub: 'user1',
      aud: agent.client_id,
    });
    // Redeemed once.
    expect(await refusalOf(request)).toBe('invalid_grant');
  });

  it('is told to slow down when it polls too fast, and access_denied once the person denies', async () => {
    const request = await ask('Merge pull request 99');
    expect(await refusalOf(request)).toBe('authorization_pending');
    expect(await refusalOf(request)).toBe('slow_down');

    await answer('Merge pull request 99', 'deny');
    advance(INTERVAL + 5);
    expect(await refusalOf(request)).toBe('access_denied');
  });

  it('is told expired_token once the request outlived expires_in', async () => {
    const request = await ask('Too late');
    advance(TTL + 1);
    expect(await refusalOf(request)).toBe('expired_token');
  });
});
