import type { IncomingHttpHeaders } from 'node:http';
import { errors, type JWTVerifyGetKey } from 'jose';
import { verifyAccessTokenJws } from './access-token-jws';
import { PROOFGATE_ACR_ORDER, meetsAcr } from './acr';
import { claimsOf, type VerifiedClaims } from './claims';
import { DpopNonces, type DpopNonceSource } from './dpop-nonces';
import { checkDpopProof, type CheckedProof, type DpopPolicy } from './dpop-proof';
import { IssuerKeys, IssuerMisconfigured, KeysUnavailable, type JwksOptions } from './issuer-keys';
import { DEFAULT_DPOP_ALGS, resourceMetadataUrl } from './metadata';
import {
  Refused,
  answer,
  invalidDpopProof,
  invalidRequest,
  invalidToken,
  noCredentials,
  type ChallengeContext,
  type ChallengeParams,
  type Refusal,
  type RefusalEvent,
  type Scheme,
} from './refusal';
import { ProofKeys } from './proof-keys';
import { ReplayCache, type ReplayStore } from './replay-cache';
import { hasLowS } from './low-s';

/** The JWS algorithms of access tokens accepted by default: those Proofgate signs with, and PS256/EdDSA. */
export const DEFAULT_TOKEN_ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;

/** RFC 9068 §2.2: the claims a JWT access token always carries. */
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];

/** RFC 6750 §2.1 (b64token) in the Bearer scheme, and RFC 9449 §7.1's DPoP scheme. */
const CREDENTIALS = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i;

export interface DpopOptions {
  /** Only DPoP-bound tokens are accepted (RFC 9728 `dpop_bound_access_tokens_required`). */
  required?: boolean;
  /** Default: ES256, EdDSA, Ed25519, RS256, PS256. */
  algs?: readonly string[];
  /**
   * The algorithms the proofs of this token may be signed with, when narrower than `algs`: a
   * client's profile (FAPI 2.0 §5.4.1-1: PS256, ES256 or EdDSA, never RS256), say. Asked with
   * the proof's own `alg` once its signature is verified, so that it can answer at once for an
   * `alg` every client may use; undefined: any of `algs`. A proof signed otherwise is refused
   * `invalid_dpop_proof`.
   */
  allowedAlgs?: (
    claims: VerifiedClaims,
    proofAlg: string,
  ) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** How long after its `iat` a proof is accepted, in seconds. Default 60. */
  proofMaxAgeSeconds?: number;
  /**
   * How far ahead of this server's clock a proof's `iat` may be (a client clock a little fast), in
   * seconds. Default: clockToleranceSeconds.
   */
  proofFutureSeconds?: number;
  /**
   * Where the proofs' `jti`s are recorded against replay (RFC 9449 §11.1). Default: a bounded
   * cache in this process's memory (`replayCacheSize`); several instances of one API pass a
   * store they share, so that a proof replayed at another instance is refused too.
   */
  replays?: ReplayStore;
  /** How many proofs' `jti`s the default cache remembers. Default 10 000. */
  replayCacheSize?: number;
  /**
   * How many clients' proof keys are kept imported (a key is kept once a request proven by it is
   * admitted; the least recently used goes first). Default 1000.
   */
  proofKeyCacheSize?: number;
  /**
   * RFC 9449 §9: require a nonce of this API's in every proof. `true`: a random key per process;
   * a key of 32 bytes or more: shared by the instances that are given it; a DpopNonceSource:
   * the API's own nonces (`current` and `check`).
   */
  nonces?: boolean | { key: string | Uint8Array } | DpopNonceSource;
  /**
   * With `nonces`: false accepts a proof without a nonce, checking only one a proof carries (an
   * API that hands nonces out without insisting yet). Default true.
   */
  requireNonce?: boolean;
}

/**
 * A refusal of a verified token by the API's own rule (a revoked grant, say): the wire `error`
 * (RFC 6750 §3.1, RFC 9470 §3) and its description, with the auth-params the client needs.
 * `insufficient_scope` is answered 403, the others 401, in the scheme the token calls for.
 */
export interface TokenRefusal extends ChallengeParams {
  error: 'invalid_token' | 'insufficient_scope' | 'insufficient_user_authentication';
  description: string;
  /** A bounded label for `onRefusal` (`revoked`, `acr_unmet`...). Default: `error`. */
  reason?: string;
}

