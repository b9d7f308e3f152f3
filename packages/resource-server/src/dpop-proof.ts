import { createHash } from 'node:crypto';
import { errors, type JWTPayload } from 'jose';
import type { DpopNonceSource } from './dpop-nonces';
import { duplicateMemberName, quotedMemberName } from './json-names';
import type { ProofKeys } from './proof-keys';
import { Refused, invalidDpopProof } from './refusal';
import type { ReplayStore } from './replay-cache';

/** A proof is a few hundred bytes (an RSA-4096 key and signature: under 2 KiB). */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** How a resource server checks DPoP proofs. */
export interface DpopPolicy {
  algs: readonly string[];
  /** How long after its `iat` a proof is accepted. */
  proofMaxAgeSeconds: number;
  /** How far ahead of this server's clock a proof's `iat` may be (a client clock a little fast). */
  clockToleranceSeconds: number;
  replays: ReplayStore;
  /** The proofs' keys, each imported once and remembered once a request is admitted. */
  keys: ProofKeys;
  /** RFC 9449 §9: when set, a proof's nonce must be one this server issued. */
  nonces?: DpopNonceSource;
  /** With `nonces`: a proof without a nonce is refused (else only a nonce sent is checked). */
  requireNonce: boolean;
}

/** What the proof of one request must match (RFC 9449 §4.3). */
export interface ProofContext {
  /** The `DPoP` header, undefined when absent. */
  proof: string | undefined;
  /** `htm`: the request's method. */
  method: string;
  /** `htu`: the URL the request reached, query and fragment aside. */
  url: string;
  /**
   * `ath`: the access token presented with the proof (RFC 9449 §4.3), whose hash the proof must
   * carry. Undefined at an authorization server's /token or /par (§5, §10.1): none is presented.
   */
  accessToken: string | undefined;
  /**
   * `cnf.jkt` of that token (§7.1): the proof must be signed by that key. Undefined where no key
   * is bound yet (/token, /par: the answer's `jkt` is the key to bind), or where the caller
   * compares the answer's `jkt` with its token's itself, having verified the token beside the
   * proof. Never left out by accident: each caller names it.
   */
  jkt: string | undefined;
  nowSeconds: number;
  /**
   * The algorithms this token's proofs may be signed with when narrower than the policy's (a
   * client's profile), asked with the proof's own `alg`; undefined: any of the policy's.
   */
  allowedAlgs?: (
    proofAlg: string,
  ) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
}

/** A proof that passed every check but its single use: `recordOnce` to accept it. */
export interface CheckedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (what a token issued for it is bound to). */
  jkt: string;
  /** The JWS `alg` the proof is signed with: one of the policy's. */
  alg: string;
  /** The nonce to send with the answer, when the proof's was the previous one (RFC 9449 §9). */
  nextNonce?: string;
  /** Records the proof's `jti`; refuses a replay (RFC 9449 §11.1). */
  recordOnce(): Promise<void>;
  /** The request was admitted: the proof's key, if it was new, is kept for the next proofs. */
  admitted(): void;
}

/**
 * RFC 9449 §4.3: checks the proof of a request, in the order the spec lists them: one
 * well-formed JWT, `typ` dpop+jwt, an allowed asymmetric `alg`, the signature by the public key
 * in its own `jwk` header (meeting the key rules; jose's EmbeddedJWK, which refuses a private
 * key, imports it once: ProofKeys), claims that name no member twice, that key being the
 * token's (`cnf.jkt`, §7.1) and its `alg` one the token's client may use, `htm`, `htu`, `iat`
 * within the window, `ath`, and the server's nonce; the token's key and `ath` only when the
 * context names them (not at an authorization server's /token or /par: §5, §10.1, where the
 * answer's `jkt` is the key to bind). What is left is the `jti`'s single use, the one write:
 * `recordOnce` of the answer, which the caller may run beside its own reads.
 */
