/** The kinds of short-lived, single-use challenge the two login models keep. */
export const CHALLENGE_KINDS = ['authorization_code', 'wallet_nonce'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/**
 * What a consumer must present to redeem a challenge: e.g. client, redirect URI and PKCE challenge
 * for a code, or the wallet address for a nonce. Keys are plain identifiers; values are compared
 * exactly, so callers normalise them first (lower-case addresses, ...).
 */
export type ChallengeBinding = Readonly<Record<string, string>>;

export interface IssueChallenge<P> {
  kind: ChallengeKind;
  /** The secret or nonce the client will present; only its SHA-256 is stored. */
  key: string;
  binding: ChallengeBinding;
  payload: P;
  ttlSeconds: number;
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

export type ConsumeFailureReason = 'unknown' | 'expired' | 'binding_mismatch';

export type ConsumeResult<P> =
  /** `replayed`: another consumer presented it while this redemption was being completed. */
  | { ok: true; challenge: StoredChallenge<P>; replayed: boolean }
  /** `redeemed`: it was redeemed moments ago and is being released (a replay). */
  | { ok: false; reason: 'unknown'; redeemed?: true }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'binding_mismatch'; mismatched: string[] };

export interface ConsumeHooks<P> {
  /**
   * Runs after the challenge is claimed and before its document is deleted, so that whatever it
   * records (e.g. the grant a code started) exists before the challenge disappears: a replay
   * then always finds one or the other.
   */
  beforeRelease?: (challenge: StoredChallenge<P>) => Promise<void>;
}
