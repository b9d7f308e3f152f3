/**
 * The whole flow driven by an independent OAuth client library (oauth4webapi, by the author of
 * jose), over real HTTP: RFC 8414 discovery, PKCE authorization URL, login through the /login
 * form, RFC 9207 iss check, code exchange, RFC 9068 access-token validation, refresh,
 * introspection and revocation.
 */
import * as oauth from 'oauth4webapi';
import {
  INSECURE,
  authorizeWithLibrary,
  discover,
  getProtected,
  redeemCode,
  refreshWithLibrary,
} from '../../support/oauth-discovery';
import { useListeningApp } from '../../support/use-test-app';

describe('an independent OAuth client (oauth4webapi) against Proofgate', () => {
  const t = useListeningApp();

  it('logs a user in with PKCE, refreshes, introspects and revokes (confidential client)', async () => {
    const as = await discover(t.issuer);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    const client: oauth.Client = { client_id: 'demo-client' };
    const clientAuth = oauth.ClientSecretBasic('demo-secret');
    const redirectUri = 'http://localhost:25001/callback';

    // Checks state and, since the metadata says it is supported, iss (RFC 9207).
    const authorized = await authorizeWithLibrary(
      as,
      t.issuer,
      client,
      redirectUri,
      { scope: 'profile api' },
      { mustLogIn: true },
    );
    const tokens = await redeemCode(as, client, clientAuth, authorized);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('profile api');

    // A resource server's RFC 9068 validation of the access token, keys fetched from jwks_uri.
    const me = new Request(`${t.issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, me, `${t.issuer}/api`, INSECURE);
    expect(claims).toMatchObject({ sub: 'user1', client_id: 'demo-client', iss: t.issuer });

    const meResponse = await getProtected(tokens.access_token, `${t.issuer}/api/me`);
    expect(await meResponse.json()).toMatchObject({ sub: 'user1', auth_method: 'password' });

    const refreshed = await refreshWithLibrary(as, client, clientAuth, tokens.refresh_token!);
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
    const as = await discover(t.issuer);
    const client: oauth.Client = { client_id: 'demo-spa' };
    const redirectUri = 'http://127.0.0.1:25002/callback';
    const authorized = await authorizeWithLibrary(
      as,
      t.issuer,
      client,
      redirectUri,
      { scope: undefined },
      { mustLogIn: true },
    );
    const tokens = await redeemCode(as, client, oauth.None(), authorized);
    expect(tokens.access_token).toBeTruthy();
    // A wrong verifier is refused the way the library expects an OAuth error to look.
    const stolen = { ...authorized, verifier: oauth.generateRandomCodeVerifier() };
    await expect(redeemCode(as, client, oauth.None(), stolen)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
