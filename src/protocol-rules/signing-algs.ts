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
  return signedResponseAlgProblem('id_token_signed_response_alg', alg);
}

/**
 * What is wrong with an OpenID Connect Registration §2 `userinfo_signed_response_alg`: an alg this
 * server signs with (`none` among the refused: a client that wants no signature registers none,
 * and gets the JSON answer, Core §5.3.2).
 */
export function userinfoAlgProblem(alg: unknown): string | undefined {
  return signedResponseAlgProblem('userinfo_signed_response_alg', alg);
}

function signedResponseAlgProblem(name: string, alg: unknown): string | undefined {
  return isSigningAlg(alg) ? undefined : `${name} must be one of ${SIGNING_ALGS.join(', ')}`;
}
