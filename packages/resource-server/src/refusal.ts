/** What a refused request is answered with: a status, its headers and the JSON error body. */
export interface Refusal {
  ok: false;
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/** The authentication scheme of a challenge: RFC 6750 `Bearer`, or RFC 9449 `DPoP`. */
export type Scheme = 'Bearer' | 'DPoP';

/** The auth-params a refusal adds to its challenge (RFC 6750 §3, RFC 9470 §3). */
export interface ChallengeParams {
  scope?: string;
  acr_values?: string;
  max_age?: number;
}

/**
 * Why a request was refused, before it is answered: a wire `error` (RFC 6750 §3.1, RFC 9470 §3,
 * RFC 9449 §7.1 / §9), its description and the auth-params the client needs to do better. The
 * scheme of the challenge is the one the client should use next: DPoP for a bound token.
 */
export class Refused extends Error {
  /** A bounded label of why, for the API's figures (RefusalEvent); never shown to the client. */
  reason: string;

  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly params: ChallengeParams = {},
    readonly scheme: Scheme = 'Bearer',
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.reason = error;
  }

  /** Tags the refusal with its reason: `throw invalidToken('...').because('expired')`. */
  because(reason: string): this {
    this.reason = reason;
    return this;
  }

  /** The same refusal answered in the DPoP scheme (RFC 9449 §7.1: a bound token's request). */
  inDpopScheme(): Refused {
    return new Refused(
      this.status,
      this.error,
      this.description,
      this.params,
      'DPoP',
      this.headers,
    ).because(this.reason);
  }
}

/** RFC 6750 §3.1 `invalid_token`: expired, revoked, malformed, or for another resource. */
export const invalidToken = (description: string, scheme: Scheme = 'Bearer') =>
  new Refused(401, 'invalid_token', description, {}, scheme);

/** RFC 6750 §3.1 `invalid_request`: a malformed request, with `400`. */
export const invalidRequest = (description: string) =>
  new Refused(400, 'invalid_request', description);

/** RFC 9449 §7.1: a DPoP proof that fails a check of §4.3, or that is missing. */
export const invalidDpopProof = (description: string) =>
  new Refused(401, 'invalid_dpop_proof', description, {}, 'DPoP');

/**
 * What the API's `onRefusal` is told of each refusal, for its figures or audit: the status, the
 * wire `error`, a bounded `reason` (`expired`, `replay`, `htu_mismatch`, ...; the `error` itself
 * where there is no finer one) and the challenge's scheme. Nothing of the token or the proof.
 */
export interface RefusalEvent {
  status: number;
  error: string;
  reason: string;
  scheme: Scheme;
}

/** What the challenges of one resource server say beside each refusal's own auth-params. */
export interface ChallengeContext {
  realm?: string;
  /** RFC 9728 §5.1: where clients find the resource's metadata. */
  resourceMetadata: string;
  /** RFC 9449 §7.1: the algorithms DPoP proofs may be signed with. */
  dpopAlgs: readonly string[];
}

/**
 * RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E in `error_description`: no `"` and no `\`,
 * not even escaped. Quotes (straight or typographic) become `'` and anything else is left out
 * (a `§` of a section number, a line break), so the header always parses; the JSON body keeps
 * the description as it is.
 */
export function headerSafe(text: string): string {
  return text
    .replace(/["\u201C\u201D\u2018\u2019]/g, "'")
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

function challenge(scheme: Scheme, params: ReadonlyArray<[string, string | undefined]>): string {
  const present = params.filter((param): param is [string, string] => param[1] !== undefined);
  return present.length === 0
    ? scheme
    : `${scheme} ${present.map(([name, value]) => `${name}="${headerSafe(value)}"`).join(', ')}`;
}

/** The answer to a refusal: the status, its `WWW-Authenticate` challenge and the error body. */
export function answer(refused: Refused, context: ChallengeContext): Refusal {
  const { params } = refused;
  const header = challenge(refused.scheme, [
    ['realm', context.realm],
    ['error', refused.error],
    ['error_description', refused.description],
    ['scope', params.scope],
    ['acr_values', params.acr_values],
    ['max_age', params.max_age === undefined ? undefined : String(params.max_age)],
    ['algs', refused.scheme === 'DPoP' ? context.dpopAlgs.join(' ') : undefined],
    ['resource_metadata', context.resourceMetadata],
  ]);
  return {
    ok: false,
    status: refused.status,
    headers: { ...refused.headers, 'WWW-Authenticate': header, 'Cache-Control': 'no-store' },
    body: { error: refused.error, error_description: refused.description },
  };
}

/**
 * RFC 6750 §3.1: a request with no credentials at all is answered with a bare challenge, no
 * error code (the body still says what is missing); in the DPoP scheme when only DPoP-bound
 * tokens are accepted (RFC 9449 §7.1).
 */
export function noCredentials(scheme: Scheme, context: ChallengeContext): Refusal {
  const header = challenge(scheme, [
    ['realm', context.realm],
    ['algs', scheme === 'DPoP' ? context.dpopAlgs.join(' ') : undefined],
    ['resource_metadata', context.resourceMetadata],
  ]);
  return {
    ok: false,
    status: 401,
    headers: { 'WWW-Authenticate': header, 'Cache-Control': 'no-store' },
    body: {
      error: 'invalid_request',
      error_description:
        scheme === 'DPoP'
          ? 'A DPoP-bound access token is required'
          : 'A bearer access token is required',
    },
  };
}
