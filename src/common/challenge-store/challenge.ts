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
  | { ok: true; challenge: StoredChallenge<P> }
  | { ok: false; reason: 'unknown' | 'expired' }
  | { ok: false; reason: 'binding_mismatch'; mismatched: string[] };
