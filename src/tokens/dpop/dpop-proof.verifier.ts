import { Injectable } from '@nestjs/common';
import {
  ProofKeys,
  Refused,
  checkDpopProof,
  type CheckedProof,
  type DpopPolicy,
} from '@proofgate/resource-server';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ChallengeStore } from '../../challenges/challenge-store';
import { DomainEvents } from '../../platform/events/domain-events';
import { DpopConfig } from '../../config/sections/dpop.config';
import { Clock } from '../../platform/clock/clock';
import { DPOP_SIGNING_ALGS } from './dpop-algorithms';
import { DpopError, InvalidDpopProof, UseDpopNonce } from './dpop.errors';
import { dpopJtiReplays } from './dpop-jti-replays';
import { DpopNonces } from './dpop-nonces';
import { DPOP_PROOF_FUTURE_SECONDS, DPOP_PROOF_MAX_AGE_SECONDS } from './dpop.proof';

/** What a request's proof must match: its method and URI, and the token it presents (§4.3). */
export interface DpopRequest {
  /** `htm`: the HTTP method. */
  method: string;
  /** `htu`: the request's URI without query and fragment, as the issuer names it. */
  url: string;
  /** At a protected resource: the access token, whose hash `ath` must be. */
  accessToken?: string;
}

/**
 * A verified DPoP proof (the resource-server package's CheckedProof): `jkt`, the RFC 7638
 * thumbprint of its key (`cnf.jkt` of bound tokens), the `alg` it is signed with, the nonce to
 * hand the client with the answer if its own was stale, and what `recordJti` and `rememberKey`
 * need.
 */
export type DpopProof = CheckedProof;

/**
 * Checks DPoP proofs (RFC 9449 §4.3) by the resource-server package's checkDpopProof, the check
 * /api's proofs go through: `typ` dpop+jwt, an asymmetric `alg` of DPOP_SIGNING_ALGS, the key
 * rules, the signature by the public `jwk` of its header (ProofKeys: each key imported once, the
 * common ES256 proof of a remembered key checked by node:crypto), `htm`/`htu`, `iat` within the
 * window, `ath` (at a resource), and the server nonce. Its refusals become this service's
 * InvalidDpopProof and UseDpopNonce (a 400 at /token, a 401 challenge at a resource), with the
 * package's texts and reasons. `verify` costs no round trip; `recordJti` is the one insert that
 * makes the proof single-use fleet-wide, and must succeed before the request changes anything
 * (a replayed proof spends no code, rotates no refresh token); `rememberKey` once the request is
 * authorised.
 */
@Injectable()
export class DpopProofVerifier {
  private readonly policy: DpopPolicy;

  constructor(
    store: ChallengeStore,
    private readonly nonces: DpopNonces,
    keys: ProofKeys,
    private readonly clock: Clock,
    private readonly dpop: DpopConfig,
    private readonly events: DomainEvents,
  ) {
    this.policy = {
      algs: DPOP_SIGNING_ALGS,
      proofMaxAgeSeconds: DPOP_PROOF_MAX_AGE_SECONDS,
      // FAPI 2.0 §5.3.2.1-13: an `iat` (or `nbf`) up to the future window ahead is a client
      // clock a little fast.
      clockToleranceSeconds: DPOP_PROOF_FUTURE_SECONDS,
      replays: dpopJtiReplays(store),
      keys,
      nonces,
      requireNonce: dpop.requireNonce,
    };
  }

  async verify(header: string, request: DpopRequest): Promise<DpopProof> {
    try {
      return await checkDpopProof(
        {
          proof: header,
          method: request.method,
          url: request.url,
          accessToken: request.accessToken,
          // At a resource the caller compares its token's `cnf.jkt` with the answer's `jkt`, the
          // token being verified beside the proof; at /token and /par no key is bound yet.
          jkt: undefined,
          nowSeconds: this.clock.nowSeconds(),
        },
        this.policy,
      );
    } catch (error) {
      throw this.reported(error);
    }
  }

  /**
   * RFC 9449 §11.1: the proof's `jti` is recorded once, fleet-wide, for as long as the proof
   * could be accepted: a second use anywhere is refused. Keyed by the key's thumbprint too, so
   * nobody can spend another key's `jti` in advance.
   */
  async recordJti(proof: DpopProof): Promise<void> {
    try {
      await proof.recordOnce();
    } catch (error) {
      throw this.reported(error);
    }
  }

  /**
   * A client profile's narrower choice of algorithms (FAPI 2.0 §5.4.1-1 for `fapi2`: PS256,
   * ES256, EdDSA): a proof signed with another (RS256) is refused. `allowed` undefined: any of
   * DPOP_SIGNING_ALGS, which `verify` checked.
   */
  requireAlgorithm(proof: DpopProof, allowed: readonly string[] | undefined): void {
    if (allowed === undefined || allowed.includes(proof.alg)) return;
    throw this.reported(
      new InvalidDpopProof(
        `The DPoP proof must be signed with ${allowed.join(', ')} for this client, not ${proof.alg}`,
      ).because('profile_alg'),
    );
  }

  /**
   * The request `proof` came with is authorised (tokens issued to it, or its bound token
   * accepted): its key, if it was imported for this proof, is kept for the next proofs. Until
   * then nothing of a proof stays in memory, so signing valid proofs with fresh keys, which
   * anyone can, neither fills nor churns the cache.
   */
  rememberKey(proof: DpopProof): void {
    proof.admitted();
  }

  /**
   * A refusal as this service's error (the package's in its class: InvalidDpopProof or, with the
   * nonce to retry with, UseDpopNonce), reported to the figures (closed vocabulary of `because`)
   * before it is thrown.
   */
  private reported(error: unknown): unknown {
    const refusal = error instanceof Refused ? dpopErrorOf(error) : error;
    if (refusal instanceof DpopError) {
      this.events.emit(new ChallengeRejected('dpop_jti', refusal.reason ?? refusal.error));
    }
    return refusal;
  }

  /** The nonce to offer with an answer when nonces are required (RFC 9449 §8.2). */
  currentNonce(): string | undefined {
    return this.dpop.requireNonce ? this.nonces.current() : undefined;
  }
}

/** The package's refusal of a proof (`invalid_dpop_proof` or `use_dpop_nonce`), as ours. */
function dpopErrorOf(refused: Refused): DpopError {
  const nonce = refused.headers['DPoP-Nonce'];
  const error =
    refused.error === 'use_dpop_nonce' && nonce !== undefined
      ? new UseDpopNonce(refused.description, nonce)
      : new InvalidDpopProof(refused.description);
  return error.because(refused.reason);
}
