import {
  ChallengeBinding,
  ChallengeKind,
  ConsumeResult,
  RedeemResult,
  IssueChallenge,
  LiveMatch,
  OptionalBinding,
  PayloadFields,
  StoredChallenge,
} from './challenge';

/**
 * The one place every model keeps its challenges, and their one replay mechanism.
 *
 * Redemption is one atomic operation whose filter checks the binding, that the challenge is
 * unspent, and `expiresAt > now`: at most one caller ever gets `ok: true`, and an expired
 * challenge is never redeemable, whether or not the TTL monitor has removed it yet. The same
 * operation deletes the challenge's payload and leaves a spent marker (no secret, no payload)
 * until the challenge's own expiry, when the TTL index deletes it: a replay is then recognised as
 * a replay, never mistaken for an unknown challenge, even when it races the redemption. A
 * challenge issued with `rememberedFor` is kept that much longer, expired: a late redemption is
 * told `expired` whenever the TTL monitor runs.
 */
export abstract class ChallengeStore {
  abstract issue<P>(input: IssueChallenge<P>): Promise<StoredChallenge<P>>;

  /**
   * Redeems the challenge for `key` if it is live, unspent and `expectedBinding` matches its
   * binding on every listed field, and on every field of `optionalBinding` the challenge has. A
   * mismatch leaves the challenge in place for its owner.
   */
  abstract consume<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
    optionalBinding?: OptionalBinding,
  ): Promise<ConsumeResult<P>>;

  /**
   * What `consume` would answer now, changing nothing: the live challenge for `key` bound as
   * `expectedBinding` says, or why it could not be redeemed (`unknown`, `expired`, `replayed`,
   * `binding_mismatch`). For a caller whose proof is checked before anything is written, and
   * whose answer is then one compare-and-set elsewhere (a CIBA wallet approval): the challenge
   * is redeemed after that write, so no cut between the two leaves it spent and the answer
   * unwritten.
   */
  abstract inspect<P>(
    kind: ChallengeKind,
    key: string,
    expectedBinding: ChallengeBinding,
  ): Promise<ConsumeResult<P>>;

  /**
   * `consume` for a caller that read the challenge already (`peek`) and needs no payload back,
   * only whether it redeemed it: the same redemption (live, unspent, unexpired; the payload
   * dropped, the spent marker left), sent with the turn's others. However the answers race, on
   * one instance or several, at most one caller redeems a challenge. It checks no binding: what
   * the caller peeked is what it redeems.
   */
  abstract redeemPeeked(kind: ChallengeKind, key: string): Promise<RedeemResult>;

  /**
   * Counts one more attempt at proving the live challenge for `key` (e.g. a signature check that
   * costs an RPC call), atomically, if fewer than `maxAttempts` were counted: answers this
   * attempt's number (1 to `maxAttempts`), or null when the challenge is not live (unknown,
   * spent, expired) or its attempts are used up. Concurrent attempts never exceed the maximum.
   * With `binding`, only a challenge bound as it says counts (not one replaced meanwhile).
   */
  abstract countAttempt(
    kind: ChallengeKind,
    key: string,
    maxAttempts: number,
    binding?: ChallengeBinding,
  ): Promise<number | null>;

  /**
   * Spends the live challenge for `key` without redeeming it (its payload dropped, the spent
   * marker left): a challenge whose proofs failed too often is used up. A later redemption is
   * told it was used. With `binding`, only a challenge bound as it says is spent.
   */
  abstract spend(kind: ChallengeKind, key: string, binding?: ChallengeBinding): Promise<void>;

  /**
   * Records `key` as seen, once: one insert whose unique `_id` is the key's hash. Resolves true
   * for the first record of `key` while an earlier one is kept (until `ttlSeconds` from now, as
   * long as the TTL index takes), false for any later one: a replay, on whichever instance it
   * arrives. The record is born spent: nothing can redeem it, it only remembers the key.
   */
  abstract recordOnce(kind: ChallengeKind, key: string, ttlSeconds: number): Promise<boolean>;

  /**
   * Moves the live challenge whose key hashes to `keyHash` (`StoredChallenge.keyHash`) from one
   * state to the next in one atomic compare-and-set: when it is bound as `binding` says and its
   * payload holds `expected` on every listed field, `changes` are set on its payload. Answers the
   * challenge as it is afterwards, or null when it is not live or a field differed (a concurrent
   * update won). For a challenge the client polls while the user decides (RFC 8628's device
   * authorization): found by its hash where only the hash is known (from a second challenge).
   */
  abstract update<P>(
    kind: ChallengeKind,
    keyHash: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    changes: PayloadFields,
  ): Promise<StoredChallenge<P> | null>;

  /**
   * `update` of the live challenge for `key` whose condition also holds the payload's time `due`
   * to be no later than `at` (when a polled authorization's next poll is in time): one
   * compare-and-set. Null when it is not live, a field differed, or `due` is later than `at`.
   */
  abstract updateIfDue<P>(
    kind: ChallengeKind,
    key: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    due: { field: string; at: Date },
    changes: PayloadFields,
  ): Promise<StoredChallenge<P> | null>;

  /**
   * `update` for a caller that needs no answer (it records an outcome nothing waits on): the same
   * compare-and-set, sent with the other such writes of the turn (group commit). Resolves once it
   * is acknowledged, whether it matched or not.
   */
  abstract advance(
    kind: ChallengeKind,
    keyHash: string,
    binding: ChallengeBinding,
    expected: PayloadFields,
    changes: PayloadFields,
  ): Promise<void>;

  /** Read-only: the live (unspent, unexpired) challenge for `key`, if any. */
  abstract peek<P>(kind: ChallengeKind, key: string): Promise<StoredChallenge<P> | null>;

  /**
   * The live challenges of `kind` bound to `account` (their binding's `account` field) whose
   * payload holds `payload`'s values, newest first: what a person has to answer (a CIBA request
   * on /account/approvals). Indexed by that field; a challenge bound to no account is never
   * listed. The payload is matched before the limit, so answered ones never crowd it out.
   */
  abstract listLiveOfAccount<P>(
    kind: ChallengeKind,
    account: string,
    limit: number,
    payload?: PayloadFields,
  ): Promise<StoredChallenge<P>[]>;

  /**
   * The live challenge whose key hashes to `keyHash`, if it is bound to `account` and its payload
   * holds `payload`'s values: one request a person answers, however many others are live.
   */
  abstract findLiveOfAccount<P>(
    kind: ChallengeKind,
    keyHash: string,
    account: string,
    payload: PayloadFields,
  ): Promise<StoredChallenge<P> | null>;

  /**
   * The challenges alive now (unexpired, unspent), newest first; with `match`, only those bound
   * and holding as it says. Read from the primary: a challenge whose issue was acknowledged
   * before the read is listed.
   */
  abstract listLive<P = unknown>(
    kind?: ChallengeKind,
    limit?: number,
    match?: LiveMatch,
  ): Promise<StoredChallenge<P>[]>;

  /**
   * How many challenges of `kind` are alive now; with `match`, only those bound and holding as it
   * says (e.g. a person's pending requests beyond the ones listed). Read as `listLive`.
   */
  abstract countLive(kind: ChallengeKind, match?: LiveMatch): Promise<number>;
}
