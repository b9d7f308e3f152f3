import {
  ChallengeBinding,
  ChallengeKind,
  ConsumeHooks,
  ConsumeResult,
  IssueChallenge,
  StoredChallenge,
} from './challenge';

/**
 * The one place both login models keep their challenges. Implementations must redeem with one
 * atomic operation whose filter checks the binding and `expiresAt > now`: at most one caller
 * ever gets `ok: true` for a challenge, and an expired one is never redeemable, whether or not
 * the TTL monitor has removed it yet. A redeemed challenge is deleted (delete-on-use).
 */
export abstract class ChallengeStore {
  abstract issue<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>>;

  /**
   * Redeems the challenge for `key` if it is live and `expectedBinding` matches its binding on
   * every listed field. A mismatch leaves the challenge in place for its rightful owner.
   */
  abstract consume<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
    hooks?: ConsumeHooks<P>,
  ): Promise<ConsumeResult<P>>;

  /** The challenges alive now (unexpired, unredeemed), newest first. */
  abstract listLive(kind?: ChallengeKind, limit?: number): Promise<StoredChallenge[]>;
}
