import type { ChallengeBinding, StoredChallenge } from '../../challenges/challenge';
import type { ChallengeStore } from '../../challenges/challenge-store';
import { redact } from '../../platform/crypto/hashing';
import { DomainEvents, SecurityEventDetected } from '../../platform/events/domain-events';
import { InvalidNonce, NonceAlreadyUsed } from './wallet.errors';
import {
  type ProofExpectation,
  type WalletAudience,
  intentBinding,
} from '../audience/wallet-audience';
import type { WalletNonceKind } from './wallet-nonce';

export type { WalletNonceKind };

/**
 * The one atomic redemption of a wallet nonce (at most one login per nonce, however many race),
 * or the refusal that says why not. The filter requires the nonce's address and chain, the
 * audience and purpose the redeeming endpoint serves, and the exact message issued: a signature
 * collected for one dApp, one browser or one purpose redeems nothing anywhere else, and stays
 * redeemable where it belongs. `address` is only named in the security event of a replay.
 */
export async function redeemWalletNonce(
  challenges: ChallengeStore,
  events: DomainEvents,
  redemption: {
    kind: WalletNonceKind;
    nonce: string;
    binding: ChallengeBinding;
    expected: ProofExpectation;
    message: string;
    address: string;
  },
): Promise<StoredChallenge> {
  const { kind, nonce, expected, address } = redemption;
  const result = await challenges.consume(kind, nonce, {
    ...redemption.binding,
    ...intentBinding(expected, redemption.message),
  });
  if (result.ok) return result.challenge;
  switch (result.reason) {
    case 'expired':
      throw new InvalidNonce('The nonce has expired; request a new one').because('expired_nonce');
    case 'unknown':
      throw new InvalidNonce('The nonce was not issued by this service').because('unknown_nonce');
    case 'binding_mismatch':
      throw bindingRefusal(result.mismatched, expected);
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

/** What the redeeming endpoint serves, as its refusal names it. */
const SERVED: Readonly<Record<WalletAudience['kind'], string>> = {
  client: 'this client',
  page: 'this browser’s login page',
  account: 'this account',
};

/**
 * Why a live nonce did not match, most telling first: what the signature was for (purpose,
 * audience), whose it is (address, chain), then the message itself.
 */
function bindingRefusal(mismatched: readonly string[], expected: ProofExpectation): InvalidNonce {
  if (mismatched.includes('purpose')) {
    return new InvalidNonce(
      expected.purpose === 'login'
        ? 'The message was issued to link a wallet to an account, not to sign in'
        : 'The message was issued to sign in, not to link a wallet to an account',
    ).because('purpose_mismatch');
  }
  if (mismatched.includes('audience')) {
    return new InvalidNonce(
      `The nonce was issued for another audience, not for ${SERVED[expected.audience.kind]}`,
    ).because('audience_mismatch');
  }
  if (mismatched.includes('address')) {
    return new InvalidNonce('The nonce is bound to another address').because('binding_mismatch');
  }
  if (mismatched.includes('chain_id')) {
    return new InvalidNonce('The nonce was issued for another chain').because('chain_mismatch');
  }
  return new InvalidNonce(
    'The signed message differs from the one issued with its nonce; sign the message exactly as issued',
  ).because('message_mismatch');
}