/** What every request to the API must present, unless a route asks for more. */
export interface Requirements {
  /** Scopes the token must all carry. */
  scopes?: readonly string[];
  /** The minimum `acr` of the sign-in behind the token (RFC 9470). */
  acr?: string;
  /** At most this many seconds since the sign-in (`auth_time`; RFC 9470 `max_age`). */
  maxAge?: number;
}

export interface ResourceServerOptions extends Requirements {
  /** The Proofgate issuer, as its discovery document names it (`iss` of its tokens). */
  issuer: string;
  /** This API's resource identifier (RFC 8707): the `aud` its tokens must carry. */
  resource: string;
  /**
   * The public URL the API's request paths are relative to, for DPoP's `htu` (behind a proxy:
   * `https://api.example.com`, or `https://example.com/prefix` when the proxy strips a prefix).
   * Default: the origin of `resource`. The request's own Host header is never trusted for it.
   */
  url?: string;
  /** RFC 6750 §3 `realm` of the challenges; none by default. */
  realm?: string;
  /** Skew allowed on `exp`, `nbf` and `iat` of tokens and proofs, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** JWS algorithms of access tokens. Default DEFAULT_TOKEN_ALGS. */
  algorithms?: readonly string[];
  /**
   * An ES256 token must carry the low-s signature (low-s.ts: the one encoding of two that
   * Proofgate signs with), the other refused as `invalid_token`. Default true; false for an
   * issuer that does not normalise its ECDSA signatures.
   */
  requireLowS?: boolean;
  /** The `acr` values, weakest first. Default PROOFGATE_ACR_ORDER. */
  acrOrder?: readonly string[];
  jwks?: JwksOptions;
  /**
   * The issuer's keys, resolved by the API itself (jose's `JWTVerifyGetKey`: a key set it holds
   * in process, `createLocalJWKSet`, or a JWKS it fetches its own way). Replaces discovery and
   * `jwks`; a resolver that throws anything but a jose error answers 503, as a failed fetch does.
   */
  keys?: JWTVerifyGetKey;
  dpop?: DpopOptions;
  /**
   * The API's own check of a token that passed all of this package's (its signature, claims and
   * DPoP proof), before the scopes and `acr` are: e.g. that its grant was not revoked since.
   * A TokenRefusal refuses the request with it; undefined lets it through.
   */
  check?: (
    claims: VerifiedClaims,
    request: ProtectedRequest,
  ) => TokenRefusal | undefined | Promise<TokenRefusal | undefined>;
  /** RFC 9728 §5.1 `resource_metadata` of the challenges. Default: derived from `resource` (§3.1). */
  resourceMetadataUrl?: string;
  /**
   * Told of every refusal before it is answered (RefusalEvent: status, `error`, a bounded
   * `reason` and the scheme), for the API's metrics or audit; nothing of the token or proof. It
   * runs on the request's path: keep it quick, and let it not throw.
   */
  onRefusal?: (refusal: RefusalEvent) => void;
  /** The clock, in milliseconds since the epoch (tests). Default Date.now. */
  now?: () => number;
}

/** A request as the core reads it: any Node framework's request has these. */
export interface ProtectedRequest {
  method?: string;
  /** The path and query the request reached (Node's `req.url`, Express's `req.originalUrl`). */
  url?: string;
  headers: IncomingHttpHeaders;
  /**
   * Node's header lines as they came (`req.rawHeaders`, Express's and Fastify's `req.raw` have
   * them): a repeated Authorization header is refused by them.
   */
  rawHeaders?: readonly string[];
}

const REPEATED = Symbol('repeated');

/**
 * The request's one Authorization header, or REPEATED when it came twice: as an array (an adapter
 * that keeps every line), or twice in `rawHeaders` (Node keeps the first line in `headers` and
 * drops the rest, so a proxy that reads the last would act for another principal).
 */
function authorizationOf(request: ProtectedRequest): string | undefined | typeof REPEATED {
  const header: unknown = request.headers.authorization;
  if (Array.isArray(header)) {
    if (header.length > 1) return REPEATED;
    return typeof header[0] === 'string' ? header[0] : undefined;
  }
  if (repeatsAuthorization(request.rawHeaders ?? [])) return REPEATED;
  return typeof header === 'string' ? header : undefined;
}

