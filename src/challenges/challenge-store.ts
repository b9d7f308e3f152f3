import {
  ChallengeBinding,
  ChallengeKind,
  ConsumeResult,
  IssueChallenge,
  StoredChallenge,
} from './challenge';

/**
 * The one place both login models keep their challenges, and their one replay mechanism.
 *
 * Redemption is one atomic operation whose filter checks the binding, that the challenge is
 * unspent, and `expiresAt > now`: at most one caller ever gets `ok: true`, and an expired
 * challenge is never redeemable, whether or not the TTL monitor has removed it yet. The same
 * operation deletes the challenge's payload and leaves a spent marker (no secret, no payload)
 * until the challenge's own expiry, when the TTL index deletes it: a replay is then recognised as
 * a replay, never mistaken for an unknown challenge, even when it races the redemption.
 */
export abstract class ChallengeStore {
  abstract issue<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>>;

  /**
   * Redeems the challenge for `key` if it is live, unspent and `expectedBinding` matches its
   * binding on every listed field. A mismatch leaves the challenge in place for its owner.
   */
  abstract consume<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
  ): Promise<ConsumeResult<P>>;

  /**
   * Counts one more attempt at proving the live challenge for `key` (e.g. a signature check that
   * costs an RPC call), atomically, if fewer than `maxAttempts` were counted: answers this
   * attempt's number (1 to `maxAttempts`), or null when the challenge is not live (unknown,
   * spent, expired) or its attempts are used up. Concurrent attempts never exceed the maximum.
   */
  abstract countAttempt(
    kind: ChallengeKind,
    key: string,
    maxAttempts: number,
  ): Promise<number | null>;

  /**
   * Spends the live challenge for `key` without redeeming it (its payload dropped, the spent
   * marker left): a challenge whose proofs failed too often is used up. A later redemption is
   * told it was used.
   */
  abstract spend(kind: ChallengeKind, key: string): Promise<void>;

  /** Read-only: the live (unspent, unexpired) challenge for `key`, if any. */
  abstract peek<P>(kind: ChallengeKind, key: string): Promise<StoredChallenge<P> | null>;

  /** The challenges alive now (unexpired, unspent), newest first. */
  abstract listLive(kind?: ChallengeKind, limit?: number): Promise<StoredChallenge[]>;

  /** How many challenges of `kind` are alive now. */
  abstract countLive(kind: ChallengeKind): Promise<number>;
}
