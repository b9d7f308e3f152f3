import { Injectable } from '@nestjs/common';
import {
  ProofKeys,
  Refused,
  type ImportedProofKey,
  type VerifiedProof,
} from '@proofgate/resource-server';
import { errors } from 'jose';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ChallengeStore } from '../../challenges/challenge-store';
import { DomainEvents } from '../../platform/events/domain-events';
import { DpopConfig } from '../../config/sections/dpop.config';
import { Clock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { DPOP_SIGNING_ALGS } from './dpop-algorithms';
import { DpopError, InvalidDpopProof, UseDpopNonce } from './dpop.errors';
import { DpopNonces } from './dpop-nonces';
import { DPOP_PROOF_FUTURE_SECONDS, DPOP_PROOF_MAX_AGE_SECONDS } from './dpop.proof';

/** A proof is a few hundred bytes (an RSA-4096 key and signature: under 2 KiB). */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What a request's proof must match: its method and URI, and the token it presents (§4.3). */
export interface DpopRequest {
  /** `htm`: the HTTP method. */
  method: string;
  /** `htu`: the request's URI without query and fragment, as the issuer names it. */
  url: string;
  /** At a protected resource: the access token, whose hash `ath` must be. */
  accessToken?: string;
}

/** A verified DPoP proof: the key it proves possession of, and what its replay check needs. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key: `cnf.jkt` of bound tokens. */
  jkt: string;
  jti: string;
  /** The JWS `alg` it is signed with (one of DPOP_SIGNING_ALGS). */
  alg: string;
  /** A nonce to hand the client with the answer: its own was stale, or it sent none. */
  nextNonce?: string;
  /** The proof's key, imported for it: kept by `rememberKey` once the request is authorised. */
  imported?: ImportedProofKey;
}

/**
 * Checks DPoP proofs (RFC 9449 §4.3): `typ` dpop+jwt, an asymmetric `alg` of DPOP_SIGNING_ALGS,
 * the signature by the public `jwk` of its header (jose refuses a private key there),
 * `htm`/`htu`, `iat` within the window, `ath`, and the server nonce. The JWS is checked by the
 * resource-server package's ProofKeys, the proof-key cache /api's proofs go through too: jose's
 * jwtVerify with each key imported once, except the common ES256 proof of a key already
 * remembered, which node:crypto checks, handing back to jose whenever anything about it is
 * unusual. `verify` costs no round trip; `recordJti` is the one insert that makes the proof
 * single-use fleet-wide, and must succeed before the request changes anything (a replayed proof
 * spends no code, rotates no refresh token); `rememberKey` once the request is authorised.
 */
@Injectable()
export class DpopProofVerifier {
  constructor(
    private readonly store: ChallengeStore,
    private readonly nonces: DpopNonces,
    private readonly clock: Clock,
    private readonly dpop: DpopConfig,
    private readonly events: DomainEvents,
    private readonly keys: ProofKeys,
  ) {}

  async verify(header: string, request: DpopRequest): Promise<DpopProof> {
    try {
      return await this.check(header, request);
    } catch (error) {
      throw this.reported(error);
    }
  }

