import { Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import {
  EmbeddedJWK,
  calculateJwkThumbprint,
  type CompactJWSHeaderParameters,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWK,
  type JWTPayload,
} from 'jose';
import {
  es256SignatureVerifies,
  jsonObjectOf,
  thumbprintInput,
} from '@proofgate/resource-server/proof-keys';
import { LruCache } from '../../platform/cache/lru-cache';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { checkProofKey } from './check-proof-key';

/**
 * How many proof keys are remembered, imported and with their thumbprints. Anyone can present a
 * key (only one that has signed a valid proof is kept): bounded, see docs/SECURITY.md.
 */
export const DPOP_PROOF_KEYS_REMEMBERED = 1000;

interface KnownKey {
  readonly key: CryptoKey;
  /** The same key for node:crypto's one-shot verify (ES256 keys only: see `verifyKnown`). */
  readonly keyObject?: KeyObject;
  /** RFC 7638 SHA-256 thumbprint. */
  readonly jkt: string;
}

/**
 * A key imported for a verified proof and not remembered yet: handed back to `remember` once the
 * request the proof came with is authorised. Opaque to callers.
 */
export interface ImportedProofKey {
  readonly cacheKey: string;
  readonly known: KnownKey;
}

/** A proof `verifyKnown` accepted: its claims, and its key's thumbprint. */
export interface KnownKeyProof {
  readonly payload: JWTPayload;
  readonly jkt: string;
}

/** RFC 7518 §3.4: an ES256 signature is R ‖ S, 64 bytes: 86 base64url characters. */
const ES256_SIGNATURE_CHARS = 86;

/** jwtVerify's key resolver, as jose calls it with the proof's protected header. */
export type ProofKeyResolver = (
  header: CompactJWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

/**
 * The public keys of DPoP proofs (RFC 9449 §4.2 `jwk`), imported once per key rather than once
 * per proof: a client signs every proof with the same key, and importing it (WebCrypto JWK import
 * and the curve point check) costs more than the signature check itself. Keyed by the algorithm
 * and the key's RFC 7638 thumbprint input, and only for a `jwk` made of exactly those members
 * (what clients send): any other (a private member, `key_ops`, `use`, `alg`...) goes through
 * jose's EmbeddedJWK each time, unchanged, with all its checks. A key is remembered only when
 * told (`remember`) that the request a proof of it came with was authorised (a code redeemed, a
 * refresh token rotated, a bound access token accepted): anyone can sign a valid proof with a
 * fresh key, so a verified signature alone must not be able to fill or churn the cache.
 */
@Injectable()
export class DpopProofKeys {
  private readonly known = new LruCache<string, KnownKey>(DPOP_PROOF_KEYS_REMEMBERED);

  /**
   * Runs `verify` (jose's jwtVerify) with a resolver for the proof's embedded key, and answers
   * its result with the key's thumbprint (the `jkt` of RFC 9449 §6), and the key imported for
   * it when it was not remembered: `remember` it once the request is authorised. A key that
   * breaks the rules of `checkProofKey` is refused before it is imported or used.
   */
  async verified<T>(
    verify: (resolve: ProofKeyResolver) => Promise<T>,
  ): Promise<{ verified: T; jkt: string; imported?: ImportedProofKey }> {
    let used: { jwk: unknown; cacheKey?: string; known?: KnownKey; fresh?: boolean } | undefined;
    const verified = await verify(async (header, token) => {
      const input = thumbprintInput(header.jwk);
      if (input === undefined) {
        checkProofKey(header.jwk);
        const key = await EmbeddedJWK(header, token);
        used = { jwk: header.jwk };
        return key;
      }
      const cacheKey = `${header.alg}\n${input}`;
      const known = this.known.get(cacheKey);
      if (known) {
        used = { jwk: header.jwk, cacheKey, known };
        return known.key;
      }
      // A remembered key met the key rules when it was imported (its members are the cache key).
      checkProofKey(header.jwk);
      // Imported (and checked) as jose always does; remembered only once the request is authorised.
      const key = await EmbeddedJWK(header, token);
      const keyObject = header.alg === 'ES256' ? KeyObject.from(key) : undefined;
      used = {
        jwk: header.jwk,
        cacheKey,
        known: { key, jkt: sha256Base64Url(input), ...(keyObject ? { keyObject } : {}) },
        fresh: true,
      };
      return key;
    });
    if (!used) throw new Error('jwtVerify returned without resolving the proof key');
    if (!used.known) {
      return { verified, jkt: await calculateJwkThumbprint(used.jwk as JWK, 'sha256') };
    }
    const imported =
      used.fresh && used.cacheKey !== undefined
        ? { cacheKey: used.cacheKey, known: used.known }
        : undefined;
    return { verified, jkt: used.known.jkt, ...(imported ? { imported } : {}) };
  }

  /** Keeps a key imported by `verified`: the request its proof came with was authorised. */
  remember(imported: ImportedProofKey): void {
    this.known.set(imported.cacheKey, imported.known);
  }

  /**
   * The quick path for the common proof: ES256, signed by a remembered key, with a header of
   * exactly `typ` dpop+jwt, `alg` and `jwk`, and claims with a numeric `iat`, `jti`, `htm` and
   * `htu` and neither `exp` nor `nbf`. Its signature is checked with node:crypto's one-shot
   * verify (the same OpenSSL ECDSA check as WebCrypto's, without the thread-pool round trip
   * and jose's general machinery: about half the CPU per proof, measured). Answers undefined
   * for anything else, a bad signature included: the caller then runs jose's jwtVerify, which
   * decides and says why, so the quick path only ever accepts what jose accepts.
   */
  verifyKnown(proof: string): KnownKeyProof | undefined {
    const [encodedHeader, encodedPayload, encodedSignature] = proof.split('.');
    if (
      encodedSignature?.length !== ES256_SIGNATURE_CHARS ||
      encodedHeader.length % 4 === 1 ||
      encodedPayload.length % 4 === 1
    ) {
      return undefined;
    }
    const header = jsonObjectOf(encodedHeader);
    if (
      header === undefined ||
      Object.keys(header).length !== 3 ||
      header.typ !== 'dpop+jwt' ||
      header.alg !== 'ES256' ||
      !Object.hasOwn(header, 'jwk')
    ) {
      return undefined;
    }
    const input = thumbprintInput(header.jwk);
    const known = input === undefined ? undefined : this.known.get(`ES256\n${input}`);
    if (!known?.keyObject) return undefined;
    const valid = es256SignatureVerifies(
      known.keyObject,
      Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'),
      Buffer.from(encodedSignature, 'base64url'),
    );
    if (!valid) return undefined;
    const payload = jsonObjectOf(encodedPayload);
    if (
      payload === undefined ||
      typeof payload.iat !== 'number' ||
      !['jti', 'htm', 'htu'].every((claim) => Object.hasOwn(payload, claim)) ||
      Object.hasOwn(payload, 'exp') ||
      Object.hasOwn(payload, 'nbf')
    ) {
      return undefined;
    }
    return { payload, jkt: known.jkt };
  }
}

/** The quick path's signature check is the resource-server package's (its Wycheproof spec here). */
export { es256SignatureVerifies };
