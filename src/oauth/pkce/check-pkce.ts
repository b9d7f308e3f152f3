import { sha256Base64Url } from '../../platform/crypto/hashing';
import { InvalidGrant, InvalidRequest } from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';
import { OPENID_SCOPE, hasScope } from '../../tokens/scopes';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43-128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const CODE_CHALLENGE_METHODS = ['S256'];

/** The field of an authorization code's binding that PKCE owns. */
export const PKCE_BINDING_FIELD = 'code_challenge';

/**
 * The `code_challenge` a code issued without PKCE is bound to. Every S256 value is 43
 * characters, so no verifier hashes to it: such a code is redeemed only without a verifier
 * (RFC 9700 §2.1.1 and §4.8.2, the PKCE downgrade: a verifier is accepted only for a code whose
 * request carried a challenge), as a code with a challenge is redeemed only with its verifier.
 */
export const NO_CODE_CHALLENGE = 'none';

/** What /authorize decided about a request's PKCE: the challenge to bind, or why it refuses. */
export type PkceVerdict =
  { ok: true; codeChallenge: string | undefined } | { ok: false; refusal: InvalidRequest };

/**
 * Whether this client may send an authorization request without PKCE: a confidential client
 * the operator registered with `require_pkce: false`, never a public one (OAuth 2.1 §4.1.1,
 * RFC 9700 §2.1.1: "Public clients MUST use PKCE") nor one of the FAPI 2.0 profile
 * (§5.3.2.2-5), whatever its stored record says.
 */
export function pkceOptional(
  client: Pick<OAuthClient, 'type' | 'requirePkce' | 'profile'>,
): boolean {
  return (
    client.type === 'confidential' && client.requirePkce === false && client.profile !== 'fapi2'
  );
}

/**
 * /authorize: the PKCE of this client's request. A request that sends any PKCE parameter gets
 * PKCE's full rules, only S256 (OAuth 2.1 §4.1.1), whoever the client is. Without one:
 * - a public client, or one that requires PKCE (the default): refused;
 * - a confidential client registered with `require_pkce: false`: only an OpenID Connect request
 *   (scope `openid`). RFC 9700 §2.1.1 lets such a client rely on `nonce` and the ID token's
 *   `nonce` claim instead of PKCE against code injection. `nonce` itself stays optional in the
 *   code flow, as OpenID Connect Core §3.1.2.1 has it: the protection is the client's comparison
 *   of the two, which the server could not see even if it demanded the parameter, and the client
 *   authenticates at /token, so a stolen code is worth nothing to anyone else. The operator opts
 *   such a client out knowing this (docs/OAUTH.md, "PKCE per client").
 * Its code is then bound to NO_CODE_CHALLENGE: no verifier redeems it.
 */
export function checkPkce(
  client: Pick<OAuthClient, 'type' | 'requirePkce' | 'profile'>,
  request: { code_challenge?: string; code_challenge_method?: string },
  scope: string,
): PkceVerdict {
  const { code_challenge: challenge, code_challenge_method: method } = request;
  if (challenge === undefined && method === undefined && pkceOptional(client)) {
    return hasScope(scope, OPENID_SCOPE)
      ? { ok: true, codeChallenge: undefined }
      : refused(
          'code_challenge is required (PKCE) unless the request is OpenID Connect (scope openid)',
          'missing_challenge',
        );
  }
  if (challenge === undefined) {
    return refused('code_challenge is required (PKCE)', 'missing_challenge');
  }
  if (method === 'plain') {
    return refused('code_challenge_method "plain" is not supported; use S256', 'plain_method');
  }
  if (method !== 'S256') {
    return refused('code_challenge_method must be S256', 'unsupported_method');
  }
  if (!CHALLENGE.test(challenge)) {
    return refused('code_challenge must be 43 base64url characters (S256)', 'malformed_challenge');
  }
  return { ok: true, codeChallenge: challenge };
}

function refused(description: string, reason: string): PkceVerdict {
  return { ok: false, refusal: new InvalidRequest(description).because(reason) };
}

/** The code's PKCE binding for a verdict: the challenge, or NO_CODE_CHALLENGE; a refusal throws. */
export function codeChallengeBinding(verdict: PkceVerdict): { [PKCE_BINDING_FIELD]: string } {
  if (!verdict.ok) throw verdict.refusal;
  return { [PKCE_BINDING_FIELD]: verdict.codeChallenge ?? NO_CODE_CHALLENGE };
}

/** /token: the verifier's syntax (its proof is checked by the atomic consume). */
export function checkCodeVerifier(verifier: string): string {
  if (!VERIFIER.test(verifier)) {
    throw new InvalidRequest('code_verifier must be 43-128 characters of [A-Za-z0-9-._~]').because(
      'malformed_verifier',
    );
  }
  return verifier;
}

/** RFC 7636 §4.6: the S256 transformation the server applies to the verifier. */
export function s256(verifier: string): string {
  return sha256Base64Url(verifier);
}

/**
 * /token: what the presented verifier proves, as binding fields of the code. The atomic consume
 * compares them with the bound challenge (RFC 7636 §4.6), so a wrong verifier redeems nothing;
 * no verifier proves only NO_CODE_CHALLENGE, so it redeems only a code issued without PKCE.
 */
export function pkceProof(verifier: string | undefined): { [PKCE_BINDING_FIELD]: string } {
  return {
    [PKCE_BINDING_FIELD]:
      verifier === undefined ? NO_CODE_CHALLENGE : s256(checkCodeVerifier(verifier)),
  };
}

/**
 * RFC 7636 §4.6: the verifier does not hash to the challenge bound to the code, or (RFC 9700
 * §4.8.2) the code was issued without a challenge, so no verifier is accepted for it.
 */
export function wrongVerifier(): InvalidGrant {
  return new InvalidGrant('PKCE verification failed').because('wrong_verifier');
}

/** RFC 7636 §4.6: a code issued with a challenge is redeemed only with its verifier. */
export function missingVerifier(): InvalidGrant {
  return new InvalidGrant(
    'code_verifier is required: the code was issued with a code_challenge',
  ).because('missing_verifier');
}