/** Whether Node's `rawHeaders` (name, value, name, value…) hold an Authorization line twice. */
export function repeatsAuthorization(rawHeaders: readonly string[]): boolean {
  let lines = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'authorization') lines += 1;
  }
  return lines > 1;
}

/** A request let through: the token's claims, and headers to send with the answer (DPoP-Nonce). */
export interface Admitted {
  ok: true;
  claims: VerifiedClaims;
  headers: Record<string, string>;
}

export type Verdict = Admitted | Refusal;

/**
 * The one core both faces stand on: checks a request's access token against this API's
 * requirements and answers either the token's claims or the exact refusal (RFC 6750 §3, RFC 9470
 * §3, RFC 9449 §7.1 and §9), every challenge naming the resource's metadata (RFC 9728 §5.1).
 */
export class ResourceServer {
  private readonly getKey: JWTVerifyGetKey;
  private readonly challenges: ChallengeContext;
  private readonly dpop: DpopPolicy;
  private readonly dpopRequired: boolean;
  private readonly base: URL;
  private readonly tolerance: number;
  private readonly acrOrder: readonly string[];
  private readonly now: () => number;

  constructor(readonly options: ResourceServerOptions) {
    new URL(options.issuer);
    this.acrOrder = options.acrOrder ?? PROOFGATE_ACR_ORDER;
    this.checkRequirements(options);
    this.base = new URL(options.url ?? new URL(options.resource).origin);
    this.getKey = options.keys ?? new IssuerKeys(options.issuer, options.jwks).getKey;
    this.tolerance = options.clockToleranceSeconds ?? 5;
    this.now = options.now ?? Date.now;
    const dpop = options.dpop ?? {};
    this.dpopRequired = dpop.required ?? false;
    const nonces = dpop.nonces;
    this.dpop = {
      algs: dpop.algs ?? DEFAULT_DPOP_ALGS,
      proofMaxAgeSeconds: dpop.proofMaxAgeSeconds ?? 60,
      clockToleranceSeconds: dpop.proofFutureSeconds ?? this.tolerance,
      replays: dpop.replays ?? new ReplayCache(dpop.replayCacheSize ?? 10_000),
      keys: new ProofKeys(dpop.proofKeyCacheSize ?? 1000),
      ...(nonces ? { nonces: nonceSource(nonces) } : {}),
      requireNonce: dpop.requireNonce ?? true,
    };
    this.challenges = {
      ...(options.realm === undefined ? {} : { realm: options.realm }),
      resourceMetadata: options.resourceMetadataUrl ?? resourceMetadataUrl(options.resource),
      dpopAlgs: this.dpop.algs,
    };
  }

  /** Checks `request` against the options' requirements, and a route's on top (`route`). */
  async authenticate(request: ProtectedRequest, route: Requirements = {}): Promise<Verdict> {
    this.checkRequirements(route);
    const authorization = authorizationOf(request);
    if (authorization === REPEATED) {
      return this.refuse(
        invalidRequest('The request has more than one Authorization header: send one').because(
          'repeated_authorization',
        ),
      );
    }
    // RFC 6750 §3.1: no credentials, or another scheme's (Basic), get the bare challenge.
    const schemeSent = authorization?.trim().split(' ', 1)[0].toLowerCase();
    if (authorization === undefined || (schemeSent !== 'bearer' && schemeSent !== 'dpop')) {
      const scheme = this.dpopRequired ? 'DPoP' : 'Bearer';
      this.options.onRefusal?.({
        status: 401,
        error: 'invalid_request',
        reason: authorization ? 'other_scheme' : 'no_token',
        scheme,
      });
      return noCredentials(scheme, this.challenges);
    }
    const match = CREDENTIALS.exec(authorization.trim());
    if (!match) {
      // RFC 6750 §3.1: a malformed request is `400 invalid_request`, not a token to replace.
      return this.refuse(
        invalidRequest(
          'The Authorization header must be "Bearer <token>" or "DPoP <token>"',
        ).because('malformed_authorization'),
      );
    }
    const scheme: Scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    try {
      // RFC 9449 §7.1: the DPoP scheme without a proof is refused before the token is read.
      if (scheme === 'DPoP' && request.headers.dpop === undefined) {
        throw invalidDpopProof('A DPoP proof is required with the DPoP scheme').because('missing');
      }
      const claims = await this.verifyToken(token, scheme);
      const proof = await this.checkBinding(claims, scheme, token, request);
      try {
        // The proof's single use (a write) and the API's own check (a read, as a rule) at once:
        // both must hold, and a replay is told first.
        const [recorded, checked] = await Promise.allSettled([
          proof?.recordOnce(),
          this.checkOwnRule(claims, request),
        ]);
        if (recorded.status === 'rejected') throw recorded.reason;
        if (checked.status === 'rejected') throw checked.reason;
        this.checkRequirementsMet(claims, route);
      } catch (error) {
        throw error instanceof Refused && claims.cnf ? error.inDpopScheme() : error;
      }
      proof?.admitted();
      const headers: Record<string, string> =
        proof?.nextNonce === undefined ? {} : { 'DPoP-Nonce': proof.nextNonce };
      return { ok: true, claims, headers };
    } catch (error) {
      if (error instanceof Refused) return this.refuse(error);
      if (error instanceof KeysUnavailable) return unavailable();
      throw error;
    }
  }

