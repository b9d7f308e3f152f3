/**
 * RFC 9101 request objects: the algorithms a client may register for them (OpenID Connect
 * Registration §2 `request_object_signing_alg`) and the server announces (OpenID Connect
 * Discovery §3 `request_object_signing_alg_values_supported`), however the client is registered.
 */
import { CLIENT_ASSERTION_ALGS } from './client-jwks';

/**
 * A signed request object is verified with the client's registered public keys (`jwks` or
 * `jwks_uri`), so it uses the algorithms of those keys: the client assertion's. Never HS256 with
 * the client secret, which OpenID Connect Core §10.1 allows: Proofgate keeps only a hash of a
 * secret, and a hash verifies no HMAC.
 */
export const REQUEST_OBJECT_SIGNING_ALGS = CLIENT_ASSERTION_ALGS;
export type RequestObjectSigningAlg = (typeof REQUEST_OBJECT_SIGNING_ALGS)[number];

/**
 * What discovery announces: the signing algorithms, and `none` (OpenID Connect Core §6.1: an
 * unsigned request object, accepted from a client that registered no signing algorithm and does
 * not require signed request objects).
 */
export const REQUEST_OBJECT_SIGNING_ALG_VALUES: readonly string[] = [
  'none',
  ...REQUEST_OBJECT_SIGNING_ALGS,
];

export function isRequestObjectSigningAlg(alg: unknown): alg is RequestObjectSigningAlg {
  return (REQUEST_OBJECT_SIGNING_ALGS as readonly unknown[]).includes(alg);
}

/**
 * Why a client's `request_object_signing_alg` and `require_signed_request_object` cannot be
 * registered, or undefined. Either needs public keys to verify with (`hasKeys`: a private_key_jwt
 * client's `jwks` or `jwks_uri`); `none` is what registering no algorithm already means.
 */
export function requestObjectMetadataProblem(
  alg: unknown,
  requireSigned: unknown,
  hasKeys: boolean,
): string | undefined {
  if (alg !== undefined && !isRequestObjectSigningAlg(alg)) {
    return `request_object_signing_alg must be one of ${REQUEST_OBJECT_SIGNING_ALGS.join(', ')} (unsigned request objects need no registration)`;
  }
  if (requireSigned !== undefined && typeof requireSigned !== 'boolean') {
    return 'require_signed_request_object must be true or false';
  }
  if ((alg !== undefined || requireSigned === true) && !hasKeys) {
    return `${alg !== undefined ? 'request_object_signing_alg' : 'require_signed_request_object'} needs the client's public keys (token_endpoint_auth_method "private_key_jwt" with jwks or jwks_uri): a request object is verified with them, never with a client secret, of which only a hash is kept`;
  }
  return undefined;
}

/**
 * The `aud` of a request object (RFC 9101 §4, RFC 7519 §4.1.3): the issuer identifier, or an
 * array holding it, as FAPI 2.0 Message Signing §5.3.1 requires servers to accept. Unlike a
 * client assertion's (assertion-audience.ts), an array is no risk here: a request object asks for
 * what the client could ask for in the query, and its code is still bound to the client, its
 * redirect URI and its PKCE challenge; `aud` only keeps one server's request from being used at
 * another that does not name itself in it.
 */
export function isRequestObjectAudience(aud: unknown, issuer: string): boolean {
  return aud === issuer || (Array.isArray(aud) && aud.includes(issuer));
}
