/**
 * The JWS algs Proofgate signs its tokens with, each by a key of its own in the JWKS:
 * TOKEN_SIGNING_ALG chooses the access tokens' one; a client's ID tokens and logout tokens use
 * the one it registered (OpenID Connect Registration §2 `id_token_signed_response_alg`). RS256 is
 * among them because OpenID Connect Discovery §3 requires it of every OpenID provider.
 */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

function isSigningAlg(alg: unknown): alg is SigningAlg {
  return (SIGNING_ALGS as readonly unknown[]).includes(alg);
}

/**
 * What is wrong with an `id_token_signed_response_alg` (registration, OAUTH_CLIENTS, the admin
 * CLI): any alg this server does not sign with is refused, not ignored, since the client would
 * then reject every ID token it gets (`none` among them, though Core §2 allows it: no ID token
 * here is unsigned).
 */
export function idTokenAlgProblem(alg: unknown): string | undefined {
  return isSigningAlg(alg)
    ? undefined
    : `id_token_signed_response_alg must be one of ${SIGNING_ALGS.join(', ')}`;
}
