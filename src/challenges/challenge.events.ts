import { domainEvent } from '../platform/events/domain-events';
import type { ChallengeKind } from './challenge';

export class ChallengeIssued extends domainEvent('challenge.issued') {
  constructor(
    readonly kind: ChallengeKind,
    readonly createdAt: Date,
    readonly expiresAt: Date,
  ) {
    super();
  }
}

export class ChallengeRedeemed extends domainEvent('challenge.redeemed') {
  constructor(
    readonly kind: ChallengeKind,
    readonly createdAt: Date,
    readonly expiresAt: Date,
    readonly redeemedAt: Date,
  ) {
    super();
  }
}

/**
 * A challenge used up without being redeemed (`ChallengeStore.spend`: its proofs failed too
 * often): it ends here, unredeemed, as if it had expired now.
 */
export class ChallengeSpent extends domainEvent('challenge.spent') {
  constructor(
    readonly kind: ChallengeKind,
    readonly expiresAt: Date,
    readonly spentAt: Date,
  ) {
    super();
  }
}

/**
 * A challenge, or a request for one, refused. `reason` is a closed snake_case vocabulary of the
 * emitting protocol (`wrong_verifier`, `replay`, `expired_nonce`, ...), never client input.
 */
export class ChallengeRejected extends domainEvent('challenge.rejected') {
  constructor(
    readonly kind: ChallengeKind,
    readonly reason: string,
    /**
     * Whose proof failed, as a bounded metric label: an operator-configured client id, or a
     * class of clients (`registered`); absent where no client is known.
     */
    readonly client?: string,
  ) {
    super();
  }
}