  /**
   * RFC 9068 §4: signature by the issuer's key, `typ`, `iss`, `aud`, `exp`/`nbf` with skew (jose's
   * checks; an ES256 token's signature by node:crypto: access-token-jws.ts).
   */
  private async verifyToken(token: string, scheme: Scheme): Promise<VerifiedClaims> {
    try {
      const { payload, protectedHeader } = await verifyAccessTokenJws(token, this.getKey, {
        typ: 'at+jwt',
        algorithms: [...(this.options.algorithms ?? DEFAULT_TOKEN_ALGS)],
        issuer: this.options.issuer,
        audience: this.options.resource,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.tolerance,
        currentDate: new Date(this.now()),
      });
      if (
        this.options.requireLowS !== false &&
        protectedHeader.alg === 'ES256' &&
        !hasLowS(token)
      ) {
        throw invalidToken('The access token is invalid', scheme).because('high_s');
      }
      const claims = claimsOf(payload);
      if ('malformed' in claims) {
        throw invalidToken('The access token is invalid', scheme).because('malformed_claims');
      }
      return claims;
    } catch (error) {
      if (
        error instanceof Refused ||
        error instanceof KeysUnavailable ||
        error instanceof IssuerMisconfigured
      ) {
        throw error;
      }
      // The key lookup is jwtVerify's only I/O: a failed fetch of the JWKS (a network error, a
      // non-200, a timeout, a broken set) is the issuer's trouble, not the token's.
      if (
        !(error instanceof errors.JOSEError) ||
        error.constructor === errors.JOSEError ||
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid
      ) {
        throw new KeysUnavailable("The issuer's keys could not be read");
      }
      const [description, reason] = tokenProblem(error);
      throw invalidToken(description, scheme).because(reason);
    }
  }

  /**
   * RFC 9449 §7: a bound token comes with the DPoP scheme and a proof of its key; no other. A
   * bound token's proof is checked but for its single use, which `recordOnce` of the answer does.
   */
  private async checkBinding(
    claims: VerifiedClaims,
    scheme: Scheme,
    token: string,
    request: ProtectedRequest,
  ): Promise<CheckedProof | undefined> {
    if (claims.cnf === undefined) {
      if (scheme === 'DPoP') {
        // The client chose DPoP: the refusal answers in its scheme (§7.1), and says which to use.
        throw invalidToken(
          'The access token is not DPoP-bound: send it as "Bearer <token>"',
          'DPoP',
        ).because('not_bound');
      }
      if (this.dpopRequired) {
        throw invalidToken('This API accepts DPoP-bound access tokens only', 'DPoP').because(
          'dpop_required',
        );
      }
      return undefined;
    }
    if (scheme === 'Bearer') {
      // §7.2: a bound token sent as a bearer token is refused, the client pointed at DPoP.
      throw invalidToken(
        'The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key',
        'DPoP',
      ).because('bound_as_bearer');
    }
    const dpop = request.headers.dpop;
    const { allowedAlgs } = this.options.dpop ?? {};
    return checkDpopProof(
      {
        proof: Array.isArray(dpop) ? dpop.join(', ') : dpop,
        method: (request.method ?? 'GET').toUpperCase(),
        url: this.requestUrl(request),
        accessToken: token,
        jkt: claims.cnf.jkt,
        nowSeconds: Math.floor(this.now() / 1000),
        ...(allowedAlgs ? { allowedAlgs: (alg: string) => allowedAlgs(claims, alg) } : {}),
      },
      this.dpop,
    );
  }

