import { InvalidRequest } from '../platform/errors/protocol-error';
import { methodTypeOf, originalMethodKey } from './account';

/**
 * Why `methodKey` may not be removed from the account of `sub` (by its owner or an operator), or
 * undefined (the last method is refused apart, by the removal's one conditional update).
 * The wallet an account was created by is its subject (`sub` is that wallet's CAIP-10 id, which
 * its login always gives: subjects never change): removing its listing would only hide a method
 * that still signs in, and free it to be linked to another account while it still signs in to
 * this one. The same holds for the provider account an upstream sign-in created an account for. A password can go (MethodRemoval removes its record in `users` with the listing).
 */
export function whyNotRemovable(sub: string, methodKey: string): string | undefined {
  if (methodKey !== originalMethodKey(sub)) return undefined;
  switch (methodTypeOf(methodKey)) {
    case 'wallet':
      return 'This wallet is the account’s own subject and always signs in to it; it is not removed';
    // An account a provider's sign-in created has that provider account as its subject.
    case 'upstream':
      return 'This provider account is the account’s own subject and always signs in to it; it is not removed';
    default:
      return undefined;
  }
}

export function assertRemovable(sub: string, methodKey: string): void {
  const reason = whyNotRemovable(sub, methodKey);
  if (reason) {
    const own = methodTypeOf(methodKey) === 'wallet' ? 'own_wallet' : 'own_provider';
    throw new InvalidRequest(reason).because(own);
  }
}
