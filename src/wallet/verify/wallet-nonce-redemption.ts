import { ChallengeRejected } from '../../challenges/challenge.events';
import type { ChallengeBinding, StoredChallenge } from '../../challenges/challenge';
import type { ChallengeStore } from '../../challenges/challenge-store';
import { redact } from '../../platform/crypto/hashing';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { DomainEvents, SecurityEventDetected } from '../../platform/events/domain-events';
import { InvalidNonce, NonceAlreadyUsed } from '../wallet.errors';
import { WalletVerificationCompleted } from './wallet.events';

/** The challenge kinds wallet logins redeem: SIWE (EIP-4361) and SIWS (CAIP-122 Solana) nonces. */
export type WalletNonceKind = 'wallet_nonce' | 'siws_nonce';

/**
 * The one atomic redemption of a wallet nonce (at most one login per nonce, however many race),
 * or the refusal that says why not. `address` is only named in the security event of a replay.
 */
export async function redeemWalletNonce(
  challenges: ChallengeStore,
  events: DomainEvents,
  kind: WalletNonceKind,
  nonce: string,
  binding: ChallengeBinding,
  address: string,
): Promise<StoredChallenge> {
  const result = await challenges.consume(kind, nonce, binding);
  if (result.ok) return result.challenge;
  switch (result.reason) {
    case 'expired':
      throw new InvalidNonce('The nonce has expired; request a new one').because('expired_nonce');
    case 'unknown':
      throw new InvalidNonce('The nonce was not issued by this service').because('unknown_nonce');
    case 'binding_mismatch':
      if (result.mismatched.includes('address')) {
        throw new InvalidNonce('The nonce is bound to another address').because('binding_mismatch');
      }
      throw new InvalidNonce('The nonce was issued for another chain').because('chain_mismatch');
    case 'replayed':
      await events.emitAndWait(
        new SecurityEventDetected('wallet_nonce_replay', {
          address,
          nonce: redact(nonce),
        }),
      );
      throw new NonceAlreadyUsed('The nonce has already been used; request a new one').because(
        'replay',
      );
  }
}

/** Runs a wallet verification and tells the rest of the service how it ended. */
export async function reportWalletVerification<T>(
  events: DomainEvents,
  kind: WalletNonceKind,
  attempt: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const done = (outcome: string) =>
    events.emit(
      new WalletVerificationCompleted(outcome, (performance.now() - started) / 1000, kind),
    );
  try {
    const result = await attempt();
    done('success');
    return result;
  } catch (error) {
    const known = error instanceof ProtocolError && error.status < 500;
    done(known ? error.error : 'server_error');
    if (known) events.emit(new ChallengeRejected(kind, error.reason ?? error.error));
    throw error;
  }
}
