/**
 * The whole flow driven by an independent OAuth client library (oauth4webapi, by the author of
 * jose), over real HTTP: RFC 8414 discovery, PKCE authorization URL, login through the /login
 * form, RFC 9207 iss check, code exchange, RFC 9068 access-token validation, refresh,
 * introspection and revocation.
 */
import * as oauth from 'oauth4webapi';
import { TestApp, createTestApp } from '../../support/test-app';
import { CookieBrowser } from '../../support/cookie-browser';
import { freePort } from '../../support/processes';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { ipIssuer } from '../../support/ip-issuer';

/** Follows the authorization request through login until the redirect back to the client. */
async function authorizeInBrowser(authorizationUrl: URL, issuer: string): Promise<URL> {
  const browser = new CookieBrowser();
  const first = await browser.get(authorizationUrl.href);
  expect(first.status).toBe(302);
  const loginUrl = new URL(first.headers.get('location')!, issuer);
  expect(loginUrl.pathname).toBe('/login');
  const page = await (await browser.get(loginUrl.href)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)![1];
  const returnTo = loginUrl.searchParams.get('return_to')!;
  const loggedIn = await browser.postForm(`${issuer}/login`, {
    username: 'user1',
    password: 'password1',
    csrf_token: csrf,
    return_to: returnTo,
  });
  expect(loggedIn.status).toBe(303);
  const back = await browser.get(new URL(loggedIn.headers.get('location')!, issuer).href);
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

describe('an independent OAuth client (oauth4webapi) against Proofgate', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ ...ipIssuer(issuer) });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(() => t.close());

  it('logs a user in with PKCE, refreshes, introspects and revokes (confidential client)', async () => {
    const as = await discover(issuer);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    const client: oauth.Client = { client_id: 'demo-client' };
    const clientAuth = oauth.ClientSecretBasic('demo-secret');
    const redirectUri = 'http://localhost:25001/callback';

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint!);
    authorizationUrl.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'profile api',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const callback = await authorizeInBrowser(authorizationUrl, issuer);
    // Checks state and, since the metadata says it is supported, iss (RFC 9207).
    const params = oauth.validateAuthResponse(as, client, callback, state);

    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      verifier,
      INSECURE,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('profile api');

    // A resource server's RFC 9068 validation of the access token, keys fetched from jwks_uri.
    const me = new Request(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, me, `${issuer}/api`, INSECURE);
    expect(claims).toMatchObject({ sub: 'user1', client_id: 'demo-client', iss: issuer });

    const meResponse = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${issuer}/api/me`),
      undefined,
      undefined,
      INSECURE,
    );
    expect(await meResponse.json()).toMatchObject({ sub: 'user1', auth_method: 'password' });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, INSECURE),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, INSECURE),
    );
    expect(introspection).toMatchObject({ active: true, sub: 'user1', client_id: 'demo-client' });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, INSECURE),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, INSECURE),
    );
    expect(after.active).toBe(false);
  });

  it('serves a public client (demo-spa) with client authentication "none"', async () => {
    const as = await discover(issuer);
    const client: oauth.Client = { client_id: 'demo-spa' };
    const redirectUri = 'http://127.0.0.1:25002/callback';
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint!);
    authorizationUrl.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const params = oauth.validateAuthResponse(
      as,
      client,
      await authorizeInBrowser(authorizationUrl, issuer),
      state,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        redirectUri,
        verifier,
        INSECURE,
      ),
    );
    expect(tokens.access_token).toBeTruthy();
    // A wrong verifier is refused the way the library expects an OAuth error to look.
    const stolen = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri,
      oauth.generateRandomCodeVerifier(),
      INSECURE,
    );
    await expect(oauth.processAuthorizationCodeResponse(as, client, stolen)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
