/**
 * oauth4webapi against a Proofgate listening on plain http in a test: the option every request
 * needs, and discovery of the authorization server's metadata (RFC 8414).
 */
import * as oauth from 'oauth4webapi';

/** oauth4webapi refuses http: unless told; the tests' issuers are http://127.0.0.1:<port>. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/** The metadata at `<issuer>/.well-known/oauth-authorization-server`, checked by oauth4webapi. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(new URL(issuer), {
    algorithm: 'oauth2',
    ...INSECURE,
  });
  return oauth.processDiscoveryResponse(new URL(issuer), response);
}
