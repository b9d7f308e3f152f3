/**
 * oauth4webapi against a Proofgate listening on plain http in a test: the option every request
 * needs, discovery of the authorization server's metadata (RFC 8414), and the steps of the
 * authorization code flow as a client of the library takes them.
 */
import * as oauth from 'oauth4webapi';
import { authorizeInBrowser } from './dpop';

/** oauth4webapi refuses http: unless told; the tests' issuers are http://127.0.0.1:<port>. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/**
 * The metadata at `<issuer>/.well-known/oauth-authorization-server` (`oauth2`) or
 * `<issuer>/.well-known/openid-configuration` (`oidc`), checked by oauth4webapi.
 */
export async function discover(
  issuer: string,
  algorithm: 'oauth2' | 'oidc' = 'oauth2',
): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(new URL(issuer), { algorithm, ...INSECURE });
  return oauth.processDiscoveryResponse(new URL(issuer), response);
}

/** What a client keeps of its authorization request: the response's parameters, its verifier. */
export interface AuthorizedCode {
  params: URLSearchParams;
  verifier: string;
  redirectUri: string;
}

/**
 * The parameters of a fresh code request to `redirectUri` (PKCE S256, scope `profile` unless
 * `extra` says otherwise; a parameter set to undefined is left out), with its verifier and state.
 */
export async function codeRequest(
  redirectUri: string,
  extra: Record<string, string | undefined> = {},
): Promise<{ parameters: Record<string, string>; verifier: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const all: Record<string, string | undefined> = {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'profile',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  };
  const parameters = Object.fromEntries(
    Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return { parameters, verifier, state };
}

/**
 * An authorization request of `client` (see codeRequest), signed in through the /login form as
 * user1 (see authorizeInBrowser), its response checked by the library (state, and iss per
 * RFC 9207). `mustLogIn`: the request must go through the login page (an error otherwise).
 */
export async function authorizeWithLibrary(
  as: oauth.AuthorizationServer,
  issuer: string,
  client: oauth.Client,
  redirectUri: string,
  extra: Record<string, string | undefined> = {},
  { mustLogIn = false }: { mustLogIn?: boolean } = {},
): Promise<AuthorizedCode> {
  const request = await authorizationRequest(as, client, redirectUri, extra);
  const callback = await authorizeInBrowser(request.url, issuer, undefined, { mustLogIn });
  return request.authorized(callback);
}

/** A fresh authorization request of a client (see codeRequest), as the client keeps it. */
export interface AuthorizationRequest {
  /** Its URL at the authorization endpoint. */
  readonly url: URL;
  /** The response at the redirect URI, checked by the library (state, and iss per RFC 9207). */
  authorized(callback: URL): AuthorizedCode;
  /** Its code exchanged by a public client, the token response checked by the library. */
  redeem(
    callback: URL,
    checks?: oauth.ProcessAuthorizationCodeResponseOptions,
  ): Promise<oauth.TokenEndpointResponse>;
}

/** An authorization request of `client` to `redirectUri` at `as`'s authorization endpoint. */
export async function authorizationRequest(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  redirectUri: string,
  extra: Record<string, string | undefined> = {},
): Promise<AuthorizationRequest> {
  const { parameters, verifier, state } = await codeRequest(redirectUri, extra);
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({ client_id: client.client_id, ...parameters }).toString();
  const authorized = (callback: URL): AuthorizedCode => ({
    params: oauth.validateAuthResponse(as, client, callback, state),
    verifier,
    redirectUri,
  });
  return {
    url,
    authorized,
    redeem: async (callback, checks) =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.None(),
          authorized(callback).params,
          redirectUri,
          verifier,
          INSECURE,
        ),
        checks,
      ),
  };
}

/** The code of `authorized` exchanged at the token endpoint, the response checked by the library. */
export async function redeemCode(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  { params, verifier, redirectUri }: AuthorizedCode,
  options: oauth.TokenEndpointRequestOptions = {},
): Promise<oauth.TokenEndpointResponse> {
  return oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, {
      ...options,
      ...INSECURE,
    }),
  );
}

/** A refresh token grant, the response checked by the library. */
export async function refreshWithLibrary(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  refreshToken: string,
  options: oauth.TokenEndpointRequestOptions = {},
): Promise<oauth.TokenEndpointResponse> {
  return oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, {
      ...options,
      ...INSECURE,
    }),
  );
}

/** GET `url` with the access token, as the library sends it (with a proof when `options.DPoP`). */
export function getProtected(
  accessToken: string,
  url: string,
  options: oauth.ProtectedResourceRequestOptions = {},
): Promise<Response> {
  return oauth.protectedResourceRequest(accessToken, 'GET', new URL(url), undefined, undefined, {
    ...options,
    ...INSECURE,
  });
}
