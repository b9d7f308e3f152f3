import type { DomainEvent } from '../platform/events/domain-events';
import type { ChallengeKind } from './challenge';

export class ChallengeIssued implements DomainEvent {
  static readonly type = 'challenge.issued';
  readonly type = ChallengeIssued.type;
  constructor(
    readonly kind: ChallengeKind,
    readonly createdAt: Date,
    readonly expiresAt: Date,
  ) {}
}

export class ChallengeRedeemed implements DomainEvent {
  static readonly type = 'challenge.redeemed';
  readonly type = ChallengeRedeemed.type;
  constructor(
    readonly kind: ChallengeKind,
    readonly createdAt: Date,
    readonly expiresAt: Date,
    readonly redeemedAt: Date,
  ) {}
}

/**
 * A challenge used up without being redeemed (`ChallengeStore.spend`: its proofs failed too
 * often): it ends here, unredeemed, as if it had expired now.
 */
export class ChallengeSpent implements DomainEvent {
  static readonly type = 'challenge.spent';
  readonly type = ChallengeSpent.type;
  constructor(
    readonly kind: ChallengeKind,
    readonly expiresAt: Date,
    readonly spentAt: Date,
  ) {}
}

/**
 * A challenge, or a request for one, refused. `reason` is a closed snake_case vocabulary of the
 * emitting protocol (`wrong_verifier`, `replay`, `expired_nonce`, ...), never client input.
 */
export class ChallengeRejected implements DomainEvent {
  static readonly type = 'challenge.rejected';
  readonly type = ChallengeRejected.type;
  constructor(
    readonly kind: ChallengeKind,
    readonly reason: string,
    /**
     * Whose proof failed, as a bounded metric label: an operator-configured client id, or a
     * class of clients (`registered`); absent where no client is known.
     */
    readonly client?: string,
  ) {}
}