  /** The API's `check`, its refusal answered as this package's own. */
  private async checkOwnRule(claims: VerifiedClaims, request: ProtectedRequest): Promise<void> {
    const refusal = await this.options.check?.(claims, request);
    if (refusal === undefined) return;
    const { error, description, reason, ...params } = refusal;
    throw new Refused(
      error === 'insufficient_scope' ? 403 : 401,
      error,
      description,
      params,
    ).because(reason ?? error);
  }

  /** RFC 9470 §3 (`acr`, `auth_time`), then RFC 6750 §3.1 (scope). */
  private checkRequirementsMet(claims: VerifiedClaims, route: Requirements): void {
    const acr = route.acr ?? this.options.acr;
    const maxAge = route.maxAge ?? this.options.maxAge;
    const stepUp = { acr_values: acr, max_age: maxAge };
    if (acr !== undefined && !meetsAcr(claims.acr, acr, this.acrOrder)) {
      throw new Refused(
        401,
        'insufficient_user_authentication',
        `This resource needs a sign-in of acr ${acr}; authorize again with acr_values=${acr}`,
        withoutUndefined(stepUp),
      ).because('acr_unmet');
    }
    const nowSeconds = this.now() / 1000;
    if (
      maxAge !== undefined &&
      (claims.auth_time === undefined || nowSeconds - claims.auth_time > maxAge + this.tolerance)
    ) {
      throw new Refused(
        401,
        'insufficient_user_authentication',
        `This resource needs a sign-in within the last ${maxAge} seconds; authorize again with max_age=${maxAge}`,
        withoutUndefined(stepUp),
      ).because('max_age');
    }
    const scopes = [...new Set([...(this.options.scopes ?? []), ...(route.scopes ?? [])])];
    const missing = scopes.filter((scope) => !claims.scopes.includes(scope));
    if (missing.length > 0) {
      throw new Refused(
        403,
        'insufficient_scope',
        `The access token lacks the scope ${missing.join(' ')}`,
        { scope: scopes.join(' ') },
      ).because('scope_missing');
    }
  }

  /** The URL the request reached, as the client named it: `url` (or the resource's origin) + path. */
  private requestUrl(request: ProtectedRequest): string {
    const path = (request.url ?? '/').split(/[?#]/)[0];
    const prefix = this.base.pathname.replace(/\/$/, '');
    return `${this.base.origin}${prefix}${path.startsWith('/') ? path : `/${path}`}`;
  }

  private refuse(refused: Refused): Refusal {
    const { status, error, reason, scheme } = refused;
    this.options.onRefusal?.({ status, error, reason, scheme });
    return answer(refused, this.challenges);
  }

  private checkRequirements(requirements: Requirements): void {
    const { acr, maxAge } = requirements;
    if (acr !== undefined && !this.acrOrder.includes(acr)) {
      throw new TypeError(`acr ${acr} is not one of ${this.acrOrder.join(', ')}`);
    }
    if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) {
      throw new TypeError('maxAge must be a whole number of seconds');
    }
  }
}

function nonceSource(
  nonces: true | { key: string | Uint8Array } | DpopNonceSource,
): DpopNonceSource {
  if (nonces === true) return new DpopNonces();
  return 'check' in nonces ? nonces : new DpopNonces(nonces.key);
}

function withoutUndefined(params: { acr_values?: string; max_age?: number }) {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/** What is wrong with the token, in words that quote nothing of it, and its reason label. */
function tokenProblem(error: errors.JOSEError): [description: string, reason: string] {
  if (error instanceof errors.JWTExpired) return ['The access token expired', 'expired'];
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud')
      return ['The access token is for another resource', 'wrong_audience'];
    if (error.claim === 'iss') return ['The access token is from another issuer', 'wrong_issuer'];
    if (error.claim === 'nbf') return ['The access token is not valid yet', 'not_yet_valid'];
  }
  return ['The access token is invalid', 'invalid'];
}

/** The issuer's keys could not be read: a 503 the client may retry, not its fault. */
function unavailable(): Refusal {
  return {
    ok: false,
    status: 503,
    headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' },
    body: {
      error: 'temporarily_unavailable',
      error_description: "The authorization server's keys could not be read; try again shortly",
    },
  };
}
