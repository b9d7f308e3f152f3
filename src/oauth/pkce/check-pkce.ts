import { sha256Base64Url } from '../../platform/crypto/hashing';
import { InvalidGrant, InvalidRequest } from '../../platform/errors/protocol-error';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43-128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const CODE_CHALLENGE_METHODS = ['S256'];

/** /authorize: PKCE is required for every client, and only S256 (OAuth 2.1 §4.1.1). */
export function checkCodeChallenge(
  challenge: string | undefined,
  method: string | undefined,
): string {
  if (!challenge) {
    throw new InvalidRequest('code_challenge is required (PKCE)').because('missing_challenge');
  }
  if (method === 'plain') {
    throw new InvalidRequest('code_challenge_method "plain" is not supported; use S256').because(
      'plain_method',
    );
  }
  if (method !== 'S256') {
    throw new InvalidRequest('code_challenge_method must be S256').because('unsupported_method');
  }
  if (!CHALLENGE.test(challenge)) {
    throw new InvalidRequest('code_challenge must be 43 base64url characters (S256)').because(
      'malformed_challenge',
    );
  }
  return challenge;
}

/** /token: the verifier's syntax (its proof is checked by the atomic consume). */
export function checkCodeVerifier(verifier: string | undefined): string {
  if (verifier === undefined) {
    throw new InvalidRequest('Code verifier is required').because('missing_verifier');
  }
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

/** The field of an authorization code's binding that PKCE owns. */
export const PKCE_BINDING_FIELD = 'code_challenge';

/**
 * /token: what the presented verifier proves, as binding fields of the code. The atomic consume
 * compares them with the bound challenge (RFC 7636 §4.6), so a wrong verifier redeems nothing.
 */
export function pkceProof(verifier: string | undefined): { [PKCE_BINDING_FIELD]: string } {
  return { [PKCE_BINDING_FIELD]: s256(checkCodeVerifier(verifier)) };
}

/** RFC 7636 §4.6: the verifier does not hash to the challenge bound to the code. */
export function wrongVerifier(): InvalidGrant {
  return new InvalidGrant('PKCE verification failed').because('wrong_verifier');
}
