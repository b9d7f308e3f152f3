/**
 * RFC 7591 registration honours OpenID Connect Registration §2 `application_type` (which the MCP
 * authorization spec asks clients to send): a `native` app registers loopback and private-use
 * redirect URIs and uses any loopback port (RFC 8252 §7.1, §7.3); a `web` client (the default)
 * gets https, and loopback http only outside production. Registered with oauth4webapi.
 */
import * as oauth from 'oauth4webapi';
import { authorizeWithConsent } from '../../support/fetch-browser';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { useListeningApp } from '../../support/use-test-app';

const UNREGISTERED = 'redirect_uri is not registered for this client';
const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};

function authorizationUrl(issuer: string, clientId: string, redirectUri: string): URL {
  const url = new URL(`${issuer}/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'profile',
    state: oauth.generateRandomState(),
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

describe('application_type at POST /register (development)', () => {
  const t = useListeningApp({ RATE_LIMIT_REGISTER_PER_IP: '1000' });
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(t.issuer);
  });

  async function register(metadata: Record<string, unknown>): Promise<Response> {
    return oauth.dynamicClientRegistrationRequest(
      as,
      { token_endpoint_auth_method: 'none', ...metadata },
      INSECURE,
    );
  }

  it('a native app registers loopback and private-use URIs, then uses any loopback port', async () => {
    const redirectUris = ['http://127.0.0.1/callback', 'com.example.native:/callback'];
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await register({ application_type: 'native', redirect_uris: redirectUris }),
    );
    expect(registered).toMatchObject({ application_type: 'native', redirect_uris: redirectUris });

    // RFC 8252 §7.3: the app listens on an ephemeral port the registration could not name.
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const { callback } = await authorizeWithConsent(
      authorizationUrl(t.issuer, registered.client_id, redirectUri),
      t.issuer,
    );
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('a web client gets its loopback URI outside production, on its exact port only', async () => {
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await register({
        application_type: 'web',
        redirect_uris: ['http://127.0.0.1:3000/callback'],
      }),
    );
    expect(registered.application_type).toBe('web');

    const other = authorizationUrl(
      t.issuer,
      registered.client_id,
      'http://127.0.0.1:3001/callback',
    );
    const otherPort = await t
      .http()
      .get(`${other.pathname}${other.search}`)
      .set('Accept', 'application/json');
    expectRefusal(otherPort, 400, 'invalid_request', UNREGISTERED);

    const exact = authorizationUrl(
      t.issuer,
      registered.client_id,
      'http://127.0.0.1:3000/callback',
    );
    const { callback } = await authorizeWithConsent(exact, t.issuer);
    expect(callback.origin).toBe('http://127.0.0.1:3000');
  });

  it('a client that does not say is web (the default) unless a URI is on the device', async () => {
    const web = await oauth.processDynamicClientRegistrationResponse(
      await register({ redirect_uris: ['https://app.example/cb'] }),
    );
    expect(web.application_type).toBe('web');
    const editor = await oauth.processDynamicClientRegistrationResponse(
      await register({ redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:33418/'] }),
    );
    expect(editor.application_type).toBe('native');
    const native = await oauth.processDynamicClientRegistrationResponse(
      await register({ redirect_uris: ['http://[::1]/cb'] }),
    );
    expect(native.application_type).toBe('native');
  });

  it('refuses a web client a private-use scheme, and an unknown application_type', async () => {
    const scheme = await register({
      application_type: 'web',
      redirect_uris: ['https://app.example/cb', 'com.example.native:/callback'],
    });
    expect(scheme.status).toBe(400);
    expect(await scheme.json()).toEqual({
      error: 'invalid_redirect_uri',
      error_description:
        'redirect_uris[1] uses a private-use scheme, which only a native app receives: register application_type "native" (RFC 8252 §7.1)',
    });

    const unknown = await register({
      application_type: 'desktop',
      redirect_uris: ['https://app.example/cb'],
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'application_type must be one of web, native',
    });
  });
});

describe('application_type at POST /register (NODE_ENV=production)', () => {
  const t = useTestApp(PRODUCTION);

  it('refuses a web client loopback http, naming application_type native', async () => {
    const res = await t
      .http()
      .post('/register')
      .send({
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1:3000/callback'],
      });
    expectRefusal(
      res,
      400,
      'invalid_redirect_uri',
      'redirect_uris[0] is a loopback http URI, which only a native app receives: register application_type "native" (RFC 8252 §7.3)',
    );
  });

  it('registers a native app on loopback, and an MCP CLI client that does not say as native', async () => {
    for (const metadata of [
      { application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] },
      // The MCP SDK sends no application_type: its loopback-only client is a native app.
      { redirect_uris: ['http://localhost:33418/callback'] },
    ]) {
      const res = await t
        .http()
        .post('/register')
        .send({ token_endpoint_auth_method: 'none', ...metadata })
        .expect(201);
      expect(res.body.application_type).toBe('native');
    }
  });
});
