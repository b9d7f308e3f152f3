import type { ChallengeKind } from '../proofs/proof-vocabulary';

// The kinds are the proofs' vocabulary (each proof's descriptor claims its own); the store keeps
// them under these names.
export { CHALLENGE_KINDS, type ChallengeKind } from '../proofs/proof-vocabulary';

/**
 * What a consumer must present to redeem a challenge: e.g. client, redirect URI and PKCE challenge
 * for a code, or the wallet address and chain for a nonce. Keys are plain identifiers; values are
 * compared exactly, so callers normalise them first (lower-case addresses, ...).
 */
export type ChallengeBinding = Readonly<Record<string, string>>;

/**
 * Binding fields a challenge may or may not carry: when it carries one, the consumer must present
 * the same value (`null`: a consumer with nothing to present redeems only challenges without it).
 * E.g. a code bound to a DPoP key by `dpop_jkt` (RFC 9449 §10), which an unbound code lacks.
 */
export type OptionalBinding = Readonly<Record<string, string | null>>;

/**
 * Payload fields compared or set by `ChallengeStore.update`: top-level fields of the payload,
 * plain values only (a state, a count, a time, a list of strings).
 */
export type PayloadFields = Readonly<
  Record<string, string | number | boolean | Date | null | readonly string[]>
>;

/**
 * What a listing or a count of live challenges matches besides their kind: every field of
 * `binding` bound exactly so, and every field of `payload` holding that value.
 */
export interface LiveMatch {
  readonly binding?: ChallengeBinding;
  readonly payload?: PayloadFields;
}

export interface IssueChallenge<P> {
  kind: ChallengeKind;
  /** The secret or nonce the client will present; only its SHA-256 is stored. */
  key: string;
  binding: ChallengeBinding;
  payload: P;
  ttlSeconds: number;
  /**
   * When the challenge is issued, for an issuer that writes the time into what it binds (a wallet
   * nonce's message carries its Issued At and is bound by its hash); the store's clock otherwise.
   */
  issuedAt?: Date;
  /**
   * Takes the place of whatever the store keeps under this key (live, spent or expired), its
   * attempts counted afresh: for a challenge keyed by who asks for it (one per browser, an email
   * code), not by a random secret, where a new request supersedes the one before.
   */
  replaces?: boolean;
  /**
   * Seconds the store keeps the challenge after it expires, never live again, so that a late
   * redemption is told `expired`, not `unknown`, however soon the TTL monitor runs: for a key a
   * client polls until it expires (RFC 8628 §3.5's `expired_token`). None when absent.
   */
  rememberedFor?: number;
}

export interface StoredChallenge<P = unknown> {
  kind: ChallengeKind;
  /** BASE64URL(SHA-256(key)). */
  keyHash: string;
  binding: ChallengeBinding;
  payload: P;
  createdAt: Date;
  expiresAt: Date;
}

/** What `ChallengeStore.redeemPeeked` came to: redeemed, or why not (as `ConsumeResult`). */
export type RedeemResult =
  | { ok: true }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'replayed' };

export type ConsumeResult<P> =
  | { ok: true; challenge: StoredChallenge<P> }
  /** Never issued (or long gone). */
  | { ok: false; reason: 'unknown' }
  /** Past its expiry, and still kept (until the TTL monitor's next pass, or remembered). */
  | { ok: false; reason: 'expired' }
  /**
   * Already redeemed: a replay. `sameBinding` says whether the replay presented everything the
   * redemption did (for a code: the same client, redirect URI and a correct verifier).
   */
  | {
      ok: false;
      reason: 'replayed';
      keyHash: string;
      binding: ChallengeBinding;
      sameBinding: boolean;
    }
  /** Live, but bound to something else; it stays redeemable by its rightful owner. */
  | { ok: false; reason: 'binding_mismatch'; mismatched: string[] };
