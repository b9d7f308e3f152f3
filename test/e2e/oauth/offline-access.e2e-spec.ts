/**
 * `offline_access` (OpenID Connect Core §11), as the MCP authorization spec has clients ask for
 * it: advertised in the authorization server's `scopes_supported`, put before the user for a
 * client registered for `refresh_token`, and dropped for one that is not (it gets no refresh
 * token). Refresh tokens are not gated on it: a client registered for them keeps getting them.
 * Driven by oauth4webapi (registration, code exchange, refresh).
 */
import * as oauth from 'oauth4webapi';
import { authorizeWithConsent } from '../../support/fetch-browser';
import { INSECURE, authorizationRequest, discover } from '../../support/oauth-discovery';
import { useListeningApp } from '../../support/use-test-app';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

describe('offline_access (OpenID Connect Core §11)', () => {
  const t = useListeningApp({ RATE_LIMIT_REGISTER_PER_IP: '1000' });
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(t.issuer);
  });

  async function registerClient(grantTypes: string[]): Promise<oauth.Client> {
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      {
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: grantTypes,
        application_type: 'native',
      },
      INSECURE,
    );
    // As registered: its ID tokens RS256, the registration's default, said in the response.
    return oauth.processDynamicClientRegistrationResponse(response);
  }

  /** Consent and code exchange for `scope`: the consent page's scopes and the token response. */
  async function signIn(
    client: oauth.Client,
    scope: string,
  ): Promise<{ consentScopes: string[]; tokens: oauth.TokenEndpointResponse }> {
    const authorization = await authorizationRequest(as, client, REDIRECT_URI, {
      scope,
      // What the MCP SDK adds to a request for offline_access.
      prompt: 'consent',
    });
    const { callback, consentPage } = await authorizeWithConsent(authorization.url, t.issuer);
    const consentList = /<ul id="consent-scopes">([\s\S]*?)<\/ul>/.exec(consentPage)![1];
    const consentScopes = [...consentList.matchAll(/data-scope="([^"]+)"/g)].map((m) => m[1]);
    return { consentScopes, tokens: await authorization.redeem(callback) };
  }

  it('is listed in the authorization server scopes_supported, not in the resource metadata', async () => {
    expect(as.scopes_supported).toContain('offline_access');
    const resource = await t.http().get('/.well-known/oauth-protected-resource').expect(200);
    expect(resource.body.scopes_supported).not.toContain('offline_access');
  });

  it('is asked of the user and granted to a client registered for refresh_token, which refreshes', async () => {
    const client = await registerClient(['authorization_code', 'refresh_token']);
    const { consentScopes, tokens } = await signIn(client, 'profile offline_access');
    expect(consentScopes).toEqual(['profile', 'offline_access']);
    expect(tokens.scope).toBe('profile offline_access');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        tokens.refresh_token!,
        INSECURE,
      ),
    );
    expect(refreshed.scope).toBe('profile offline_access');
    expect(refreshed.refresh_token).toEqual(expect.any(String));
  });

  it('still gives refresh tokens to a client registered for them that does not ask for it', async () => {
    const client = await registerClient(['authorization_code', 'refresh_token']);
    const { tokens } = await signIn(client, 'profile');
    expect(tokens.scope).toBe('profile');
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('is dropped for a client not registered for refresh_token: not asked, not granted, no refresh token', async () => {
    const client = await registerClient(['authorization_code']);
    const { consentScopes, tokens } = await signIn(client, 'profile offline_access');
    expect(consentScopes).toEqual(['profile']);
    expect(tokens.scope).toBe('profile');
    expect(tokens.refresh_token).toBeUndefined();
  });
});