export async function checkDpopProof(
  context: ProofContext,
  policy: DpopPolicy,
): Promise<CheckedProof> {
  const { proof } = context;
  if (proof === undefined) {
    throw invalidDpopProof('A DPoP proof is required with the DPoP scheme').because('missing');
  }
  // Node joins repeated headers with ", ": a value that is not one compact JWS is refused.
  if (proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof)) {
    throw invalidDpopProof('The DPoP header must hold exactly one proof JWT').because('malformed');
  }
  let payload: JWTPayload;
  let jkt: string;
  let alg: string;
  let admitted = () => {};
  try {
    const verified = await policy.keys.verify(proof, {
      typ: 'dpop+jwt',
      algorithms: [...policy.algs],
      requiredClaims: ['iat', 'jti', 'htm', 'htu'],
      currentDate: new Date(context.nowSeconds * 1000),
      // An `nbf` (RFC 9449 defines none; a client may send one) up to the future window ahead is
      // a client clock a little fast, as for `iat`.
      clockTolerance: policy.clockToleranceSeconds,
    });
    ({ payload, jkt, alg } = verified);
    const { imported } = verified;
    if (imported) admitted = () => policy.keys.remember(imported);
  } catch (error) {
    if (!(error instanceof errors.JOSEError)) throw error;
    throw invalidDpopProof(`The DPoP proof is invalid (${joseReason(error)})`).because(
      'invalid_signature',
    );
  }
  const repeated = repeatedClaim(proof);
  if (repeated !== undefined) {
    throw invalidDpopProof(
      `The DPoP proof names member ${quotedMemberName(repeated)} twice`,
    ).because('malformed');
  }
  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (context.jkt !== undefined && jkt !== context.jkt) {
    throw invalidDpopProof(
      'The DPoP proof is signed by another key than the access token is bound to',
    ).because('jkt_mismatch');
  }
  const allowed = await context.allowedAlgs?.(alg);
  if (allowed !== undefined && !allowed.includes(alg)) {
    throw invalidDpopProof(
      `The DPoP proof must be signed with ${allowed.join(', ')} for this client, not ${alg}`,
    ).because('profile_alg');
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw invalidDpopProof('The DPoP proof needs a jti of 1-256 characters').because('malformed');
  }
  if (htm !== context.method) {
    throw invalidDpopProof('The DPoP proof is for another HTTP method (htm)').because(
      'htm_mismatch',
    );
  }
  if (typeof htu !== 'string' || !sameResource(htu, context.url)) {
    throw invalidDpopProof('The DPoP proof is for another URI (htu)').because('htu_mismatch');
  }
  const now = context.nowSeconds;
  if (
    typeof iat !== 'number' ||
    iat < now - policy.proofMaxAgeSeconds ||
    iat > now + policy.clockToleranceSeconds
  ) {
    throw invalidDpopProof(
      `The DPoP proof iat must be at most ${policy.proofMaxAgeSeconds} seconds before and ${policy.clockToleranceSeconds} seconds after the server's time`,
    ).because('stale_iat');
  }
  if (
    context.accessToken !== undefined &&
    ath !== createHash('sha256').update(context.accessToken).digest('base64url')
  ) {
    throw invalidDpopProof(
      'The DPoP proof does not carry the hash of this access token (ath)',
    ).because('ath_mismatch');
  }
  const nextNonce = checkNonce(nonce, policy, now);
  // §11.1: recorded for as long as the proof could be accepted; keyed by the key too, so nobody
  // can spend another key's jti in advance.
  const lifetime = policy.proofMaxAgeSeconds + policy.clockToleranceSeconds;
  const recordOnce = async () => {
    if (!(await policy.replays.recordOnce(`${jkt}:${jti}`, now * 1000, lifetime * 1000))) {
      throw invalidDpopProof('The DPoP proof was already used (jti replay)').because('replay');
    }
  };
  const checked = { jkt, alg, recordOnce, admitted };
  return nextNonce === undefined ? checked : { ...checked, nextNonce };
}

/**
 * A member name the proof's claims (its payload segment, read again: jose gives no text) name
 * twice, or undefined. JSON.parse keeps the last of two `htu`s silently, where another reader of
 * the same proof may take the first, and hold it to another URI than this server did (I-JSON,
 * RFC 7493 §2.3: names MUST NOT repeat). The JOSE header is left as it is: jose reads `alg`, `typ`
 * and `jwk` from the same parse it checks them on.
 */
function repeatedClaim(proof: string): string | undefined {
  const encoded = proof.slice(proof.indexOf('.') + 1, proof.lastIndexOf('.'));
  return duplicateMemberName(Buffer.from(encoded, 'base64url').toString('utf8'));
}

/**
 * RFC 9449 §9: a nonce of this server's, required when it issues them and asks for them, and
 * checked whenever a proof carries one.
 */
function checkNonce(
  nonce: unknown,
  { nonces, requireNonce }: DpopPolicy,
  nowSeconds: number,
): string | undefined {
  if (nonces === undefined || (nonce === undefined && !requireNonce)) return undefined;
  const verdict = nonce === undefined ? 'missing' : nonces.check(nonce, nowSeconds);
  if (verdict === 'missing' || verdict === 'invalid') {
    throw new Refused(
      401,
      'use_dpop_nonce',
      verdict === 'missing'
        ? 'A DPoP nonce is required: retry with the one in DPoP-Nonce'
        : 'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
      {},
      'DPoP',
      { 'DPoP-Nonce': nonces.current(nowSeconds) },
    ).because(verdict === 'missing' ? 'nonce_missing' : 'nonce_stale');
  }
  return verdict === 'previous' ? nonces.current(nowSeconds) : undefined;
}

/** RFC 9449 §4.3 (9): `htu` names the request's URI, query and fragment aside, normalised. */
export function sameResource(htu: string, expected: string): boolean {
  const normal = (text: string) => {
    const url = new URL(text);
    url.search = '';
    url.hash = '';
    return url.href;
  };
  try {
    return normal(htu) === normal(expected);
  } catch {
    return false;
  }
}

/** What jose found wrong, in words that quote nothing of the proof. */
function joseReason(error: errors.JOSEError): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  // jose reports the `typ` it was told to expect as a claim; it is a header parameter.
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'typ' ? 'header typ' : `claim ${error.claim}`;
  }
  if (error instanceof errors.JWTExpired) return 'expired';
  return 'header, key or encoding';
}
