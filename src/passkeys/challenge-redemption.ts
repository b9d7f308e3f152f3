import type { ChallengeBinding, ChallengeKind, ConsumeResult } from '../challenges/challenge';
import { ChallengeStore } from '../challenges/challenge-store';
import { DomainEvents, SecurityEventDetected } from '../platform/events/domain-events';
import { redact } from '../platform/crypto/hashing';
import type { ProtocolError } from '../platform/errors/protocol-error';
import { ChallengeAlreadyUsed, InvalidChallenge } from './passkey.errors';

/**
 * The one atomic redemption of a ceremony's challenge, done inside @simplewebauthn/server's
 * `expectedChallenge` callback (it hands over the challenge clientDataJSON carries): the store
 * answers true for exactly one caller. The outcome is kept, so that a refusal is told as what it
 * was (a replay, an unknown or expired challenge, one of the other ceremony) rather than as the
 * library's generic "verifier returned false".
 */
export class ChallengeRedemption {
  private result?: ConsumeResult<unknown>;

  constructor(
    private readonly store: ChallengeStore,
    private readonly events: DomainEvents,
    private readonly kind: ChallengeKind,
    private readonly binding: ChallengeBinding = {},
    /** What a challenge issued under another binding is told. */
    private readonly bindingMismatch = 'The challenge was issued to another account',
  ) {}

  /** The `expectedChallenge` callback. */
  readonly redeem = async (challenge: string): Promise<boolean> => {
    this.result = await this.store.consume(this.kind, challenge, this.binding);
    if (this.result.ok === false && this.result.reason === 'replayed') {
      await this.events.emitAndWait(
        new SecurityEventDetected('webauthn_challenge_replay', {
          ceremony: this.kind,
          challenge: redact(challenge),
        }),
      );
    }
    return this.result.ok;
  };

  /** The key hash of the redeemed challenge: the grant a sign-in opens is derived from it. */
  get keyHash(): string {
    if (!this.result?.ok) throw new Error('no challenge redeemed');
    return this.result.challenge.keyHash;
  }

  /** Why the redemption was refused; undefined when it succeeded or never ran. */
  refusal(): ProtocolError | undefined {
    const result = this.result;
    if (!result || result.ok) return undefined;
    switch (result.reason) {
      case 'replayed':
        return new ChallengeAlreadyUsed(
          'The challenge has already been used; start the ceremony again',
        ).because('replay');
      case 'expired':
        return new InvalidChallenge('The challenge has expired; start the ceremony again').because(
          'expired_challenge',
        );
      case 'binding_mismatch':
        return new InvalidChallenge(this.bindingMismatch).because('binding_mismatch');
      case 'unknown':
        return new InvalidChallenge(
          'The challenge was not issued by this service for this ceremony',
        ).because('unknown_challenge');
    }
  }
}