  private async check(header: string, request: DpopRequest): Promise<DpopProof> {
    // Node joins repeated headers with ", ": a value that is not one compact JWS is refused.
    if (header.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(header)) {
      throw new InvalidDpopProof('The DPoP header must hold exactly one proof JWT').because(
        'malformed',
      );
    }
    const { payload, jkt, alg, imported } = await this.verifiedSignature(header);
    const { jti, htm, htu, iat, ath, nonce } = payload;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
      throw new InvalidDpopProof('The DPoP proof needs a jti of 1-256 characters').because(
        'malformed',
      );
    }
    if (htm !== request.method) {
      throw new InvalidDpopProof('The DPoP proof is for another HTTP method (htm)').because(
        'htm_mismatch',
      );
    }
    if (typeof htu !== 'string' || !sameResource(htu, request.url)) {
      throw new InvalidDpopProof('The DPoP proof is for another URI (htu)').because('htu_mismatch');
    }
    this.checkIssuedAt(iat);
    if (request.accessToken !== undefined && ath !== sha256Base64Url(request.accessToken)) {
      throw new InvalidDpopProof(
        'The DPoP proof does not carry the hash of this access token (ath)',
      ).because('ath_mismatch');
    }
    const nextNonce = this.checkNonce(nonce);
    return {
      jkt,
      jti,
      alg,
      ...(nextNonce === undefined ? {} : { nextNonce }),
      ...(imported === undefined ? {} : { imported }),
    };
  }

  /**
   * The proof's signature by the key in its own header (ProofKeys: the key rules, then the quick
   * path or jose's jwtVerify), with jose's claim checks; every refusal an `invalid_dpop_proof`.
   */
  private async verifiedSignature(header: string): Promise<VerifiedProof> {
    try {
      return await this.keys.verify(header, {
        typ: 'dpop+jwt',
        algorithms: [...DPOP_SIGNING_ALGS],
        requiredClaims: ['iat', 'jti', 'htm', 'htu'],
        currentDate: this.clock.now(),
        // FAPI 2.0 §5.3.2.1-13: an `nbf` (RFC 9449 defines none, a client may send one) up to
        // the future window ahead is a client clock a little fast, as for `iat`.
        clockTolerance: DPOP_PROOF_FUTURE_SECONDS,
      });
    } catch (error) {
      // The package's refusal of a key the key rules refuse (`weak_key`), in this service's class.
      if (error instanceof Refused) {
        throw new InvalidDpopProof(error.description).because(error.reason);
      }
      if (!(error instanceof errors.JOSEError)) throw error;
      throw new InvalidDpopProof(`The DPoP proof is invalid (${joseReason(error)})`).because(
        'invalid_signature',
      );
    }
  }

  /**
   * RFC 9449 §11.1: the proof's `jti` is recorded once, fleet-wide, for as long as the proof
   * could be accepted: a second use anywhere is refused. Keyed by the key's thumbprint too, so
   * nobody can spend another key's `jti` in advance.
   */
  async recordJti(proof: DpopProof): Promise<void> {
    const fresh = await this.store.recordOnce(
      'dpop_jti',
      `dpop:${proof.jkt}:${proof.jti}`,
      DPOP_PROOF_MAX_AGE_SECONDS + DPOP_PROOF_FUTURE_SECONDS,
    );
    if (!fresh) {
      throw this.reported(
        new InvalidDpopProof('The DPoP proof was already used (jti replay)').because('replay'),
      );
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
    if (proof.imported) this.keys.remember(proof.imported);
  }

  private checkIssuedAt(iat: unknown): void {
    const now = this.clock.nowSeconds();
    if (
      typeof iat !== 'number' ||
      iat < now - DPOP_PROOF_MAX_AGE_SECONDS ||
      iat > now + DPOP_PROOF_FUTURE_SECONDS
    ) {
      throw new InvalidDpopProof(
        `The DPoP proof iat must be at most ${DPOP_PROOF_MAX_AGE_SECONDS} seconds before and ${DPOP_PROOF_FUTURE_SECONDS} seconds after the server's time`,
      ).because('stale_iat');
    }
  }

  /** RFC 9449 §8: the nonce the proof must carry when required, and is checked whenever sent. */
  private checkNonce(nonce: unknown): string | undefined {
    if (nonce === undefined) {
      if (!this.dpop.requireNonce) return undefined;
      throw new UseDpopNonce(
        'A DPoP nonce is required: retry with the one in DPoP-Nonce',
        this.nonces.current(),
      ).because('nonce_missing');
    }
    const verdict = this.nonces.check(nonce);
    if (verdict === 'invalid') {
      throw new UseDpopNonce(
        'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
        this.nonces.current(),
      ).because('nonce_stale');
    }
    return verdict === 'previous' ? this.nonces.current() : undefined;
  }

  /** A refusal, reported to the figures (closed vocabulary of `because`) before it is thrown. */
  private reported(error: unknown): unknown {
    if (error instanceof DpopError) {
      this.events.emit(new ChallengeRejected('dpop_jti', error.reason ?? error.error));
    }
    return error;
  }

  /** The nonce to offer with an answer when nonces are required (RFC 9449 §8.2). */
  currentNonce(): string | undefined {
    return this.dpop.requireNonce ? this.nonces.current() : undefined;
  }
}

/** RFC 9449 §4.3 (9): `htu` names the request's URI, query and fragment aside, normalised. */
function sameResource(htu: string, expected: string): boolean {
  let url: URL;
  try {
    url = new URL(htu);
  } catch {
    return false;
  }
  url.search = '';
  url.hash = '';
  return url.href === expected;
}

/** What jose found wrong, in words that quote nothing of the proof. */
function joseReason(error: errors.JOSEError): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim}`;
  if (error instanceof errors.JWTExpired) return 'expired';
  return 'header, key or encoding';
}
