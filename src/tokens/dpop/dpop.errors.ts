import { ProtocolError, headerDescription } from '../../platform/errors/protocol-error';
import { DPOP_CHALLENGE_ALGS } from './dpop-algorithms';

/**
 * RFC 9449 §5.2 / §7.1 / §8 / §9 errors. At the token endpoint they are `400` with the JSON
 * envelope; at a protected resource `401` with a `WWW-Authenticate: DPoP` challenge naming the
 * accepted algorithms (§7.1), see `atResource`. Descriptions never quote the proof.
 */
export abstract class DpopError extends ProtocolError {
  readonly status: number = 400;

  /** The same error as a protected resource answers it: 401 with a DPoP challenge (§7.1, §9). */
  atResource(): ProtocolError {
    return new DpopResourceChallenge(this.error, this.description, this.headers);
  }
}

/** RFC 9449 §5.2: the DPoP proof is missing a check (signature, claims, replay, URI). */
export class InvalidDpopProof extends DpopError {
  readonly error = 'invalid_dpop_proof';
}

/** RFC 9449 §8: a fresh server nonce is required; `DPoP-Nonce` carries the one to use. */
export class UseDpopNonce extends DpopError {
  readonly error = 'use_dpop_nonce';
  constructor(description: string, nonce: string) {
    super(description);
    this.headers['DPoP-Nonce'] = nonce;
  }
}

/**
 * RFC 9449 §7.1: any refusal of a request made with a DPoP-bound token (`insufficient_scope`,
 * RFC 9470's `insufficient_user_authentication`...) challenges with the DPoP scheme, keeping
 * its error and auth-params, and names the accepted algorithms; a Bearer challenge would send
 * the client the wrong way. The error is answered as it was, its challenge rewritten.
 */
export function inDpopScheme<E extends ProtocolError>(error: E): E {
  const challenge = error.headers['WWW-Authenticate'];
  if (challenge?.startsWith('Bearer ')) {
    error.headers['WWW-Authenticate'] =
      `DPoP ${challenge.slice('Bearer '.length)}, ${DPOP_CHALLENGE_ALGS}`;
  }
  return error;
}

/**
 * A resource's refusal of a request made with `token`: in the DPoP scheme when the token is
 * DPoP-bound (`cnf`, accepted only as `DPoP <token>`: RFC 9449 §7.1), else as it is (Bearer).
 */
export function inTokenScheme<E extends ProtocolError>(
  token: { readonly cnf?: unknown },
  error: E,
): E {
  return token.cnf === undefined ? error : inDpopScheme(error);
}

/**
 * RFC 9449 §7.1: a resource's refusal of a DPoP-bound request, and of a DPoP-bound token sent
 * as a bearer token (§7.2): `invalid_token`, `invalid_dpop_proof` or `use_dpop_nonce`.
 */
export class DpopResourceChallenge extends ProtocolError {
  readonly status = 401;

  constructor(
    readonly error: string,
    description: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    Object.assign(this.headers, headers);
    this.headers['WWW-Authenticate'] =
      `DPoP realm="proofgate", error="${error}", error_description="${headerDescription(description)}", ${DPOP_CHALLENGE_ALGS}`;
  }
}
