import { KeyObject, createHash, verify } from 'node:crypto';
import {
  EmbeddedJWK,
  calculateJwkThumbprint,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import { publicKeyProblem } from './public-key-rules';
import { invalidDpopProof } from './refusal';

/** RFC 7638 §3.2: each key type's required members, in the lexicographic order of the input. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};
/** RFC 7518 §3.4: an ES256 signature is R ‖ S, 64 bytes: 86 base64url characters. */
const ES256_SIGNATURE_CHARS = 86;
/** jose decodes headers and claims as strict UTF-8; so does the quick path. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

interface KnownKey {
  readonly key: CryptoKey;
  /** The same key for node:crypto's one-shot verify (ES256 keys only: see `verifyKnown`). */
  readonly keyObject?: KeyObject;
  /** RFC 7638 SHA-256 thumbprint. */
  readonly jkt: string;
}

/** A key imported for a verified proof, not remembered yet: opaque to callers. */
export interface ImportedProofKey {
  readonly cacheKey: string;
  readonly known: KnownKey;
}

/** A proof whose JWS verified: its claims, `alg`, key thumbprint, and the key if it was new. */
export interface VerifiedProof {
  payload: JWTPayload;
  alg: string;
  jkt: string;
  imported?: ImportedProofKey;
}

/**
 * The public keys of DPoP proofs (RFC 9449 §4.2 `jwk`), imported once per key rather than once
 * per proof: a client signs every proof with one key, and importing it (WebCrypto's JWK import
 * and curve check) costs more than the signature check. Keyed by the `alg` and the key's RFC 7638
 * thumbprint input, and only for a `jwk` of exactly those members (what clients send): any other
 * goes through jose's EmbeddedJWK each time, with all its checks. Every key meets the key rules
 * (public-key-rules.ts) before it is imported. A key is remembered only when told (`remember`)
 * that the request its proof came with was admitted: anyone can sign a valid proof with a fresh
 * key, so a verified signature alone must neither fill nor churn the cache. Bounded: the least
 * recently used key goes first.
 */
export class ProofKeys {
  private readonly known = new Map<string, KnownKey>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError('The proof key cache needs a capacity of at least 1');
    }
  }

  /**
   * jose's jwtVerify of `proof` by its embedded key (remembered, or imported now), or the quick
   * path for the common proof of a remembered ES256 key (`verifyKnown`).
   */
  async verify(
    proof: string,
    options: JWTVerifyOptions & { algorithms: string[] },
  ): Promise<VerifiedProof> {
    const quick = options.algorithms.includes('ES256') ? this.verifyKnown(proof) : undefined;
    if (quick) return quick;
    let used: { jwk: unknown; known?: KnownKey; imported?: ImportedProofKey } | undefined;
    const { payload, protectedHeader } = await jwtVerify(
      proof,
      async (header, token) => {
        const input = thumbprintInput(header.jwk);
        const cacheKey = input === undefined ? undefined : `${header.alg}\n${input}`;
        const known = cacheKey === undefined ? undefined : this.get(cacheKey);
        if (known) {
          used = { jwk: header.jwk, known };
          return known.key;
        }
        // RFC 9449 §4.2 leaves the key's strength to the server: the rules first, before the
        // import (a huge RSA modulus costs CPU there, and jose's own size refusal is a TypeError).
        const problem = publicKeyProblem(header.jwk);
        if (problem !== undefined) {
          throw invalidDpopProof(`The DPoP proof key is refused: ${problem}`).because('weak_key');
        }
        const key = await EmbeddedJWK(header, token);
        if (cacheKey === undefined || input === undefined) {
          used = { jwk: header.jwk };
          return key;
        }
        const keyObject = header.alg === 'ES256' ? KeyObject.from(key) : undefined;
        const fresh = { key, jkt: sha256Thumbprint(input), ...(keyObject ? { keyObject } : {}) };
        used = { jwk: header.jwk, known: fresh, imported: { cacheKey, known: fresh } };
        return key;
      },
      options,
    );
    if (!used) throw new Error('jwtVerify returned without resolving the proof key');
    const jkt = used.known?.jkt ?? (await calculateJwkThumbprint(used.jwk as JWK, 'sha256'));
    return {
      payload,
      alg: protectedHeader.alg,
      jkt,
      ...(used.imported ? { imported: used.imported } : {}),
    };
  }

  /** Keeps a key `verify` imported: the request its proof came with was admitted. */
  remember(imported: ImportedProofKey): void {
    this.known.delete(imported.cacheKey);
    if (this.known.size >= this.capacity) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
    this.known.set(imported.cacheKey, imported.known);
  }

  /**
   * The quick path for the common proof: ES256, signed by a remembered key, with a header of
   * exactly `typ` dpop+jwt, `alg` and `jwk`, and claims with a numeric `iat`, `jti`, `htm` and
   * `htu` and neither `exp` nor `nbf`. Its signature is checked with node:crypto's one-shot
   * verify (the same OpenSSL ECDSA check as WebCrypto's, without the thread-pool round trip and
   * jose's general machinery). Undefined for anything else, a bad signature included: jose then
   * decides and says why, so the quick path only ever accepts what jose accepts.
   */
  verifyKnown(proof: string): VerifiedProof | undefined {
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
    const known = input === undefined ? undefined : this.get(`ES256\n${input}`);
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
    return { payload, alg: 'ES256', jkt: known.jkt };
  }

  /** A remembered key, moved to the back: a key in steady use outlives one-off ones. */
  private get(cacheKey: string): KnownKey | undefined {
    const known = this.known.get(cacheKey);
    if (known === undefined) return undefined;
    this.known.delete(cacheKey);
    this.known.set(cacheKey, known);
    return known;
  }
}

/**
 * The quick path's signature check (RFC 7518 §3.4): ES256, R ‖ S of 64 bytes, by node:crypto's
 * one-shot verify. False for anything else: the proof then goes to jose, which decides. The
 * service's Wycheproof spec drives it beside jose's own check, and holds it to accept only what
 * jose accepts.
 */
export function es256SignatureVerifies(
  key: KeyObject,
  signingInput: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * `es256SignatureVerifies` on libuv's thread pool (node:crypto's verify with a callback), as
 * WebCrypto's check runs: the event loop serves other requests meanwhile.
 */
export function es256SignatureVerifiesOffThread(
  key: KeyObject,
  signingInput: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(
        'sha256',
        signingInput,
        { key, dsaEncoding: 'ieee-p1363' },
        signature,
        (error, valid) => resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

/** The JSON object a base64url segment holds (as jose reads one), or undefined. */
export function jsonObjectOf(segment: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(STRICT_UTF8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * RFC 7638 §3: the JSON of the key's required members in lexicographic order, when `jwk` is an
 * object with exactly those members, all strings; undefined for anything else.
 */
export function thumbprintInput(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const record = jwk as Record<string, unknown>;
  const kty = record.kty;
  if (typeof kty !== 'string' || !Object.hasOwn(THUMBPRINT_MEMBERS, kty)) return undefined;
  const members = THUMBPRINT_MEMBERS[kty];
  if (Object.keys(record).length !== members.length) return undefined;
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = record[member];
    if (typeof value !== 'string') return undefined;
    canonical[member] = value;
  }
  return JSON.stringify(canonical);
}

/** RFC 7638 §3.1: the SHA-256 thumbprint of a key's canonical input, base64url. */
function sha256Thumbprint(input: string): string {
  return createHash('sha256').update(input).digest('base64url');
}
