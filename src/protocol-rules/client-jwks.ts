/**
 * RFC 7523 §2.2 / RFC 7591 §2: the keys a `private_key_jwt` client registers, however it
 * registers (POST /register, a client ID metadata document, OAUTH_CLIENTS, the admin CLI), and
 * every JWK Set fetched to check a signature against (a jwks_uri, a trusted issuer's).
 */
import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { publicKeyProblem } from './public-key-rules';

/** RFC 7523 §3: the JWS algorithms a client assertion may use; never HS* (a shared secret) nor `none`. */
export const CLIENT_ASSERTION_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA'] as const;

/** RFC 7521 §4.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Keys a client may register at most, and the size of a JWK Set as text. */
export const CLIENT_JWKS_LIMITS = { keys: 10, bytes: 16 * 1024 } as const;

/** The key types an allowed algorithm signs with (RFC 7518 §6, RFC 8037 §2). */
const ASYMMETRIC_KTY = ['EC', 'RSA', 'OKP'];

/** RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2: the members only a private key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Why `jwks` is not a set of public signing keys a client may register, or undefined. A private
 * key is refused outright: the server must never hold what signs the client's assertions. Each
 * key meets the key rules DPoP proof keys meet (public-key-rules.ts: RSA 2048 to 4096 bits with
 * e = 65537, an EC key a point on its curve).
 */
export function publicJwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'object' || jwks === null || Array.isArray(jwks)) {
    return 'must be a JWK Set: an object with a "keys" array';
  }
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    return 'must be a JWK Set with at least one key in "keys"';
  }
  if (keys.length > CLIENT_JWKS_LIMITS.keys) {
    return `may hold at most ${CLIENT_JWKS_LIMITS.keys} keys`;
  }
  if (JSON.stringify(jwks).length > CLIENT_JWKS_LIMITS.bytes) {
    return `must be at most ${CLIENT_JWKS_LIMITS.bytes} bytes`;
  }
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) {
      return `keys[${index}] must be a JWK object`;
    }
    const jwk = key as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
      return `keys[${index}] is a private or symmetric key: register public keys only`;
    }
    if (typeof jwk.kty !== 'string' || !ASYMMETRIC_KTY.includes(jwk.kty)) {
      return `keys[${index}] must be an EC, RSA or OKP public key`;
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') return `keys[${index}] use must be "sig"`;
    if (jwk.alg !== undefined && !(CLIENT_ASSERTION_ALGS as readonly unknown[]).includes(jwk.alg)) {
      return `keys[${index}] alg must be one of ${CLIENT_ASSERTION_ALGS.join(', ')}`;
    }
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') {
      return `keys[${index}] kid must be a string`;
    }
    // Last: the EC point check imports the key.
    const problem = publicKeyProblem(jwk);
    if (problem !== undefined) return `keys[${index}] is refused: ${problem}`;
  }
  return undefined;
}

/**
 * A JWK Set fetched from a URL (a client's jwks_uri, a trusted issuer's): the set, or why it
 * cannot be used (not JSON, a member named twice, or publicJwksProblem), in words fit for a log
 * line.
 */
export function fetchedJwks(text: string): { jwks: object } | { problem: string } {
  let jwks: unknown;
  try {
    // Two `keys`, or a key with two `kid`s, would be read another way by another verifier.
    jwks = parseJson(text);
  } catch (error) {
    if (error instanceof DuplicateMemberName) return { problem: `the document ${error.message}` };
    return { problem: 'the document is not valid JSON' };
  }
  const problem = publicJwksProblem(jwks);
  return problem === undefined ? { jwks: jwks as object } : { problem: `the JWK Set ${problem}` };
}
